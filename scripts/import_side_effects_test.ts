/**
 * Importing geomad starts nothing: no backend is chosen and no kernel is registered until
 * `initBackend` (this file's isolate imports the whole library first).
 */
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import * as geomad from "../lib/mod.ts";
import { wasmKernelsRegistered } from "../lib/backend/wasm_kernels/mod.ts";

Deno.test("importing lib/mod.ts starts no backend and registers no kernel", async () => {
  assert.equal(geomad.backendInfo(), undefined);
  assert.equal(wasmKernelsRegistered(), false);
  assert.equal(tf.findBackend("native"), null);
  const info = await geomad.initBackend("cpu");
  assert.equal(info.name, "cpu");
  assert.equal(wasmKernelsRegistered(), false, "cpu registers no wasm kernel");
});
