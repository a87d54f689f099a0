/**
 * Test helpers for transform sets (not exported from mod.ts).
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { Rng } from "../util/rng.ts";

/** Seeded uniform [-1, 1) images, NHWC. */
export function randomImages(shape: [number, number, number, number], seed: number): tf.Tensor4D {
  const rng = new Rng(seed);
  const v = new Float32Array(shape[0] * shape[1] * shape[2] * shape[3]);
  for (let i = 0; i < v.length; i++) v[i] = 2 * rng.next() - 1;
  return tf.tensor4d(v, shape);
}

/** A [1, h, w, 1] image holding 0, 1, ..., h*w-1 in row-major order. */
export function rampImage(h: number, w: number): tf.Tensor4D {
  return tf.tensor4d(Float32Array.from({ length: h * w }, (_, i) => i), [1, h, w, 1]);
}

/** The single-channel image 0 of `x` as nested rows (for readable deepEqual failures). */
export function rows(x: tf.Tensor4D): number[][] {
  const [, h, w] = x.shape;
  const v = x.dataSync();
  return Array.from({ length: h }, (_, i) => Array.from(v.subarray(i * w, (i + 1) * w)));
}

/** The largest absolute difference between two tensors of equal shape. */
export function maxAbsDiff(a: tf.Tensor, b: tf.Tensor): number {
  const x = a.dataSync(), y = b.dataSync();
  if (x.length !== y.length) throw new RangeError(`Cannot compare: ${x.length} vs ${y.length}`);
  let m = 0;
  for (let i = 0; i < x.length; i++) m = Math.max(m, Math.abs(x[i]! - y[i]!));
  return m;
}
