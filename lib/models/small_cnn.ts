/**
 * A small, fast CNN for the `quick` preset: three conv3x3-BN-ReLU stages (32, 64, 128 filters)
 * with 2x2 max pooling between them, then global average pooling, dense(nClasses), softmax.
 * About 9.7 M multiply-accumulates per 32x32x1 image (10.3 M for x3), 102k parameters.
 * Global pooling like the WRN's head: a PyTorch prototype (Fashion-MNIST shirt, 1500 images,
 * one epoch, simple score) gave AUROC 0.797 with it and 0.786 with a 4x4 flatten head, so the
 * cheaper head stays. Same conventions as the WRN: no conv bias, He-normal convs, L2 2.5e-4,
 * BN momentum 0.9, epsilon 1e-5, every initialiser seeded.
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { denseUniform, heNormal, l2, SeedStream } from "./init.ts";
import { paperBatchNorm } from "./wrn.ts";

/** Options for {@linkcode buildSmallCnn}. */
export interface BuildSmallCnnOptions {
  /** Input shape [height, width, channels]; height and width divisible by 4. */
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

/** Builds the uncompiled small CNN ending in softmax (input any size divisible by 4). */
export function buildSmallCnn(options: BuildSmallCnnOptions): tf.LayersModel {
  const [h, w, c] = options.inputShape;
  const { nClasses } = options;
  if (![h, w, c].every((d) => Number.isInteger(d) && d >= 1) || h % 4 !== 0 || w % 4 !== 0) {
    throw new RangeError(
      `Cannot build small CNN: input ${h}x${w}x${c} must have height and width divisible by 4`,
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
    if (i > 0) x = tf.layers.maxPooling2d({ poolSize: 2, strides: 2 }).apply(x) as Sym;
    x = tf.layers.conv2d({
      filters,
      kernelSize: 3,
      padding: "same",
      useBias: false,
      kernelInitializer: heNormal(9 * cin, seeds),
      kernelRegularizer: l2(),
    }).apply(x) as Sym;
    x = tf.layers.reLU().apply(paperBatchNorm().apply(x) as Sym) as Sym;
    cin = filters;
  });
  x = tf.layers.globalAveragePooling2d({}).apply(x) as Sym;
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
