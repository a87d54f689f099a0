/**
 * Test helpers for the wasm kernels: start wasm with geomad's kernels, compute reference
 * values on the `cpu` backend, compare within a tolerance relative to the magnitude.
 * @module
 */
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { initBackend } from "../select.ts";
import { registerWasmKernels } from "./mod.ts";

/** Starts the wasm backend (once), registers geomad's kernels and makes wasm current. */
export async function useWasm(): Promise<void> {
  await initBackend("wasm");
  registerWasmKernels();
  if (tf.getBackend() !== "wasm") await tf.setBackend("wasm");
}

/** Runs `f` on the cpu backend (the reference kernels), then switches back to wasm. */
export async function onCpu<T>(f: () => T): Promise<T> {
  await tf.setBackend("cpu");
  try {
    return f();
  } finally {
    await tf.setBackend("wasm");
  }
}

/** Seeded standard-normal values (generated on the current backend, read back). */
export function randomValues(shape: number[], seed: number): Float32Array {
  return tf.tidy(() => tf.randomNormal(shape, 0, 1, "float32", seed).dataSync() as Float32Array);
}

/** Runs one kernel through the engine on the current backend and returns its values. */
export function runKernelValues(
  name: string,
  inputs: Record<string, { values: ArrayLike<number>; shape: number[]; dtype?: tf.DataType }>,
  attrs: Record<string, unknown>,
): { values: Float32Array; shape: number[] } {
  return tf.tidy(() => {
    const tensors: tf.NamedTensorMap = {};
    for (const [k, v] of Object.entries(inputs)) {
      tensors[k] = tf.tensor(Array.from(v.values), v.shape, v.dtype ?? "float32");
    }
    const out = tf.engine().runKernel(name, tensors, attrs as tf.NamedAttrMap) as tf.Tensor;
    return { values: Float32Array.from(out.dataSync() as Float32Array), shape: out.shape };
  });
}

/**
 * Asserts max |actual - expected| <= rtol * max(|expected|) + atol, with a useful message.
 * `atol` (default 1e-30) is for values that are mathematically zero (e.g. the gradient of a
 * conv bias followed by BatchNorm), whose relative error is meaningless.
 */
export function assertClose(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  options: { rtol?: number; atol?: number; label?: string } = {},
): void {
  const rtol = options.rtol ?? 1e-4;
  assert.equal(actual.length, expected.length, `${options.label}: length`);
  let maxErr = 0;
  let scale = 0;
  for (let i = 0; i < expected.length; i++) {
    const e = expected[i]!;
    const a = actual[i]!;
    if (Number.isNaN(e) || Number.isNaN(a)) {
      assert.ok(Number.isNaN(e) && Number.isNaN(a), `${options.label}: NaN mismatch at ${i}`);
      continue;
    }
    maxErr = Math.max(maxErr, Math.abs(a - e));
    scale = Math.max(scale, Math.abs(e));
  }
  assert.ok(
    maxErr <= rtol * scale + (options.atol ?? 1e-30),
    `${options.label}: max error ${maxErr.toExponential(3)} > ${rtol} x ${scale.toExponential(3)}` +
      (options.atol ? ` + ${options.atol.toExponential(3)}` : ""),
  );
}

/** Number of tensors the wasm backend holds on its heap (tracked and internal). */
export function heapTensors(): number {
  return tf.engine().backend.numDataIds();
}
