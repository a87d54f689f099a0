/**
 * Wide ResNet WRN-d-k as used by GEOM (Zagoruyko & Komodakis 2016; the official GEOM Keras
 * code, models/wide_residual_network.py):
 *
 * - conv3x3(16), then 3 groups of n = (d - 4) / 6 pre-activation basic blocks with widths
 *   16k, 32k, 64k and strides 1, 2, 2;
 * - block: BN-ReLU -> conv3x3(stride) -> BN-ReLU -> conv3x3, plus a shortcut that is the raw
 *   input when widths match, else a 1x1 conv(stride) tapped AFTER the first BN-ReLU;
 * - final BN-ReLU, 8x8 average pooling (global for 32x32 inputs; 2x2 cells for 64x64, exactly as
 *   the official `AveragePooling2D(8)` + `Flatten`), dense(nClasses), softmax. Other sizes: the
 *   pool adapts (see {@linkcode finalPool}), so any input of at least 8x8 builds.
 *
 * No dropout, no conv bias, He-normal conv kernels, L2 2.5e-4 on kernels, dense bias and BN
 * gamma/beta, BN momentum 0.9 (tfjs and Keras use the same convention) and epsilon 1e-5.
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { FusedBatchNormalization } from "./batch_norm.ts";
import { denseUniform, heNormal, l2, SeedStream } from "./init.ts";

/** Options for {@linkcode buildWrn}. */
export interface BuildWrnOptions {
  /** Depth d = 6n + 4 (10 for WRN-10-4, 16 for WRN-16-8). */
  depth: number;
  /** Widening factor k. */
  widen: number;
  /** Input shape [height, width, channels]; height and width at least 8 (any size; the final
   * pool adapts, see {@linkcode finalPool}). */
  inputShape: readonly [number, number, number];
  /** Number of output classes (72 for GEOM's transformations). */
  nClasses: number;
  /** Seed for every initialiser (default 0). Same seed, same weights. */
  seed?: number;
}

/**
 * BatchNorm as in the official code: momentum 0.9, epsilon 1e-5, L2 on gamma and beta (trained
 * through the fused native kernel on `native`, see batch_norm.ts); with `relu`, the ReLU that
 * follows it in the network, in the same layer.
 */
export function paperBatchNorm(options: { relu?: boolean } = {}): tf.layers.Layer {
  return new FusedBatchNormalization({
    relu: options.relu ?? false,
    axis: -1,
    momentum: 0.9,
    epsilon: 1e-5,
    gammaRegularizer: l2(),
    betaRegularizer: l2(),
  });
}

function conv(
  filters: number,
  kernel: number,
  strides: number,
  cin: number,
  seeds: SeedStream,
): tf.layers.Layer {
  return tf.layers.conv2d({
    filters,
    kernelSize: kernel,
    strides,
    padding: "same",
    useBias: false,
    kernelInitializer: heNormal(kernel * kernel * cin, seeds),
    kernelRegularizer: l2(),
  });
}

type Sym = tf.SymbolicTensor;

/** BatchNorm then ReLU, as one layer (one fused kernel each way on native). */
function bnRelu(x: Sym): Sym {
  return paperBatchNorm({ relu: true }).apply(x) as Sym;
}

function basicBlock(x: Sym, cin: number, cout: number, stride: number, seeds: SeedStream): Sym {
  const pre = bnRelu(x);
  let out = conv(cout, 3, stride, cin, seeds).apply(pre) as Sym;
  out = bnRelu(out);
  out = conv(cout, 3, 1, cout, seeds).apply(out) as Sym;
  let shortcut = x;
  if (cin !== cout) shortcut = conv(cout, 1, stride, cin, seeds).apply(pre) as Sym;
  else if (stride !== 1) {
    throw new RangeError(`Cannot build WRN block: stride ${stride} with equal widths ${cin}`);
  }
  return tf.layers.add().apply([out, shortcut]) as Sym;
}

function checkInt(name: string, v: number, min: number): void {
  if (!Number.isInteger(v) || v < min) {
    throw new RangeError(`Cannot build WRN: ${name} ${v} is not an integer >= ${min}`);
  }
}

/**
 * The final average pool for an input of `h` x `w`: the feature map is ceil(h/4) x ceil(w/4)
 * after the two stride-2 groups; each side is pooled by 8 (the official `AveragePooling2D(8)`:
 * global at 32, 2x2 cells at 64, 4x4 at 128) when it is a multiple of 8, else globally (e.g.
 * 48x48 inputs: 12x12 -> 1x1, where a fixed 8x8 pool would drop the last 4 rows and columns).
 */
export function finalPool(h: number, w: number): [number, number] {
  const side = (n: number) => {
    const f = Math.ceil(Math.ceil(n / 2) / 2);
    return f % 8 === 0 ? 8 : f;
  };
  return [side(h), side(w)];
}

/**
 * Builds an uncompiled WRN-`depth`-`widen` classifier ending in softmax.
 * WRN-10-4 on 32x32x3 with 72 classes has 1,214,744 trainable parameters.
 */
export function buildWrn(options: BuildWrnOptions): tf.LayersModel {
  const { depth, widen, inputShape, nClasses } = options;
  checkInt("widen", widen, 1);
  checkInt("nClasses", nClasses, 2);
  if (!Number.isInteger(depth) || depth < 10 || (depth - 4) % 6 !== 0) {
    throw new RangeError(`Cannot build WRN: depth ${depth} is not of the form 6n + 4 with n >= 1`);
  }
  const [h, w, c] = inputShape;
  checkInt("input channels", c, 1);
  if (!Number.isInteger(h) || !Number.isInteger(w) || h < 8 || w < 8) {
    throw new RangeError(`Cannot build WRN: input ${h}x${w} must be integers of at least 8x8`);
  }
  const seeds = new SeedStream(options.seed ?? 0);
  const n = (depth - 4) / 6;
  const widths = [16 * widen, 32 * widen, 64 * widen];
  const strides = [1, 2, 2];

  const input = tf.input({ shape: [h, w, c] });
  let x = conv(16, 3, 1, c, seeds).apply(input) as Sym;
  let cin = 16;
  for (let g = 0; g < 3; g++) {
    const cout = widths[g]!;
    for (let b = 0; b < n; b++) {
      x = basicBlock(x, cin, cout, b === 0 ? strides[g]! : 1, seeds);
      cin = cout;
    }
  }
  x = bnRelu(x);
  const [poolH, poolW] = finalPool(h, w);
  x = tf.layers.averagePooling2d({ poolSize: [poolH, poolW], strides: [poolH, poolW] })
    .apply(x) as Sym;
  x = tf.layers.flatten().apply(x) as Sym;
  const fanIn = x.shape[1] as number;
  const output = tf.layers.dense({
    units: nClasses,
    activation: "softmax",
    kernelInitializer: denseUniform(fanIn, seeds),
    biasInitializer: "zeros",
    kernelRegularizer: l2(),
    biasRegularizer: l2(),
  }).apply(x) as Sym;
  return tf.model({ inputs: input, outputs: output, name: `wrn-${depth}-${widen}` });
}
