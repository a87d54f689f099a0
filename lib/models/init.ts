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

/** An L2 term of a model: `factor` times the sum of the squares of `variable`. */
export interface WeightDecayTerm {
  variable: tf.Variable;
  factor: number;
}

/** While {@linkcode weightDecayTerms} runs: the terms the regularisers of {@linkcode l2} were asked for. */
let probe: WeightDecayTerm[] | undefined;

/**
 * A fresh L2 regulariser with the given factor (default {@linkcode WEIGHT_DECAY}): tfjs-layers'
 * own (`tf.regularizers.l2`, same maths, same config), which also tells
 * {@linkcode weightDecayTerms} which variable it regularises.
 */
export function l2(factor: number = WEIGHT_DECAY): Regularizer {
  const r = tf.regularizers.l2({ l2: factor });
  const apply = r.apply.bind(r);
  r.apply = (x: tf.Tensor) => {
    if (!probe) return apply(x);
    const { l1, l2 } = r as unknown as { l1: number; l2: number };
    probe.push({ variable: x as tf.Variable, factor: l1 === 0 ? l2 : NaN });
    return tf.scalar(0);
  };
  return r;
}

/**
 * The model's L2 terms in the order of `model.calculateLosses()`, each a trainable weight of the
 * model and its factor; undefined when a loss of the model is not an {@linkcode l2} term of one
 * of `vars` (another regulariser, an activity loss), or a weight has two terms. The trainer then
 * adds them inside Adam's update (`FusedAdamOptimizer.minimizeWithWeightDecay`).
 */
export function weightDecayTerms(
  model: tf.LayersModel,
  vars: readonly tf.Variable[],
): WeightDecayTerm[] | undefined {
  const terms: WeightDecayTerm[] = [];
  let losses = 0;
  probe = terms;
  try {
    const values = model.calculateLosses();
    losses = values.length;
    tf.dispose(values);
  } finally {
    probe = undefined;
  }
  const mine = new Set(vars);
  const seen = new Set<tf.Variable>();
  for (const t of terms) {
    if (!mine.has(t.variable) || seen.has(t.variable) || !(t.factor > 0)) return undefined;
    seen.add(t.variable);
  }
  return terms.length === losses ? terms : undefined;
}
