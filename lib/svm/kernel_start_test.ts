import assert from "node:assert/strict";
import { backendInfo } from "../backend/select.ts";
import { squaredDistances } from "./kernel.ts";

// This file's isolate starts no backend: the SVM must not start one by itself.
Deno.test("squaredDistances() without a started backend is a clear error, not a silent start", async () => {
  const m = { data: new Float32Array([1, 2, 3, 4]), rows: 2, cols: 2 };
  await assert.rejects(squaredDistances(m), /no backend is started; call initBackend\(\)/);
  assert.equal(backendInfo(), undefined);
});
