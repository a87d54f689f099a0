/**
 * tfjs convolution kernels (Conv2D, FusedConv2D, Conv2DBackpropInput, Conv2DBackpropFilter) on
 * oneDNN. Anything they do not cover (int tensors, PReLU, odd bias shapes) goes to the cpu kernel.
 * In bf16 their outputs are bf16-primary (see `Bf16Cache.adopt`), and they read bf16-primary
 * inputs without widening them: all four are in {@linkcode BF16_AWARE_CONV_KERNELS}.
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import {
  f32,
  type KernelArgs,
  type NativeBackend,
  type NativeKernelFunc,
  output,
  sizeOf,
} from "./backend.ts";
import type { Bf16Cache } from "./bf16.ts";
import { convBackwardData, convBackwardFilter, convForward, convGeom } from "./conv.ts";
import { ALG } from "./dnnl.ts";

type Pad = "valid" | "same" | number | tf.backend_util.ExplicitPadding;
type Rounding = "floor" | "round" | "ceil" | undefined;
type Format = "NHWC" | "NCHW";

interface ConvAttrs {
  strides: [number, number] | number;
  pad: Pad;
  dataFormat: Format;
  dilations?: [number, number] | number;
  dimRoundingMode?: Rounding;
}

function info(
  xShape: number[],
  filterShape: number[],
  a: ConvAttrs,
  dilations: [number, number] | number = 1,
) {
  return tf.backend_util.computeConv2DInfo(
    xShape as [number, number, number, number],
    filterShape as [number, number, number, number],
    a.strides,
    dilations,
    a.pad,
    a.dimRoundingMode,
    false,
    tf.backend_util.convertConv2DDataFormat(a.dataFormat),
  );
}

/** oneDNN eltwise post-op for a tfjs fused activation, or null when not expressible. */
export function activationPostOp(
  activation: string | undefined,
  leakyreluAlpha = 0.2,
): { alg: number; alpha: number; beta: number } | undefined | null {
  switch (activation ?? "linear") {
    case "linear":
      return undefined;
    case "relu":
      return { alg: ALG.eltwiseRelu, alpha: 0, beta: 0 };
    case "relu6":
      return { alg: ALG.eltwiseClip, alpha: 0, beta: 6 };
    case "elu":
      return { alg: ALG.eltwiseElu, alpha: 1, beta: 0 };
    case "sigmoid":
      return { alg: ALG.eltwiseLogistic, alpha: 0, beta: 0 };
    case "leakyrelu":
      return { alg: ALG.eltwiseRelu, alpha: leakyreluAlpha, beta: 0 };
    default:
      return null;
  }
}

/** The bf16 cache when the backend computes convolutions in bf16. */
function bf16(backend: NativeBackend): Bf16Cache | undefined {
  return backend.precision === "bf16" ? backend.bf16 : undefined;
}

/**
 * An input's float32 array as these kernels read it (they run inside `NativeBackend.raw`): as it
 * is in bf16, where the convolution reads bf16-primary values directly and writes the float32
 * ones itself if it needs them; written out now in fp32.
 */
function input(backend: NativeBackend, t: tf.TensorInfo | undefined): Float32Array | undefined {
  const v = f32(backend, t);
  if (v && backend.precision !== "bf16") backend.materialise(v);
  return v;
}

/** A filter's or bias's float32 values (always written: convolutions read them as float32). */
function weights(backend: NativeBackend, t: tf.TensorInfo | undefined): Float32Array | undefined {
  const v = f32(backend, t);
  if (v) backend.materialise(v);
  return v;
}

const conv2D: NativeKernelFunc = ({ inputs, backend, attrs }: KernelArgs) => {
  const a = attrs as unknown as ConvAttrs;
  const x = input(backend, inputs.x);
  const w = weights(backend, inputs.filter);
  if (!x || !w) return undefined;
  const ci = info(inputs.x!.shape, inputs.filter!.shape, a, a.dilations);
  const y = convForward(backend.dnnl, convGeom(ci), x, w, {
    out: backend.alloc(sizeOf(ci.outShape)),
    bf16: bf16(backend),
    filterGeneration: (a) => backend.generation(a),
  });
  return output(backend, ci.outShape, y);
};

const fusedConv2D: NativeKernelFunc = ({ inputs, backend, attrs }: KernelArgs) => {
  const a = attrs as unknown as ConvAttrs & { activation?: string; leakyreluAlpha?: number };
  const x = input(backend, inputs.x);
  const w = weights(backend, inputs.filter);
  if (!x || !w || inputs.preluActivationWeights) return undefined;
  const act = activationPostOp(a.activation, a.leakyreluAlpha);
  if (act === null) return undefined;
  const ci = info(inputs.x!.shape, inputs.filter!.shape, a, a.dilations);
  let bias: Float32Array | undefined;
  if (inputs.bias) {
    bias = weights(backend, inputs.bias);
    if (!bias || bias.length !== ci.outChannels) return undefined;
  }
  const y = convForward(backend.dnnl, convGeom(ci), x, w, {
    bias,
    activation: act,
    out: backend.alloc(sizeOf(ci.outShape)),
    bf16: bf16(backend),
    filterGeneration: (a) => backend.generation(a),
  });
  return output(backend, ci.outShape, y);
};

const conv2DBackpropInput: NativeKernelFunc = ({ inputs, backend, attrs }: KernelArgs) => {
  const a = attrs as unknown as ConvAttrs & { inputShape: number[] };
  const dy = input(backend, inputs.dy);
  const w = weights(backend, inputs.filter);
  if (!dy || !w) return undefined;
  const ci = info(a.inputShape, inputs.filter!.shape, a);
  const dx = convBackwardData(backend.dnnl, convGeom(ci), dy, w, {
    out: backend.alloc(sizeOf(ci.inShape)),
    bf16: bf16(backend),
    filterGeneration: (a) => backend.generation(a),
  });
  return output(backend, ci.inShape, dx);
};

const conv2DBackpropFilter: NativeKernelFunc = ({ inputs, backend, attrs }: KernelArgs) => {
  const a = attrs as unknown as ConvAttrs & { filterShape: number[] };
  const x = input(backend, inputs.x);
  const dy = input(backend, inputs.dy);
  if (!x || !dy) return undefined;
  const ci = info(inputs.x!.shape, a.filterShape, a);
  const dw = convBackwardFilter(backend.dnnl, convGeom(ci), x, dy, {
    out: backend.alloc(sizeOf(a.filterShape)),
    bf16: bf16(backend),
  });
  return output(backend, a.filterShape, dw);
};

/** Native convolution kernels by tfjs kernel name. */
export const CONV_KERNELS: Record<string, NativeKernelFunc> = {
  [tf.Conv2D]: conv2D,
  [tf.FusedConv2D]: fusedConv2D,
  [tf.Conv2DBackpropInput]: conv2DBackpropInput,
  [tf.Conv2DBackpropFilter]: conv2DBackpropFilter,
};

/** The kernels above that read their inputs' bf16 copies (run inside `NativeBackend.raw`). */
export const BF16_AWARE_CONV_KERNELS: readonly string[] = Object.keys(CONV_KERNELS);
