/**
 * Separable linear filters with per-image kernels, written as matrix products so that the
 * half-sample-symmetric border reflection is exact for any image size and kernel radius:
 * out = A X B^T per image and channel, with A (height x height) filtering columns and
 * B (width x width) filtering rows.
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { reflectIndex } from "./index_map.ts";

/** Normalised 1-D Gaussian taps for offsets -r..r, r = ceil(3 sigma); sigma 0 gives [1]. */
export function gaussianKernel(sigma: number): Float64Array {
  if (!(sigma >= 0) || !Number.isFinite(sigma)) {
    throw new RangeError(`Cannot build a Gaussian kernel: sigma ${sigma} is not >= 0`);
  }
  if (sigma === 0) return Float64Array.of(1);
  const r = Math.ceil(3 * sigma);
  const g = new Float64Array(2 * r + 1);
  let sum = 0;
  for (let k = -r; k <= r; k++) sum += g[k + r] = Math.exp(-(k * k) / (2 * sigma * sigma));
  for (let k = 0; k < g.length; k++) g[k] = g[k]! / sum;
  return g;
}

/**
 * The n x n matrix (row-major) of the 1-D correlation with `taps` (centred) on a signal of
 * length n with half-sample-symmetric borders: (M v)[i] = sum_k taps[k] v[reflect(i + k - r)].
 */
export function reflectedFilterMatrix(taps: ArrayLike<number>, n: number): Float32Array {
  const r = (taps.length - 1) / 2;
  if (!Number.isInteger(r)) {
    throw new RangeError(`Cannot build a filter matrix: ${taps.length} taps is not odd`);
  }
  const m = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < taps.length; k++) {
      m[i * n + reflectIndex(i + k - r, n)]! += taps[k]!;
    }
  }
  return Float32Array.from(m);
}

/**
 * Applies a separable filter per image: image i is filtered with `rows[t[i]]` (height x
 * height, along the height axis) and `cols[t[i]]` (width x width, along the width axis).
 * Each level present in the batch is computed for the whole batch with two plain 2-D matrix
 * products (fast on every backend, no gather: the wasm gather kernel is slow) and the results
 * are blended with 0/1 per-image masks, so an identity level returns its images exactly.
 * Must be called inside `tf.tidy` (intermediates are not disposed here).
 */
export function separableFilter(
  x: tf.Tensor4D,
  t: ArrayLike<number>,
  matrices: { rows: readonly Float32Array[]; cols: readonly Float32Array[] },
): tf.Tensor4D {
  const [n, h, w, c] = x.shape;
  if (n === 0) return tf.clone(x);
  // [n, c, h, w] planes: filter along w, then transpose to filter along h.
  const planes = tf.reshape(tf.transpose(x, [0, 3, 1, 2]), [n * c * h, w]);
  let out: tf.Tensor | undefined;
  for (const level of new Set(Array.from(t))) {
    const along = tf.matMul(planes, tf.tensor2d(transposed(matrices.cols[level]!, w), [w, w]));
    const turned = tf.reshape(tf.transpose(tf.reshape(along, [n, c, h, w]), [0, 1, 3, 2]), [
      n * c * w,
      h,
    ]);
    const both = tf.matMul(turned, tf.tensor2d(transposed(matrices.rows[level]!, h), [h, h]));
    const mask = new Float32Array(n);
    for (let i = 0; i < n; i++) mask[i] = t[i] === level ? 1 : 0;
    const part = tf.mul(tf.reshape(both, [n, c, w, h]), tf.tensor4d(mask, [n, 1, 1, 1]));
    out = out ? tf.add(out, part) : part;
  }
  // Back from [n, c, w, h] to [n, h, w, c].
  return tf.transpose(out!, [0, 3, 2, 1]) as tf.Tensor4D;
}

/** The transpose of an n x n row-major matrix. */
function transposed(m: Float32Array, n: number): Float32Array {
  if (m.length !== n * n) throw new RangeError(`Cannot use a filter matrix: ${m.length} != ${n}^2`);
  const out = new Float32Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) out[j * n + i] = m[i * n + j]!;
  return out;
}
