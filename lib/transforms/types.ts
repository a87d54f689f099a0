/**
 * The transform-set contract: a finite, indexed family of image transformations applied per
 * batch on the fly (never a copy of the data per transformation).
 * @module
 */
import type * as tf from "@tensorflow/tfjs";

/** What a set's transformations do to an image. */
export type TransformKind = "geometric" | "non-geometric" | "mixed";

/** Options for {@linkcode TransformSet.apply}. */
export interface ApplyOptions {
  /**
   * Seed for stochastic sets (noise). Required by sets with `stochastic: true`; ignored by
   * deterministic ones. The same seed, batch and indices give the same output.
   */
  seed?: number;
}

/** Image size a set is built for. */
export interface ImageShape {
  height: number;
  width: number;
}

/**
 * A family of `size` transformations, indexed 0..size-1, for images of one size.
 * Index 0 is the identity in every set geomad defines.
 */
export interface TransformSet {
  /** CLI name of the set, e.g. `geometric72`. */
  readonly name: string;
  /** Number of transformations (the classifier's number of classes). */
  readonly size: number;
  /** Human-readable name per index, e.g. `flip=0 tx=-8 ty=0 rot=90`. */
  readonly labels: readonly string[];
  /** Geometric (pixel permutations), non-geometric (photometric) or a product of both. */
  readonly kind: TransformKind;
  /** True when `apply` draws random numbers (needs `options.seed`). */
  readonly stochastic: boolean;
  /** Image height the set was built for. */
  readonly height: number;
  /** Image width the set was built for. */
  readonly width: number;
  /**
   * Applies transformation `t[n]` to image `n` of `x` (NHWC float32, values in [-1, 1]) and
   * returns a new tensor of the same shape. `x` is not disposed; no intermediate tensor leaks.
   */
  apply(x: tf.Tensor4D, t: ArrayLike<number>, options?: ApplyOptions): tf.Tensor4D;
}
