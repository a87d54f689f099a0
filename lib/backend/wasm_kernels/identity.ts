/**
 * `Identity` for the tfjs wasm backend without a copy. The engine
 * clones every tensor it saves for the backward pass; stock wasm copies the data each time
 * (about ten full activation copies per layer per training step). tfjs tensors are
 * immutable, so the clone can share the data with a reference count, exactly as the `cpu`
 * backend and the wasm `Reshape` kernel already do.
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { runWasmKernel, type WasmBackend } from "./heap.ts";

/** A new reference to `x`'s data (no copy). */
export function shareData(backend: WasmBackend, x: tf.TensorInfo): tf.TensorInfo {
  backend.incRef(x.dataId);
  return { dataId: x.dataId, shape: [...x.shape], dtype: x.dtype };
}

/** Kernel config registering the copy-free Identity for the wasm backend. */
export const identityConfig: tf.KernelConfig = {
  kernelName: "Identity",
  backendName: "wasm",
  kernelFunc: (args) => {
    const { x } = args.inputs as { x: tf.TensorInfo };
    if (x.dtype === "string") return runWasmKernel("Identity", args) as tf.TensorInfo;
    return shareData(args.backend as WasmBackend, x);
  },
};
