/**
 * Test support shared by every layer: run a test on tfjs's deterministic cpu backend.
 * @module
 */
import { initBackend } from "./select.ts";

/** Makes the tests run on the deterministic cpu backend. */
export async function useCpu(): Promise<void> {
  await initBackend("cpu");
}
