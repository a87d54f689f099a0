/**
 * geomad's `native` tfjs backend: the cpu backend with convolutions, pooling, batch
 * normalisation, elementwise ops and reductions on oneDNN (Debian `libdnnl2`, C API 2.x) through
 * Deno FFI, detected at run time like tfjs-node. When the library (or `--allow-ffi`) is missing,
 * `registerNativeBackend` resolves to the reason and nothing is registered.
 *
 * @example
 * ```ts ignore
 * import * as tf from "@tensorflow/tfjs";
 * import { NATIVE_BACKEND, registerNativeBackend } from "geomad/backend/native/mod.ts";
 * const why = await registerNativeBackend(); // run with --allow-ffi
 * if (why === undefined) await tf.setBackend(NATIVE_BACKEND);
 * else console.warn(`native backend unavailable: ${why}`);
 * ```
 * @module
 */
export { NATIVE_BACKEND, NativeBackend, type PoolStats } from "./backend.ts";
export {
  NATIVE_KERNELS,
  type NativeBackendInfo,
  nativeBackendInfo,
  nativeKernelStats,
  registerNativeBackend,
  type RegisterNativeOptions,
} from "./register.ts";
export { type KernelProfileEntry, nativeKernelProfile, profileNativeKernels } from "./profile.ts";
export { loadDnnl, type LoadDnnlOptions, type LoadResult } from "./ffi.ts";
