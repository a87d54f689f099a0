/**
 * `Mean` for the tfjs wasm backend: means over a leading or middle block of axes (e.g.
 * [0, 1, 2] of NHWC in BatchNorm's moments, [1, 2] in global average pooling) run as one
 * XNNPACK average pooling instead of the stock transpose-then-reduce. Everything else goes
 * to the stock kernel.
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { runWasmKernel, type WasmBackend, withScope } from "./heap.ts";
import { planReduce, poolMean } from "./reduce_plan.ts";
import type { ReduceAttrs } from "./sum.ts";

/** Kernel config registering the Mean replacement for the wasm backend. */
export const meanConfig: tf.KernelConfig = {
  kernelName: "Mean",
  backendName: "wasm",
  kernelFunc: (args) => {
    const { x } = args.inputs as { x: tf.TensorInfo };
    const { axis, keepDims } = args.attrs as unknown as ReduceAttrs;
    const plan = x.dtype === "float32" ? planReduce(x.shape, { axis, keepDims }) : undefined;
    if (!plan) return runWasmKernel("Mean", args) as tf.TensorInfo;
    return withScope(args.backend as WasmBackend, (scope) => poolMean(scope, x, plan));
  },
};
