/**
 * `Cast` for the tfjs wasm backend: a cast to the dtype a tensor already has (tf.moments and
 * tfjs-layers do this on every activation) shares the data instead of copying it, and a
 * cast to bool yields 0/1 as on the `cpu` backend (stock wasm copies the raw number, so
 * int32 2 became bool 2). Other conversions go to the stock kernel.
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { runWasmKernel, type WasmBackend } from "./heap.ts";
import { shareData } from "./identity.ts";

/** Kernel config registering the Cast replacement for the wasm backend. */
export const castConfig: tf.KernelConfig = {
  kernelName: "Cast",
  backendName: "wasm",
  kernelFunc: (args) => {
    const { x } = args.inputs as { x: tf.TensorInfo };
    const { dtype } = args.attrs as unknown as { dtype: tf.DataType };
    const backend = args.backend as WasmBackend;
    if (x.dtype === dtype && dtype !== "string") return shareData(backend, x);
    if (dtype === "bool" && (x.dtype === "float32" || x.dtype === "int32")) {
      const out = backend.makeOutput([...x.shape], "bool");
      const src = backend.typedArrayFromHeap(x);
      const dst = backend.typedArrayFromHeap(out);
      for (let i = 0; i < src.length; i++) dst[i] = src[i] !== 0 ? 1 : 0;
      return out;
    }
    return runWasmKernel("Cast", args) as tf.TensorInfo;
  },
};
