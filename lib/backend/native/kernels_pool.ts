/**
 * tfjs pooling kernels (AvgPool, AvgPoolGrad, MaxPool, MaxPoolGrad) on oneDNN, NHWC float32.
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { f32, type KernelArgs, type NativeKernelFunc, output, sizeOf } from "./backend.ts";
import { NATIVE_MIN_ELEMENTS } from "./kernels_eltwise.ts";
import { poolBackward, poolForward, poolGeom, type PoolKind } from "./pool.ts";

interface PoolAttrs {
  filterSize: [number, number] | number;
  strides: [number, number] | number;
  pad: "valid" | "same" | number | tf.backend_util.ExplicitPadding;
  dimRoundingMode?: "floor" | "round" | "ceil";
}

function info(shape: number[], a: PoolAttrs) {
  return tf.backend_util.computePool2DInfo(
    shape as [number, number, number, number],
    a.filterSize,
    a.strides,
    1,
    a.pad,
    a.dimRoundingMode,
  );
}

function forward(kind: PoolKind): NativeKernelFunc {
  return ({ inputs, backend, attrs }: KernelArgs) => {
    const x = f32(backend, inputs.x);
    if (!x || x.length < NATIVE_MIN_ELEMENTS || inputs.x!.shape.length !== 4) return undefined;
    const ci = info(inputs.x!.shape, attrs as unknown as PoolAttrs);
    if (ci.dilationHeight !== 1 || ci.dilationWidth !== 1) return undefined;
    const out = backend.alloc(sizeOf(ci.outShape));
    poolForward(backend.dnnl, poolGeom(ci), kind, x, out);
    return output(backend, ci.outShape, out);
  };
}

function backward(kind: PoolKind): NativeKernelFunc {
  return ({ inputs, backend, attrs }: KernelArgs) => {
    const dy = f32(backend, inputs.dy);
    const x = f32(backend, inputs.input);
    if (!dy || !x || x.length < NATIVE_MIN_ELEMENTS || inputs.input!.shape.length !== 4) {
      return undefined;
    }
    const ci = info(inputs.input!.shape, attrs as unknown as PoolAttrs);
    const dx = backend.alloc(x.length);
    poolBackward(backend.dnnl, poolGeom(ci), kind, x, dy, dx);
    return output(backend, inputs.input!.shape, dx);
  };
}

/** Native pooling kernels by tfjs kernel name. */
export const POOL_KERNELS: Record<string, NativeKernelFunc> = {
  [tf.AvgPool]: forward("avg"),
  [tf.MaxPool]: forward("max"),
  [tf.AvgPoolGrad]: backward("avg"),
  [tf.MaxPoolGrad]: backward("max"),
};
