/**
 * Gaussian blur and unsharp-mask sharpening sets (non-geometric, for the ablation). Borders
 * are half-sample-symmetric reflections, like the geometric translations.
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { defineSet, fmtParam, perImage } from "./define.ts";
import { gaussianKernel, reflectedFilterMatrix, separableFilter } from "./filters.ts";
import type { ImageShape, TransformSet } from "./types.ts";

/** Default blur sigmas in pixels (index 0 = identity); sigma 2 uses a 13-tap kernel. */
export const BLUR_SIGMAS: readonly number[] = [0, 0.5, 1, 1.5, 2];
/** Default unsharp-mask amounts (index 0 = identity). */
export const SHARPEN_AMOUNTS: readonly number[] = [0, 0.5, 1, 2, 4];
/** Sigma of the Gaussian used by the unsharp mask. */
export const SHARPEN_SIGMA = 1;

/** Options for {@linkcode blurSet}. */
export interface BlurSetOptions extends ImageShape {
  /** Sigma per index, in pixels; default {@linkcode BLUR_SIGMAS}. */
  sigmas?: readonly number[];
}

/** Gaussian blur, separable, one sigma per index: label `blur=<sigma>`. */
export function blurSet(options: BlurSetOptions): TransformSet {
  const { height, width, sigmas = BLUR_SIGMAS } = options;
  const kernels = sigmas.map((s) => gaussianKernel(s));
  const rows = kernels.map((k) => reflectedFilterMatrix(k, height));
  const cols = kernels.map((k) => reflectedFilterMatrix(k, width));
  return defineSet({
    name: "blur",
    kind: "non-geometric",
    stochastic: false,
    labels: sigmas.map((s) => `blur=${fmtParam(s)}`),
    height,
    width,
    run: (x, t) => separableFilter(x, t, { rows, cols }),
  });
}

/** Options for {@linkcode sharpenSet}. */
export interface SharpenSetOptions extends ImageShape {
  /** Unsharp-mask amount per index; default {@linkcode SHARPEN_AMOUNTS}. */
  amounts?: readonly number[];
  /** Sigma of the mask's Gaussian; default {@linkcode SHARPEN_SIGMA}. */
  sigma?: number;
  /** Clip the result to [-1, 1] (default true: outputs stay valid images). */
  clip?: boolean;
}

/**
 * Unsharp-mask sharpening: out = x + amount * (x - blur_sigma(x)), clipped to [-1, 1];
 * label `sharpen=<amount>`.
 */
export function sharpenSet(options: SharpenSetOptions): TransformSet {
  const { height, width, amounts = SHARPEN_AMOUNTS, sigma = SHARPEN_SIGMA, clip = true } = options;
  const kernel = gaussianKernel(sigma);
  const rows = [reflectedFilterMatrix(kernel, height)];
  const cols = [reflectedFilterMatrix(kernel, width)];
  return defineSet({
    name: "sharpen",
    kind: "non-geometric",
    stochastic: false,
    labels: amounts.map((a) => `sharpen=${fmtParam(a)}`),
    height,
    width,
    run: (x, t) => {
      const zeros = new Int32Array(t.length);
      const detail = tf.sub(x, separableFilter(x, zeros, { rows, cols }));
      const out = tf.add(x, tf.mul(perImage(amounts, t), detail)) as tf.Tensor4D;
      return clip ? tf.clipByValue(out, -1, 1) : out;
    },
  });
}
