/**
 * Ops that models call directly to reach native-only kernels; each returns undefined where the
 * kernel does not apply (another backend, dtype or layout), so callers fall back to stock tfjs.
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { NATIVE_BACKEND } from "./backend.ts";
import { BATCH_NORM_TRAIN } from "./kernels_eltwise.ts";

/**
 * Training-mode batch normalisation over every axis but the last, in one oneDNN primitive
 * forward and one backward: [y, batch mean, batch (biased) variance]. The same values as
 * `tf.moments` + `tf.batchNorm` up to summation order, in two passes instead of about ten.
 * Gradients flow to x, scale and offset; the statistics outputs carry none.
 */
export function nativeBatchNormTrain(
  x: tf.Tensor,
  scale: tf.Tensor,
  offset: tf.Tensor,
  epsilon: number,
): [tf.Tensor, tf.Tensor, tf.Tensor] | undefined {
  if (tf.getBackend() !== NATIVE_BACKEND || x.dtype !== "float32" || x.rank < 2) return undefined;
  const c = x.shape[x.rank - 1]!;
  if (scale.size !== c || offset.size !== c || x.size === 0) return undefined;
  return tf.engine().runKernel(BATCH_NORM_TRAIN, { x, scale, offset }, {
    varianceEpsilon: epsilon,
  }) as unknown as [tf.Tensor, tf.Tensor, tf.Tensor];
}
