/**
 * The convolutional encoder and decoder the paper's deep baselines share (docs/protocol.md,
 * "Baselines as the paper ran them"; the official code's `conv_encoder` / `conv_decoder`):
 *
 * - encoder: per stage conv3x3 stride 2 (`same` padding) + BatchNorm + ReLU, with 64, 128, 256
 *   filters for 32x32 input, then flatten and dense(codeSize, activation);
 * - decoder: dense to a (h/8, w/8, 256) grid + BN + ReLU, then transposed conv3x3 stride 2 with
 *   128 and 64 filters (+ BN + ReLU) and a last transposed conv to the image channels, tanh.
 *
 * Keras 2.2 defaults as the official code used them: Glorot-uniform kernels, zero biases,
 * BatchNorm momentum 0.99 and epsilon 1e-3 ({@linkcode BroadcastBatchNorm}, which stays fast
 * under the second-order gradients of DSEBM and ADGAN). Every initialiser is seeded. Deep SVDD asks for no
 * bias terms at all (`bias: false`: no conv/dense biases, BatchNorm without beta and gamma).
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { SeedStream } from "../init.ts";
import { BroadcastBatchNorm } from "./batch_norm.ts";

/** The paper's encoder filters for 32x32 input (the decoder uses them reversed). */
export const PAPER_FILTERS: readonly number[] = [64, 128, 256];

/** Activation of the code (dense) layer. */
export type CodeActivation = "tanh" | "relu" | "linear";
/** Activation after each BatchNorm. */
export type HiddenActivation = "relu" | "leaky-relu";

/** Options shared by {@linkcode buildConvEncoder} and {@linkcode buildConvDecoder}. */
export interface ConvNetOptions {
  /** Encoder filters per stride-2 stage (default {@linkcode PAPER_FILTERS}). */
  filters?: readonly number[];
  /** Conv/dense biases and BatchNorm beta/gamma (default true; Deep SVDD: false). */
  bias?: boolean;
  /** Activation after each BatchNorm (default `relu`; `leaky-relu` has slope 0.1). */
  activation?: HiddenActivation;
  /** BatchNorm moving-average momentum (default 0.99, Keras). */
  bnMomentum?: number;
  /** Seed for every initialiser (default 0). */
  seed?: number;
  /** Model name. */
  name?: string;
}

/** Options of {@linkcode buildConvEncoder}. */
export interface ConvEncoderOptions extends ConvNetOptions {
  /** Input [height, width, channels]; height and width divisible by 2^stages. */
  inputShape: readonly [number, number, number];
  /** Units of the final dense layer (256 for CAE/DSEBM, 5 for DAGMM, 1 for the critic). */
  codeSize: number;
  /** Default `tanh`. */
  codeActivation?: CodeActivation;
}

/** Options of {@linkcode buildConvDecoder}. */
export interface ConvDecoderOptions extends ConvNetOptions {
  /** Output [height, width, channels]; height and width divisible by 2^stages. */
  outputShape: readonly [number, number, number];
  /** Size of the code (latent) input. */
  codeSize: number;
}

type Sym = tf.SymbolicTensor;

function positiveInt(v: number): boolean {
  return Number.isInteger(v) && v >= 1;
}

/**
 * Checks the shape and filters of a conv net; returns the size of the smallest grid.
 * @throws {RangeError} for bad sizes or an image side not divisible by 2^stages.
 */
export function checkConvShape(
  shape: readonly [number, number, number],
  options: { filters?: readonly number[]; codeSize: number; action: string },
): [number, number] {
  const filters = options.filters ?? PAPER_FILTERS;
  const [h, w, c] = shape;
  if (filters.length === 0 || !filters.every(positiveInt)) {
    throw new RangeError(
      `Cannot ${options.action}: filters [${filters.join(", ")}] must be positive integers`,
    );
  }
  if (!positiveInt(options.codeSize)) {
    throw new RangeError(
      `Cannot ${options.action}: codeSize ${options.codeSize} is not a positive integer`,
    );
  }
  const f = 2 ** filters.length;
  if (![h, w, c].every(positiveInt) || h % f !== 0 || w % f !== 0) {
    throw new RangeError(
      `Cannot ${options.action}: images ${h}x${w}x${c} need height and width divisible by ${f} ` +
        `(${filters.length} stride-2 stages)`,
    );
  }
  return [h / f, w / f];
}

/** Seeded Glorot-uniform (Keras's default kernel initialiser). */
function glorot(seeds: SeedStream): ReturnType<typeof tf.initializers.glorotUniform> {
  return tf.initializers.glorotUniform({ seed: seeds.next() });
}

function bnAct(x: Sym, o: ConvNetOptions): Sym {
  const bn = new BroadcastBatchNorm({ affine: o.bias ?? true, momentum: o.bnMomentum })
    .apply(x) as Sym;
  const activation = o.activation ?? "relu";
  const act = activation === "relu" ? tf.layers.reLU() : tf.layers.leakyReLU({ alpha: 0.1 });
  return act.apply(bn) as Sym;
}

/** A seeded 3x3 stride-2 `same` conv (downsampling) or transposed conv (upsampling). */
function stride2(kind: "down" | "up", filters: number, bias: boolean, seeds: SeedStream) {
  const args = {
    filters,
    kernelSize: 3,
    strides: 2,
    padding: "same" as const,
    useBias: bias,
    kernelInitializer: glorot(seeds),
  };
  return kind === "down" ? tf.layers.conv2d(args) : tf.layers.conv2dTranspose(args);
}

/** A seeded dense layer. */
function dense(units: number, activation: CodeActivation, bias: boolean, seeds: SeedStream) {
  return tf.layers.dense({ units, activation, useBias: bias, kernelInitializer: glorot(seeds) });
}

/** Builds the conv encoder: images -> [batch, codeSize]. */
export function buildConvEncoder(options: ConvEncoderOptions): tf.LayersModel {
  const filters = options.filters ?? PAPER_FILTERS;
  checkConvShape(options.inputShape, { ...options, filters, action: "build conv encoder" });
  const bias = options.bias ?? true;
  const seeds = new SeedStream(options.seed ?? 0);
  const input = tf.input({ shape: [...options.inputShape] });
  let x: Sym = input;
  for (const f of filters) x = bnAct(stride2("down", f, bias, seeds).apply(x) as Sym, options);
  x = tf.layers.flatten().apply(x) as Sym;
  const code = dense(options.codeSize, options.codeActivation ?? "tanh", bias, seeds).apply(x);
  return tf.model({ inputs: input, outputs: code as Sym, name: options.name ?? "conv-encoder" });
}

/**
 * Builds the conv decoder: [batch, codeSize] -> images in (-1, 1). With encoder filters
 * [f1, ..., fk] it reshapes to fk channels and upsamples through f(k-1), ..., f1, then to the
 * image channels.
 */
export function buildConvDecoder(options: ConvDecoderOptions): tf.LayersModel {
  const filters = [...(options.filters ?? PAPER_FILTERS)].reverse();
  const [h0, w0] = checkConvShape(options.outputShape, {
    ...options,
    filters,
    action: "build conv decoder",
  });
  const bias = options.bias ?? true;
  const seeds = new SeedStream(options.seed ?? 0);
  const input = tf.input({ shape: [options.codeSize] });
  let x = dense(h0 * w0 * filters[0]!, "linear", bias, seeds).apply(input) as Sym;
  x = bnAct(x, options);
  x = tf.layers.reshape({ targetShape: [h0, w0, filters[0]!] }).apply(x) as Sym;
  const ups = [...filters.slice(1), options.outputShape[2]];
  ups.forEach((f, i) => {
    x = stride2("up", f, bias, seeds).apply(x) as Sym;
    if (i < ups.length - 1) x = bnAct(x, options);
  });
  x = tf.layers.activation({ activation: "tanh" }).apply(x) as Sym;
  return tf.model({ inputs: input, outputs: x, name: options.name ?? "conv-decoder" });
}

/** Options of {@linkcode buildConvAutoencoder}. */
export interface ConvAutoencoderOptions extends ConvNetOptions {
  /** Image [height, width, channels]. */
  shape: readonly [number, number, number];
  codeSize: number;
  /** Default `tanh`. */
  codeActivation?: CodeActivation;
  /** Seeds of the encoder and decoder initialisers. */
  seeds: readonly [number, number];
  /** Model names are `<name>-encoder` and `<name>-decoder`. */
  name: string;
}

/** The paper's conv encoder and its mirrored decoder for one image shape. */
export function buildConvAutoencoder(
  options: ConvAutoencoderOptions,
): { encoder: tf.LayersModel; decoder: tf.LayersModel } {
  const { shape, seeds, name, ...common } = options;
  const encoder = buildConvEncoder({
    ...common,
    inputShape: shape,
    seed: seeds[0],
    name: `${name}-encoder`,
  });
  const decoder = buildConvDecoder({
    ...common,
    outputShape: shape,
    seed: seeds[1],
    name: `${name}-decoder`,
  });
  return { encoder, decoder };
}
