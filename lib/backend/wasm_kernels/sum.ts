/**
 * `Sum` for the tfjs wasm backend: reductions over a leading or middle block of axes (e.g.
 * [0, 1, 2] of NHWC in BatchNorm gradients and conv bias gradients) run as one XNNPACK
 * average pooling scaled by the count, instead of the stock transpose-then-reduce
 * (~10x slower). Everything else goes to the stock kernel.
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { runWasmKernel, type WasmBackend, withScope } from "./heap.ts";
import { planReduce, poolMean } from "./reduce_plan.ts";

/** Attributes of Sum and Mean. */
export interface ReduceAttrs {
  axis: number | number[];
  keepDims: boolean;
}

/** Kernel config registering the Sum replacement for the wasm backend. */
export const sumConfig: tf.KernelConfig = {
  kernelName: "Sum",
  backendName: "wasm",
  kernelFunc: (args) => {
    const { x } = args.inputs as { x: tf.TensorInfo };
    const { axis, keepDims } = args.attrs as unknown as ReduceAttrs;
    const plan = x.dtype === "float32" ? planReduce(x.shape, { axis, keepDims }) : undefined;
    if (!plan) return runWasmKernel("Sum", args) as tf.TensorInfo;
    return withScope(args.backend as WasmBackend, (scope) => {
      const out = poolMean(scope, x, plan);
      const v = scope.f32(out);
      for (let i = 0; i < v.length; i++) v[i] = v[i]! * plan.reduced;
      return out;
    });
  },
};
