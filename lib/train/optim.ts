/**
 * Optimiser plumbing shared by the deep baselines: Adam from a config, a learning-rate change
 * that keeps Adam's moments (a milestone schedule), trainable variables of several models,
 * and an L2 weight-decay term.
 * @module
 */
import * as tf from "@tensorflow/tfjs";

/** Adam settings. */
export interface AdamSettings {
  lr: number;
  betas: readonly [number, number];
  /** Keras 2.2's default is 1e-7. */
  adamEpsilon: number;
}

/** A new Adam optimiser. */
export function makeAdam(s: AdamSettings): tf.AdamOptimizer {
  return tf.train.adam(s.lr, s.betas[0], s.betas[1], s.adamEpsilon) as tf.AdamOptimizer;
}

/** Runs `fn` with a new Adam optimiser and disposes the optimiser afterwards. */
export async function withAdam<T>(
  s: AdamSettings,
  fn: (opt: tf.AdamOptimizer) => Promise<T>,
): Promise<T> {
  const opt = makeAdam(s);
  try {
    return await fn(opt);
  } finally {
    opt.dispose();
  }
}

/** Changes an Adam optimiser's learning rate in place, keeping its moment estimates. */
export function setLearningRate(opt: tf.AdamOptimizer, lr: number): void {
  (opt as unknown as { learningRate: number }).learningRate = lr;
}

/** The trainable variables of `models`, in order. */
export function trainableVariables(...models: tf.LayersModel[]): tf.Variable[] {
  return models.flatMap((m) => m.trainableWeights.map((w) => w.read() as tf.Variable));
}

/** 0.5 * factor * sum of squares of `vars` (gradient factor * w, PyTorch's weight_decay). */
export function l2Penalty(vars: readonly tf.Variable[], factor: number): tf.Scalar {
  return tf.tidy(() => tf.addN(vars.map((v) => v.square().sum())).mul(0.5 * factor) as tf.Scalar);
}
