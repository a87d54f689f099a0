/**
 * Seeded initialisers and the L2 regulariser shared by geomad's networks, following the
 * official GEOM Keras code: conv kernels He-normal (plain normal, std sqrt(2 / fan_in), not
 * truncated), dense kernels uniform in +-1/sqrt(fan_in), biases zero, L2 2.5e-4 (Keras
 * `l2(0.5 * 0.0005)`, i.e. 2.5e-4 * sum(w^2)).
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { Rng } from "../util/rng.ts";

/** A tfjs-layers weight initialiser. */
export type Initializer = ReturnType<typeof tf.initializers.randomNormal>;
/** A tfjs-layers weight regulariser. */
export type Regularizer = ReturnType<typeof tf.regularizers.l2>;

/** The paper's weight decay: Keras `l2(2.5e-4)` on kernels, biases and BN gamma/beta. */
export const WEIGHT_DECAY = 2.5e-4;

/**
 * Hands out one seed per initialiser, in construction order, from a model seed, so two builds
 * with the same seed are identical. Seeds are never 0 (tfjs treats seed 0 as "unseeded").
 */
export class SeedStream {
  #rng: Rng;

  /** Creates a stream from a model seed. */
  constructor(seed: number) {
    if (!Number.isInteger(seed)) {
      throw new RangeError(`Cannot seed model: seed ${seed} is not an integer`);
    }
    this.#rng = new Rng(seed);
  }

  /** The next seed, an integer in [1, 2^31 - 1). */
  next(): number {
    return 1 + this.#rng.int(2147483646);
  }
}

/** He-normal initialiser for a conv kernel of `fanIn` = kh * kw * cin inputs (not truncated). */
export function heNormal(fanIn: number, seeds: SeedStream): Initializer {
  return tf.initializers.randomNormal({
    mean: 0,
    stddev: Math.sqrt(2 / fanIn),
    seed: seeds.next(),
  });
}

/** Uniform initialiser in +-1/sqrt(fanIn) for a dense kernel (official GEOM code). */
export function denseUniform(fanIn: number, seeds: SeedStream): Initializer {
  const limit = 1 / Math.sqrt(fanIn);
  return tf.initializers.randomUniform({ minval: -limit, maxval: limit, seed: seeds.next() });
}

/** A fresh L2 regulariser with the given factor (default {@linkcode WEIGHT_DECAY}). */
export function l2(factor: number = WEIGHT_DECAY): Regularizer {
  return tf.regularizers.l2({ l2: factor });
}
