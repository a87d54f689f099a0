/**
 * The `native` tfjs backend: the pure-JS cpu backend (same tensor storage, every cpu kernel
 * copied over) with the heavy kernels replaced by oneDNN calls through Deno FFI.
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { MathBackendCPU } from "@tensorflow/tfjs-backend-cpu";
import type { Dnnl } from "./dnnl.ts";

/** Name under which the backend is registered with tfjs. */
export const NATIVE_BACKEND = "native";

/** The cpu backend plus a oneDNN handle that native kernels use. */
export class NativeBackend extends MathBackendCPU {
  /** oneDNN engine, stream and primitive cache. */
  readonly dnnl: Dnnl;

  /** Creates the backend around an opened oneDNN. */
  constructor(dnnl: Dnnl) {
    super();
    this.dnnl = dnnl;
    // The cpu backend prints a "install tfjs-node" banner on first write; not useful here.
    (this as unknown as { firstUse: boolean }).firstUse = false;
  }
}

/** Arguments every kernel function receives. */
export interface KernelArgs {
  inputs: tf.NamedTensorInfoMap;
  backend: NativeBackend;
  attrs?: tf.NamedAttrMap;
}

/** A native kernel: returns undefined to hand the call to the cpu kernel of the same name. */
export type NativeKernelFunc = (args: KernelArgs) => tf.TensorInfo | tf.TensorInfo[] | undefined;

/** The float32 values of a tensor on the backend, or undefined for other dtypes/storage. */
export function f32(backend: NativeBackend, t: tf.TensorInfo | undefined): Float32Array | undefined {
  if (!t || t.dtype !== "float32") return undefined;
  const v = backend.data.get(t.dataId)?.values;
  return v instanceof Float32Array ? v : undefined;
}

/** Wraps new float32 values as a tensor on the backend. */
export function output(backend: NativeBackend, shape: number[], values: Float32Array): tf.TensorInfo {
  return backend.makeTensorInfo(shape, "float32", values);
}

/** Product of a shape. */
export function sizeOf(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}
