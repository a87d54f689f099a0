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
