import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { initBackend } from "../select.ts";
import {
  registerWasmKernels,
  restoreStockKernels,
  WASM_KERNEL_CONFIGS,
  WASM_KERNEL_NAMES,
  WASM_KERNELS_EXTENSION,
  wasmKernelsRegistered,
} from "./mod.ts";

Deno.test("initBackend('wasm') registers and records the kernels (no import registers them)", async () => {
  assert.equal(wasmKernelsRegistered(), false);
  const info = await initBackend("wasm");
  assert.equal(info.name, "wasm");
  assert.deepEqual(info.extensions.filter((e) => e === WASM_KERNELS_EXTENSION), [
    WASM_KERNELS_EXTENSION,
  ]);
  assert.ok(wasmKernelsRegistered());
});

Deno.test("registerWasmKernels() is idempotent and keeps the stock kernels for fallbacks", async () => {
  await initBackend("wasm");
  assert.equal(registerWasmKernels(), "geomad-wasm-grad-v1");
  const before = WASM_KERNEL_NAMES.map((n) => tf.getKernel(n, "wasm"));
  assert.equal(registerWasmKernels(), WASM_KERNELS_EXTENSION);
  assert.deepEqual(WASM_KERNEL_NAMES.map((n) => tf.getKernel(n, "wasm")), before);
  assert.deepEqual(before.map((c) => c?.kernelFunc), WASM_KERNEL_CONFIGS.map((c) => c.kernelFunc));
  // Innermost sums go to the stock kernel, which must still work.
  const s = tf.sum(tf.tensor2d([1, 2, 3, 4], [2, 2]), 1);
  assert.deepEqual(Array.from(s.dataSync()), [3, 7]);
  s.dispose();
});

Deno.test("the kernels cover the gradient kernels wasm lacks or runs slowly", () => {
  for (
    const name of ["Conv2DBackpropFilter", "Conv2DBackpropInput", "BatchMatMul", "Sum", "Mean"]
  ) {
    assert.ok(WASM_KERNEL_NAMES.includes(name), name);
  }
});

Deno.test("restoreStockKernels() puts the stock kernels back and registering again works", async () => {
  await initBackend("wasm");
  registerWasmKernels();
  restoreStockKernels();
  assert.ok(!wasmKernelsRegistered());
  const sum = WASM_KERNEL_CONFIGS.find((c) => c.kernelName === "Sum")!;
  assert.notEqual(tf.getKernel("Sum", "wasm")?.kernelFunc, sum.kernelFunc);
  assert.ok(tf.getKernel("Conv2DBackpropFilter", "wasm"), "kept: stock wasm has none");
  restoreStockKernels({ removeMissing: true });
  assert.equal(tf.getKernel("Conv2DBackpropFilter", "wasm"), undefined);
  registerWasmKernels();
  assert.ok(wasmKernelsRegistered());
});
