/**
 * One GEOM-style training step (forward, cross-entropy plus the model's L2 terms, backward,
 * optimiser update) on a fixed batch, shared by the benchmarks.
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { categoricalCrossEntropy } from "../lib/train/loss.ts";

/** A function that runs one step on (x, y) and resolves to its loss. */
export function trainStep(
  net: tf.LayersModel,
  optimizer: tf.Optimizer,
  x: tf.Tensor,
  y: tf.Tensor,
): () => Promise<number> {
  const vars = net.trainableWeights.map((w) => w.read() as tf.Variable);
  return async () => {
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
  };
}
