import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { initBackend } from "../select.ts";
import { registerWasmKernels, wasmKernelsRegistered } from "./mod.ts";

// This file's isolate registers the kernels BEFORE the wasm backend starts, so the engine
// never runs the replaced stock kernels' setup functions; the fallbacks must still work.
Deno.test("kernels registered before the wasm backend starts still fall back to stock", async () => {
  registerWasmKernels();
  await initBackend("wasm");
  await tf.setBackend("wasm");
  assert.ok(wasmKernelsRegistered());
  const x = tf.tensor2d([1, 2, 3, 4], [2, 2]);
  const inner = tf.sum(x, 1); // stock Sum (innermost axis)
  const mm = tf.matMul(x, x); // stock BatchMatMul (no transposes)
  const bmm = tf.matMul(tf.stack([x, x]) as tf.Tensor3D, tf.stack([x, x]) as tf.Tensor3D);
  assert.deepEqual(Array.from(inner.dataSync()), [3, 7]);
  assert.deepEqual(Array.from(mm.dataSync()), [7, 10, 15, 22]);
  assert.deepEqual(Array.from(bmm.dataSync()), [7, 10, 15, 22, 7, 10, 15, 22]);
  tf.dispose([x, inner, mm, bmm]);
});
