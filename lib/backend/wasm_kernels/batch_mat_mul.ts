/**
 * `BatchMatMul` for the tfjs wasm backend. Stock 4.22 sends every product with transposeA or
 * transposeB (what dense-layer gradients use: x^T dy and dy W^T) to a naive loop
 * (~1 GFLOP/s); only the untransposed single-batch product reaches XNNPACK (~16 GFLOP/s).
 * This kernel transposes the operands in JS (cache-blocked) and calls the XNNPACK path.
 * Products with a real batch dimension, or non-float32 ones, go to the stock kernel.
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { HeapScope, runWasmKernel, sizeOf, type WasmBackend, withScope } from "./heap.ts";
import { transpose2d } from "./layout.ts";

/** Attributes of BatchMatMul. */
export interface BatchMatMulAttrs {
  transposeA: boolean;
  transposeB: boolean;
}

/** True when this kernel (rather than the stock one) should run the product. */
export function usesXnnPath(a: tf.TensorInfo, b: tf.TensorInfo, attrs: BatchMatMulAttrs) {
  return (attrs.transposeA || attrs.transposeB) && a.dtype === "float32" &&
    b.dtype === "float32" && sizeOf(a.shape.slice(0, -2)) === 1 &&
    sizeOf(b.shape.slice(0, -2)) === 1;
}

/** Copies the transpose of the last two dims of a single-batch matrix into a temporary. */
function transposed(scope: HeapScope, m: tf.TensorInfo): tf.TensorInfo {
  const rows = m.shape[m.shape.length - 2]!;
  const cols = m.shape[m.shape.length - 1]!;
  const out = scope.alloc([...m.shape.slice(0, -2), cols, rows]);
  transpose2d(scope.f32(m), scope.f32(out), { rows, cols });
  return out;
}

/** a x b with optional transposes, for single-batch float32 operands (see module doc). */
export function batchMatMulWasm(
  scope: HeapScope,
  inputs: { a: tf.TensorInfo; b: tf.TensorInfo },
  attrs: BatchMatMulAttrs,
): tf.TensorInfo {
  const a = attrs.transposeA ? transposed(scope, inputs.a) : inputs.a;
  const b = attrs.transposeB ? transposed(scope, inputs.b) : inputs.b;
  return scope.run("BatchMatMul", { a, b }, { transposeA: false, transposeB: false });
}

/** Kernel config registering {@link batchMatMulWasm} (stock kernel otherwise). */
export const batchMatMulConfig: tf.KernelConfig = {
  kernelName: "BatchMatMul",
  backendName: "wasm",
  kernelFunc: (args) => {
    const { a, b } = args.inputs as { a: tf.TensorInfo; b: tf.TensorInfo };
    const attrs = args.attrs as unknown as BatchMatMulAttrs;
    if (!usesXnnPath(a, b, attrs)) return runWasmKernel("BatchMatMul", args) as tf.TensorInfo;
    return withScope(
      args.backend as WasmBackend,
      (scope) => batchMatMulWasm(scope, { a, b }, attrs),
    );
  },
};
