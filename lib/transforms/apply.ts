/**
 * Conveniences over {@linkcode TransformSet.apply}: one transformation for the whole batch,
 * or every transformation of a batch (for scoring).
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import type { ApplyOptions, TransformSet } from "./types.ts";

/** Applies transformation `t` to every image of `x` (same as `apply` with all indices = t). */
export function applyOne(
  set: TransformSet,
  x: tf.Tensor4D,
  options: ApplyOptions & { t: number },
): tf.Tensor4D {
  const { t, ...rest } = options;
  return set.apply(x, new Int32Array(x.shape[0]).fill(t), rest);
}

/**
 * All `set.size` transformations of the n images of `x`, as one [size * n, h, w, c] tensor in
 * order [t][image]: row t * n + i is T_t(x_i), so `reshape` of a model's output to
 * [size, n, ...] groups by transformation. Defined as `apply` on the batch tiled `size` times
 * with indices [0 x n, 1 x n, ...]; for stochastic sets, block t therefore differs from
 * `applyOne(..., {t, seed})` with the same seed. Memory grows with size * n: for large
 * batches loop over `applyOne` instead.
 */
export function applyAll(
  set: TransformSet,
  x: tf.Tensor4D,
  options: ApplyOptions = {},
): tf.Tensor4D {
  const n = x.shape[0];
  const t = new Int32Array(set.size * n);
  for (let k = 0; k < set.size; k++) t.fill(k, k * n, (k + 1) * n);
  const tiled = tf.tile(x, [set.size, 1, 1, 1]);
  try {
    return set.apply(tiled, t, options);
  } finally {
    tiled.dispose();
  }
}
