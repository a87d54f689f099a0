/**
 * One GEOM-style training step (forward, cross-entropy plus the model's L2 terms, backward,
 * optimiser update) on a fixed batch, shared by the benchmarks, with the trainer's Adam.
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { fusedAdam, type FusedAdamOptimizer } from "../lib/train/fused_adam.ts";
import { categoricalCrossEntropy } from "../lib/train/loss.ts";

/** Repeated training steps on one batch, and the optimiser they update through. */
export interface TrainStep {
  /** Runs one step; resolves to its loss. */
  run(): Promise<number>;
  /** Releases the optimiser's state (the model and the batch stay the caller's). */
  dispose(): void;
  /** The optimiser the steps update through. */
  readonly optimizer: FusedAdamOptimizer;
}

/**
 * Steps that train `net` on (x, y) with the trainer's Adam (learning rate 1e-3, betas 0.9 and
 * 0.999, epsilon 1e-7: GEOM's Keras defaults, and the fused update `lib/train/trainer.ts` uses).
 */
export function trainStep(net: tf.LayersModel, x: tf.Tensor, y: tf.Tensor): TrainStep {
  const optimizer = fusedAdam(1e-3, 0.9, 0.999, 1e-7);
  const vars = net.trainableWeights.map((w) => w.read() as tf.Variable);
  return {
    async run() {
      const cost = tf.tidy(() =>
        optimizer.minimize(
          () => {
            const probs = net.apply(x, { training: true }) as tf.Tensor;
            return tf.addN([
              categoricalCrossEntropy(y, probs),
              ...net.calculateLosses(),
            ]) as tf.Scalar;
          },
          true,
          vars,
        )!
      );
      const loss = (await cost.data())[0]!;
      cost.dispose();
      return loss;
    },
    dispose() {
      optimizer.dispose();
    },
    optimizer,
  };
}
