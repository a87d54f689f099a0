/**
 * A small, fast CNN for the `quick` preset: three conv3x3-BN-ReLU stages (32, 64, 128 filters)
 * with 2x2 max pooling between them, then 2x2 average pooling to a 4x4 grid (for 32x32 input),
 * flatten, dense(nClasses), softmax. About 9.9 M multiply-accumulates per 32x32x1 image
 * (10.5 M for x3), 241k parameters. The head keeps a coarse spatial grid instead of global
 * pooling, because GEOM's labels (translations, flips, rotations) are about where things are;
 * it reaches a much lower training loss than a global-pooling head (0.83 vs 1.54 in a one-epoch
 * prototype on Fashion-MNIST shirts), and it is the head the quick preset's figures were
 * measured with. Same conventions as the WRN: no conv bias, He-normal convs, L2 2.5e-4,
 * BN momentum 0.9, epsilon 1e-5, every initialiser seeded.
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { denseUniform, heNormal, l2, SeedStream } from "./init.ts";
import { paperBatchNorm } from "./wrn.ts";

/** Options for {@linkcode buildSmallCnn}. */
export interface BuildSmallCnnOptions {
  /** Input shape [height, width, channels]; height and width at least 8 (a grid of
   * ceil(h/8) x ceil(w/8) cells before the dense layer). */
  inputShape: readonly [number, number, number];
  /** Number of output classes. */
  nClasses: number;
  /** Seed for every initialiser (default 0). */
  seed?: number;
  /** Filters of the three conv stages (default {@linkcode SMALL_CNN_FILTERS}). */
  filters?: readonly [number, number, number];
}

/** Filters of the three conv stages. */
export const SMALL_CNN_FILTERS = [32, 64, 128] as const;

type Sym = tf.SymbolicTensor;

/** Builds the uncompiled small CNN ending in softmax (input any size of at least 8x8). */
export function buildSmallCnn(options: BuildSmallCnnOptions): tf.LayersModel {
  const [h, w, c] = options.inputShape;
  const { nClasses } = options;
  if (![h, w, c].every((d) => Number.isInteger(d) && d >= 1) || h < 8 || w < 8) {
    throw new RangeError(
      `Cannot build small CNN: input ${h}x${w}x${c} must have height and width of at least 8`,
    );
  }
  if (!Number.isInteger(nClasses) || nClasses < 2) {
    throw new RangeError(`Cannot build small CNN: nClasses ${nClasses} is not an integer >= 2`);
  }
  const seeds = new SeedStream(options.seed ?? 0);
  const input = tf.input({ shape: [h, w, c] });
  let x: Sym = input;
  let cin = c;
  const stages = options.filters ?? SMALL_CNN_FILTERS;
  if (stages.length !== 3 || !stages.every((f) => Number.isInteger(f) && f >= 1)) {
    throw new RangeError(
      `Cannot build small CNN: filters ${stages.join(",")} must be 3 positive integers`,
    );
  }
  stages.forEach((filters, i) => {
    // "same": sizes not divisible by 8 keep their last row/column (identical otherwise).
    if (i > 0) {
      x = tf.layers.maxPooling2d({ poolSize: 2, strides: 2, padding: "same" }).apply(x) as Sym;
    }
    x = tf.layers.conv2d({
      filters,
      kernelSize: 3,
      padding: "same",
      useBias: false,
      kernelInitializer: heNormal(9 * cin, seeds),
      kernelRegularizer: l2(),
    }).apply(x) as Sym;
    x = paperBatchNorm({ relu: true }).apply(x) as Sym;
    cin = filters;
  });
  x = tf.layers.averagePooling2d({ poolSize: 2, strides: 2, padding: "same" }).apply(x) as Sym;
  x = tf.layers.flatten().apply(x) as Sym;
  const output = tf.layers.dense({
    units: nClasses,
    activation: "softmax",
    kernelInitializer: denseUniform(x.shape[1] as number, seeds),
    biasInitializer: "zeros",
    kernelRegularizer: l2(),
    biasRegularizer: l2(),
  }).apply(x) as Sym;
  return tf.model({ inputs: input, outputs: output, name: "small-cnn" });
}
