/**
 * Batch normalisation over the last axis written with broadcasting ops only
 * (y = (x - mean) * rsqrt(var + eps) * gamma + beta), as a tfjs-layers layer.
 *
 * Why not `tf.layers.batchNormalization`: its op (`FusedBatchNorm`) has a gradient that calls
 * `tile`, and tfjs 4.22 differentiates `tile` with one slice + add per repetition (4,096 of
 * each for a 16x16 map at batch 16). DSEBM's score matching and ADGAN's gradient penalty
 * differentiate through that gradient (second order), which made one DSEBM step take minutes.
 * The gradients of sub/mul/mean are reductions, so second-order training stays fast. Same
 * defaults as Keras: momentum 0.99, epsilon 1e-3, moving statistics updated in training mode
 * with the biased batch variance.
 * @module
 */
import * as tf from "@tensorflow/tfjs";

/** Options of {@linkcode BroadcastBatchNorm}. */
export interface BroadcastBatchNormOptions {
  /** Moving-average momentum (Keras default 0.99). */
  momentum?: number;
  /** Added to the variance (Keras default 1e-3). */
  epsilon?: number;
  /** Learn a per-channel scale gamma and offset beta (default true). */
  affine?: boolean;
  name?: string;
}

type LayerVariable = ReturnType<tf.layers.Layer["addWeight"]>;

/** Batch normalisation over the last axis, differentiable to any order (see module doc). */
export class BroadcastBatchNorm extends tf.layers.Layer {
  /** Class name for tfjs-layers serialisation. */
  static className = "GeomadBroadcastBatchNorm";
  readonly momentum: number;
  readonly epsilon: number;
  readonly affine: boolean;
  /**
   * Update the moving statistics in training mode (default true). ADGAN's latent search sets
   * it false: its fine-tuning step uses batch statistics without touching the moving ones, as
   * the official code's optimiser-only update did.
   */
  updateMovingStats = true;
  #gamma?: LayerVariable;
  #beta?: LayerVariable;
  #movingMean?: LayerVariable;
  #movingVar?: LayerVariable;

  constructor(options: BroadcastBatchNormOptions = {}) {
    super({ name: options.name });
    this.momentum = options.momentum ?? 0.99;
    this.epsilon = options.epsilon ?? 1e-3;
    this.affine = options.affine ?? true;
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    const c = shape[shape.length - 1];
    if (typeof c !== "number") {
      throw new RangeError("Cannot build batch normalisation: the last axis has no fixed size");
    }
    if (this.affine) {
      this.#gamma = this.addWeight("gamma", [c], "float32", tf.initializers.ones());
      this.#beta = this.addWeight("beta", [c], "float32", tf.initializers.zeros());
    }
    this.#movingMean = this.addWeight(
      "moving_mean",
      [c],
      "float32",
      tf.initializers.zeros(),
      undefined,
      false,
    );
    this.#movingVar = this.addWeight(
      "moving_variance",
      [c],
      "float32",
      tf.initializers.ones(),
      undefined,
      false,
    );
    this.built = true;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape | tf.Shape[] {
    return inputShape;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: { training?: boolean }): tf.Tensor {
    return tf.tidy(() => {
      const x = Array.isArray(inputs) ? inputs[0]! : inputs;
      const axes = Array.from({ length: x.rank - 1 }, (_, i) => i);
      let mean: tf.Tensor, variance: tf.Tensor;
      if (kwargs.training) {
        const m = tf.moments(x, axes);
        mean = m.mean;
        variance = m.variance;
        if (this.updateMovingStats) {
          this.#update(this.#movingMean!, mean);
          this.#update(this.#movingVar!, variance);
        }
      } else {
        mean = this.#movingMean!.read();
        variance = this.#movingVar!.read();
      }
      let y = x.sub(mean).mul(variance.add(this.epsilon).rsqrt());
      if (this.affine) y = y.mul(this.#gamma!.read()).add(this.#beta!.read());
      return y;
    });
  }

  #update(v: LayerVariable, batch: tf.Tensor): void {
    tf.tidy(() => {
      const old = v.read();
      v.write(old.sub(old.sub(batch).mul(1 - this.momentum)));
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return {
      ...super.getConfig(),
      momentum: this.momentum,
      epsilon: this.epsilon,
      affine: this.affine,
    };
  }
}
