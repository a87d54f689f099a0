/**
 * `FusedBatchNorm` (the forward batch normalisation kernel) for the tfjs wasm backend:
 * y = (x - mean) * (scale / sqrt(variance + eps)) + offset with per-channel parameters, as
 * three XNNPACK broadcast binary ops (the stock C++ loop is ~4x slower). The per-channel
 * factor is computed in float64. Parameters that are not per-channel vectors of the last
 * axis go to the stock kernel.
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { HeapScope, runWasmKernel, sizeOf, type WasmBackend, withScope } from "./heap.ts";

/** Inputs of FusedBatchNorm. */
export interface BatchNormInputs {
  x: tf.TensorInfo;
  mean: tf.TensorInfo;
  variance: tf.TensorInfo;
  offset?: tf.TensorInfo;
  scale?: tf.TensorInfo;
}

/** True when every parameter is a float32 vector over the last axis of `x`. */
export function perChannel(inputs: BatchNormInputs): boolean {
  const { x } = inputs;
  const c = x.shape[x.shape.length - 1];
  if (x.dtype !== "float32" || c === undefined) return false;
  return [inputs.mean, inputs.variance, inputs.offset, inputs.scale].every((t) =>
    t === undefined ||
    (t.dtype === "float32" && sizeOf(t.shape) === c && t.shape[t.shape.length - 1] === c)
  );
}

/** Batch normalisation with per-channel parameters (see module doc). */
export function fusedBatchNormWasm(
  scope: HeapScope,
  inputs: BatchNormInputs,
  attrs: { varianceEpsilon: number },
): tf.TensorInfo {
  const { varianceEpsilon } = attrs;
  const { x } = inputs;
  const c = x.shape[x.shape.length - 1]!;
  const mean = scope.alloc([c]);
  const factor = scope.alloc([c]);
  const meanV = scope.f32(mean);
  const factorV = scope.f32(factor);
  meanV.set(scope.f32(inputs.mean));
  const varV = scope.f32(inputs.variance);
  const scaleV = inputs.scale ? scope.f32(inputs.scale) : undefined;
  for (let i = 0; i < c; i++) {
    factorV[i] = (scaleV ? scaleV[i]! : 1) / Math.sqrt(varV[i]! + varianceEpsilon);
  }
  const centred = scope.run("Sub", { a: x, b: mean });
  const scaled = scope.run("Multiply", { a: centred, b: factor });
  scope.free(centred);
  if (!inputs.offset) return scaled;
  const offset = scope.alloc([c]);
  scope.f32(offset).set(scope.f32(inputs.offset));
  return scope.run("Add", { a: scaled, b: offset });
}

/** Kernel config registering {@link fusedBatchNormWasm} for the wasm backend. */
export const fusedBatchNormConfig: tf.KernelConfig = {
  kernelName: "FusedBatchNorm",
  backendName: "wasm",
  kernelFunc: (args) => {
    const inputs = args.inputs as unknown as BatchNormInputs;
    if (!perChannel(inputs)) return runWasmKernel("FusedBatchNorm", args) as tf.TensorInfo;
    const { varianceEpsilon } = args.attrs as unknown as { varianceEpsilon: number };
    return withScope(
      args.backend as WasmBackend,
      (scope) => fusedBatchNormWasm(scope, inputs, { varianceEpsilon }),
    );
  },
};
