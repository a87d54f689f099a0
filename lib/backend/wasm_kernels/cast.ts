/**
 * `Cast` for the tfjs wasm backend: a cast to the dtype a tensor already has (tf.moments and
 * tfjs-layers do this on every activation) shares the data instead of copying it; real
 * conversions go to the stock kernel.
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { runWasmKernel, type WasmBackend } from "./heap.ts";
import { shareData } from "./identity.ts";

/** Kernel config registering Cast that shares data when the dtype does not change. */
export const castConfig: tf.KernelConfig = {
  kernelName: "Cast",
  backendName: "wasm",
  kernelFunc: (args) => {
    const { x } = args.inputs as { x: tf.TensorInfo };
    const { dtype } = args.attrs as unknown as { dtype: tf.DataType };
    if (x.dtype !== dtype || x.dtype === "string") {
      return runWasmKernel("Cast", args) as tf.TensorInfo;
    }
    return shareData(args.backend as WasmBackend, x);
  },
};
