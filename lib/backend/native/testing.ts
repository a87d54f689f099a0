/**
 * Helpers for the native backend's tests: run the same computation on the reference `cpu`
 * backend and on `native`, and compare within a relative tolerance.
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import assert from "node:assert/strict";
import { Rng } from "../../util/rng.ts";
import { NATIVE_BACKEND } from "./backend.ts";
import { nativeKernelStats, registerNativeBackend } from "./register.ts";

/** Why native tests are skipped (undefined when the backend registered). */
export const skipReason: string | undefined = await registerNativeBackend();
if (skipReason) console.warn(`native backend tests ignored: ${skipReason}`);

/** A float32 tensor of seeded uniform values in [lo, hi). */
export function randomTensor(shape: number[], seed: number, lo = -1, hi = 1): tf.Tensor {
  const rng = new Rng(seed);
  const n = shape.reduce((a, b) => a * b, 1);
  const v = new Float32Array(n);
  for (let i = 0; i < n; i++) v[i] = lo + (hi - lo) * rng.next();
  return tf.tensor(v, shape, "float32");
}

/** Max |a-b| divided by max |b| (b = reference). */
export function relativeError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  assert.equal(a.length, b.length, "length mismatch");
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < a.length; i++) {
    diff = Math.max(diff, Math.abs(a[i]! - b[i]!));
    scale = Math.max(scale, Math.abs(b[i]!));
  }
  return diff / Math.max(scale, 1e-12);
}

/** Values of each returned tensor, computed on `backend`. */
export async function runOn(
  backend: string,
  fn: () => tf.Tensor | tf.Tensor[],
): Promise<{ shapes: number[][]; values: Float32Array[] }> {
  await tf.setBackend(backend);
  const out = tf.tidy(fn);
  const list = Array.isArray(out) ? out : [out];
  const values = list.map((t) => t.dataSync() as Float32Array);
  const shapes = list.map((t) => t.shape);
  tf.dispose(list);
  return { shapes, values };
}

/** Options for `assertMatchesCpu`. */
export interface MatchOptions {
  /** Largest allowed relative error per output (default 1e-4). */
  tol?: number;
  /**
   * Kernels that must have run natively at least once. Default: some native kernel ran and
   * none fell back to cpu.
   */
  requireNative?: string[];
}

/**
 * Runs `fn` on cpu and on native and asserts equal shapes and values within a relative
 * tolerance (per output). Inputs made outside `fn` move between backends by themselves.
 * Returns the worst relative error.
 */
export async function assertMatchesCpu(
  label: string,
  fn: () => tf.Tensor | tf.Tensor[],
  options: MatchOptions = {},
): Promise<number> {
  const tol = options.tol ?? 1e-4;
  const ref = await runOn("cpu", fn);
  nativeKernelStats(true);
  const got = await runOn(NATIVE_BACKEND, fn);
  const stats = nativeKernelStats();
  if (options.requireNative) {
    for (const k of options.requireNative) {
      assert.ok((stats[k]?.native ?? 0) > 0, `${label}: ${k} did not run natively`);
    }
  } else {
    const all = Object.entries(stats);
    assert.ok(all.some(([, s]) => s.native > 0), `${label}: no native kernel ran`);
    for (const [k, s] of all) assert.equal(s.fallback, 0, `${label}: ${k} fell back to cpu`);
  }
  let worst = 0;
  ref.values.forEach((r, i) => {
    assert.deepEqual(got.shapes[i], ref.shapes[i], `${label}: output ${i} shape`);
    const err = relativeError(got.values[i]!, r);
    assert.ok(err <= tol, `${label}: output ${i} relative error ${err.toExponential(2)} > ${tol}`);
    worst = Math.max(worst, err);
  });
  return worst;
}

/**
 * Rounds float32 values to bfloat16 precision (nearest, ties to even), bit by bit; denormal
 * inputs become signed zeros, as AVX512-BF16's conversion instruction makes them.
 */
export function roundToBf16(x: Float32Array): Float32Array {
  const bits = new Uint32Array(Float32Array.from(x).buffer);
  for (let i = 0; i < bits.length; i++) {
    const b = bits[i]!;
    if ((b & 0x7f800000) === 0) bits[i] = b & 0x80000000;
    else bits[i] = ((b + 0x7fff + ((b >>> 16) & 1)) >>> 0) & 0xffff0000;
  }
  return new Float32Array(bits.buffer);
}

/** One convolution geometry of the conv tests (NHWC input, HWIO filter). */
export interface ConvCase {
  x: [number, number, number, number];
  f: [number, number, number, number];
  s: [number, number];
  pad: "same" | "valid";
}

// strides 1/2, same/valid, 1x1/3x3, non-square images, filters and strides, odd sizes, and
// channel counts that are and are not multiples of oneDNN's 16-wide blocks.
export const CONV_CASES: ConvCase[] = [
  { x: [2, 8, 8, 3], f: [3, 3, 3, 4], s: [1, 1], pad: "same" },
  { x: [2, 9, 7, 5], f: [3, 3, 5, 6], s: [2, 2], pad: "same" },
  { x: [2, 9, 7, 5], f: [3, 3, 5, 6], s: [2, 2], pad: "valid" },
  { x: [3, 6, 10, 4], f: [1, 1, 4, 8], s: [1, 1], pad: "valid" },
  { x: [3, 6, 10, 4], f: [1, 1, 4, 8], s: [2, 2], pad: "same" },
  { x: [2, 7, 11, 4], f: [3, 2, 4, 5], s: [2, 1], pad: "same" },
  { x: [1, 11, 13, 2], f: [2, 3, 2, 3], s: [1, 2], pad: "valid" },
  { x: [4, 16, 16, 16], f: [3, 3, 16, 32], s: [2, 2], pad: "same" },
  { x: [2, 8, 8, 64], f: [3, 3, 64, 64], s: [1, 1], pad: "same" },
  { x: [2, 8, 8, 32], f: [1, 1, 32, 64], s: [2, 2], pad: "same" },
];
