/**
 * Ops that models call directly to reach native-only kernels; each returns undefined where the
 * kernel does not apply (another backend, dtype or layout), so callers fall back to stock tfjs.
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { NATIVE_BACKEND } from "./backend.ts";
import { BATCH_NORM_RELU, BATCH_NORM_TRAIN, NATIVE_MIN_ELEMENTS } from "./kernels_eltwise.ts";

/**
 * Training-mode batch normalisation over every axis but the last, in one oneDNN primitive
 * forward and one backward: [y, batch mean, batch (biased) variance]. The same values as
 * `tf.moments` + `tf.batchNorm` up to summation order, in two passes instead of about ten.
 * Gradients flow to x, scale and offset; the statistics outputs carry none. With `relu`,
 * y = max(0, normalised), fused into the same two passes.
 */
export function nativeBatchNormTrain(
  x: tf.Tensor,
  scale: tf.Tensor,
  offset: tf.Tensor,
  epsilon: number,
  options: { relu?: boolean } = {},
): [tf.Tensor, tf.Tensor, tf.Tensor] | undefined {
  if (tf.getBackend() !== NATIVE_BACKEND || x.dtype !== "float32" || x.rank < 2) return undefined;
  const c = x.shape[x.rank - 1]!;
  if (scale.size !== c || offset.size !== c || x.size === 0) return undefined;
  const [y, mean, variance, workspace] = tf.engine().runKernel(BATCH_NORM_TRAIN, {
    x,
    scale,
    offset,
  }, { varianceEpsilon: epsilon, relu: options.relu ?? false }) as unknown as tf.Tensor[];
  workspace!.dispose(); // kept alive by the gradient tape when it needs it
  return [y!, mean!, variance!];
}

/**
 * max(0, batchNorm(x)) with given statistics in one oneDNN pass (inference), or undefined where
 * the kernel does not apply. No gradient: for inference only.
 */
export function nativeBatchNormRelu(
  x: tf.Tensor,
  stats: { mean: tf.Tensor; variance: tf.Tensor; scale: tf.Tensor; offset: tf.Tensor },
  epsilon: number,
): tf.Tensor | undefined {
  if (tf.getBackend() !== NATIVE_BACKEND || x.dtype !== "float32" || x.rank < 2) return undefined;
  const c = x.shape[x.rank - 1]!;
  const all = [stats.mean, stats.variance, stats.scale, stats.offset];
  if (x.size < NATIVE_MIN_ELEMENTS || all.some((t) => t.size !== c || t.rank !== 1)) {
    return undefined;
  }
  return tf.engine().runKernel(BATCH_NORM_RELU, { x, ...stats }, {
    varianceEpsilon: epsilon,
  }) as tf.Tensor;
}
