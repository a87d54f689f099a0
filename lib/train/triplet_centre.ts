/**
 * GOAD's training loss (Bergman & Hoshen, ICLR 2020): cross-entropy on the transformation,
 * plus the triplet-centre loss on the features, plus a feature-size penalty.
 *
 * A batch holds b whole images x all T transformations, image-major: row i * T + t is image i
 * under transformation t (the trainer's `wholeImages` order). The centre of transformation j
 * is the batch mean c_j = mean_i z[i, j]; for every pair, pos = ||z - c_own||^2,
 * neg = min over the other j of ||z - c_j||^2, and the loss is mean(relu(pos + margin - neg)).
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { categoricalCrossEntropy } from "./loss.ts";
import type { TrainLoss } from "./trainer.ts";

/**
 * The triplet-centre loss of features `z` [b * T, d] (image-major, see the module doc) with
 * margin `margin`. Throws RangeError unless the rows are whole images (a multiple of T).
 */
export function tripletCentreLoss(z: tf.Tensor, nTransforms: number, margin: number): tf.Scalar {
  const T = nTransforms;
  if (z.rank !== 2) throw new RangeError(`Cannot compute the triplet-centre loss: z is not 2-d`);
  const [rows, d] = z.shape as [number, number];
  if (!Number.isInteger(T) || T < 2 || rows % T !== 0 || rows === 0) {
    throw new RangeError(
      `Cannot compute the triplet-centre loss: ${rows} rows are not whole images of ${T} transformations`,
    );
  }
  return tf.tidy(() => {
    const b = rows / T;
    const zs = tf.reshape(z, [b, T, d]);
    const centres = tf.mean(zs, 0); // [T, d]
    // dist[i, t, j] = ||z[i, t] - c_j||^2 = ||z||^2 - 2 z.c_j + ||c_j||^2, as one matmul: the
    // broadcast difference would be a [b, T, T, d] tensor (170 MB for 4 x 72 x 72 x 2048, and
    // as much again in the backward pass). Rounding can push a tiny distance below 0: clamp.
    const zz = tf.sum(tf.square(z), -1, true); // [b * T, 1]
    const cc = tf.reshape(tf.sum(tf.square(centres), -1), [1, T]);
    const cross = tf.matMul(z, centres, false, true); // [b * T, T]
    const dist = tf.reshape(tf.relu(tf.add(tf.sub(zz, tf.mul(cross, 2)), cc)), [b, T, T]);
    const eye = tf.reshape(tf.eye(T), [1, T, T]);
    const pos = tf.sum(tf.mul(dist, eye), -1); // [b, T]
    // The own centre never counts as the nearest other one (the official code adds 1e6).
    const masked = tf.add(dist, tf.mul(eye, tf.scalar(1e30)));
    const neg = tf.min(masked, -1);
    return tf.mean(tf.relu(tf.add(tf.sub(pos, neg), tf.scalar(margin)))) as tf.Scalar;
  });
}

/** Options for {@linkcode goadLoss}. */
export interface GoadLossOptions {
  /** Number of transformations T. */
  nTransforms: number;
  /** Triplet-centre margin m (paper: 0.1 for CIFAR-10, 1 for Fashion-MNIST). */
  margin: number;
  /** Weight of the triplet-centre loss (official: 0.1). */
  lambda: number;
  /** Weight of mean(z^2) (official: 10). */
  featurePenalty: number;
}

/**
 * GOAD's loss for a model with outputs [features z, softmax]: cross-entropy of the softmax
 * against the transformation + lambda x triplet-centre(z) + featurePenalty x mean(z^2).
 */
export function goadLoss(options: GoadLossOptions): TrainLoss {
  const { nTransforms: T, margin, lambda, featurePenalty } = options;
  for (
    const [k, v] of [["margin", margin], ["lambda", lambda], ["featurePenalty", featurePenalty]]
  ) {
    if (!(Number.isFinite(v as number) && (v as number) >= 0)) {
      throw new RangeError(`Cannot build the GOAD loss: ${k} ${v} is not a finite number >= 0`);
    }
  }
  return (outputs, labels) => {
    const [z, probs] = outputs;
    if (!z || !probs || outputs.length !== 2) {
      throw new RangeError(
        `Cannot compute the GOAD loss: the model must output [features, softmax]`,
      );
    }
    const ce = categoricalCrossEntropy(tf.oneHot(labels, T), probs);
    const tc = tripletCentreLoss(z, T, margin);
    const penalty = tf.mean(tf.square(z));
    return tf.addN([ce, tf.mul(tc, lambda), tf.mul(penalty, featurePenalty)]) as tf.Scalar;
  };
}
