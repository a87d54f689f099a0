/**
 * Gamma correction set (non-geometric): applied on [0, 1] = (x + 1) / 2, then mapped back.
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { defineSet, fmtParam, perImage } from "./define.ts";
import type { ImageShape, TransformSet } from "./types.ts";

/** Default gammas 2^e for e in (0, -1, -0.5, 0.5, 1); index 0 = identity (gamma 1). */
export const GAMMAS: readonly number[] = [1, 0.5, Math.SQRT1_2, Math.SQRT2, 2];

/** Options for {@linkcode gammaSet}. */
export interface GammaSetOptions extends ImageShape {
  /** Gamma per index (> 0); default {@linkcode GAMMAS}. */
  gammas?: readonly number[];
}

/**
 * Gamma correction: out = 2 * clip((x + 1) / 2, 0, 1)^gamma - 1; label `gamma=<g>`. Images
 * whose gamma is exactly 1 are returned unchanged (bit for bit).
 */
export function gammaSet(options: GammaSetOptions): TransformSet {
  const { height, width, gammas = GAMMAS } = options;
  for (const g of gammas) {
    if (!(g > 0) || !Number.isFinite(g)) {
      throw new RangeError(`Cannot build gamma: gamma ${g} is not a positive number`);
    }
  }
  return defineSet({
    name: "gamma",
    kind: "non-geometric",
    stochastic: false,
    labels: gammas.map((g) => `gamma=${fmtParam(g)}`),
    height,
    width,
    run: (x, t) => {
      // u^g as exp(g log u): broadcast pow (and where) are slow on wasm; log 0 = -inf -> 0.
      const unit = tf.clipByValue(tf.mul(tf.add(x, 1), 0.5), 0, 1);
      const out = tf.sub(tf.mul(tf.exp(tf.mul(perImage(gammas, t), tf.log(unit))), 2), 1);
      const keep = perImage(gammas.map((g) => (g === 1 ? 1 : 0)), t);
      return tf.add(tf.mul(keep, x), tf.mul(tf.sub(1, keep), out)) as tf.Tensor4D;
    },
  });
}
