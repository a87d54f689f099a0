/**
 * One GEOM-style training step (forward, cross-entropy plus the model's L2 terms, backward,
 * optimiser update) on a fixed batch, shared by the benchmarks, with the trainer's Adam.
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { fusedAdam, type FusedAdamOptimizer } from "../lib/train/fused_adam.ts";
import { categoricalCrossEntropy } from "../lib/train/loss.ts";
import { weightDecayTerms } from "../lib/models/init.ts";

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
 * 0.999, epsilon 1e-7: GEOM's Keras defaults, and the fused update `lib/train/trainer.ts` uses),
 * with the model's L2 terms inside Adam's update as the trainer adds them where it can;
 * `fusedWeightDecay: false` puts them through autograd instead (same bits).
 */
export function trainStep(
  net: tf.LayersModel,
  x: tf.Tensor,
  y: tf.Tensor,
  options: { fusedWeightDecay?: boolean } = {},
): TrainStep {
  const optimizer = fusedAdam(1e-3, 0.9, 0.999, 1e-7);
  const vars = net.trainableWeights.map((w) => w.read() as tf.Variable);
  const terms = options.fusedWeightDecay ?? true ? weightDecayTerms(net, vars) : undefined;
  const ce = () => categoricalCrossEntropy(y, net.apply(x, { training: true }) as tf.Tensor);
  return {
    async run() {
      const cost = tf.tidy(() =>
        terms && optimizer.fusesWeightDecay()
          ? optimizer.minimizeWithWeightDecay(ce, terms, vars)
          : optimizer.minimize(
            () => tf.addN([ce(), ...net.calculateLosses()]) as tf.Scalar,
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
