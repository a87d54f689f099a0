/**
 * Losses for the self-supervised classifier.
 * @module
 */
import * as tf from "@tensorflow/tfjs";

/** Probabilities are clipped to [CLIP_EPSILON, 1 - CLIP_EPSILON] before the log, as Keras does. */
export const CLIP_EPSILON = 1e-7;

/**
 * Mean categorical cross-entropy of softmax outputs `probs` [m, T] against one-hot `yTrue`
 * [m, T], computed the Keras 2 way (clip, log, sum over classes, mean over the batch).
 */
export function categoricalCrossEntropy(yTrue: tf.Tensor, probs: tf.Tensor): tf.Scalar {
  return tf.tidy(() => {
    const logp = tf.log(tf.clipByValue(probs, CLIP_EPSILON, 1 - CLIP_EPSILON));
    return tf.neg(tf.mean(tf.sum(tf.mul(yTrue, logp), -1))) as tf.Scalar;
  });
}
