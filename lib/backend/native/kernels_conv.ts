/**
 * tfjs convolution kernels (Conv2D, FusedConv2D, Conv2DBackpropInput, Conv2DBackpropFilter) on
 * oneDNN. Anything they do not cover (int tensors, PReLU, odd bias shapes) goes to the cpu kernel.
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

const conv2D: NativeKernelFunc = ({ inputs, backend, attrs }: KernelArgs) => {
  const a = attrs as unknown as ConvAttrs;
  const x = f32(backend, inputs.x);
  const w = f32(backend, inputs.filter);
  if (!x || !w) return undefined;
  const ci = info(inputs.x!.shape, inputs.filter!.shape, a, a.dilations);
  const y = convForward(backend.dnnl, convGeom(ci), x, w, {
    out: backend.alloc(sizeOf(ci.outShape)),
    bf16: bf16(backend),
  });
  return output(backend, ci.outShape, y);
};

const fusedConv2D: NativeKernelFunc = ({ inputs, backend, attrs }: KernelArgs) => {
  const a = attrs as unknown as ConvAttrs & { activation?: string; leakyreluAlpha?: number };
  const x = f32(backend, inputs.x);
  const w = f32(backend, inputs.filter);
  if (!x || !w || inputs.preluActivationWeights) return undefined;
  const act = activationPostOp(a.activation, a.leakyreluAlpha);
  if (act === null) return undefined;
  const ci = info(inputs.x!.shape, inputs.filter!.shape, a, a.dilations);
  let bias: Float32Array | undefined;
  if (inputs.bias) {
    bias = f32(backend, inputs.bias);
    if (!bias || bias.length !== ci.outChannels) return undefined;
  }
  const y = convForward(backend.dnnl, convGeom(ci), x, w, {
    bias,
    activation: act,
    out: backend.alloc(sizeOf(ci.outShape)),
    bf16: bf16(backend),
  });
  return output(backend, ci.outShape, y);
};

const conv2DBackpropInput: NativeKernelFunc = ({ inputs, backend, attrs }: KernelArgs) => {
  const a = attrs as unknown as ConvAttrs & { inputShape: number[] };
  const dy = f32(backend, inputs.dy);
  const w = f32(backend, inputs.filter);
  if (!dy || !w) return undefined;
  const ci = info(a.inputShape, inputs.filter!.shape, a);
  const dx = convBackwardData(backend.dnnl, convGeom(ci), dy, w, {
    out: backend.alloc(sizeOf(ci.inShape)),
    bf16: bf16(backend),
  });
  return output(backend, ci.inShape, dx);
};

const conv2DBackpropFilter: NativeKernelFunc = ({ inputs, backend, attrs }: KernelArgs) => {
  const a = attrs as unknown as ConvAttrs & { filterShape: number[] };
  const x = f32(backend, inputs.x);
  const dy = f32(backend, inputs.dy);
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
