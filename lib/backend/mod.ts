/**
 * Compute backend selection and geomad's replacement kernels. Importing this module has no
 * side effect: `initBackend` is the explicit start (with geomad's wasm gradient kernels when it
 * activates wasm).
 * @module
 */

export * from "./select.ts";
export * from "./precision.ts";
export {
  registerWasmKernels,
  restoreStockKernels,
  WASM_KERNEL_NAMES,
  WASM_KERNELS_EXTENSION,
  wasmKernelsRegistered,
} from "./wasm_kernels/mod.ts";
