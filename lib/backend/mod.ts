/**
 * Compute backend selection and geomad's replacement kernels. Importing this module arranges
 * for geomad's wasm gradient kernels to be registered whenever `initBackend` activates wasm.
 * @module
 */
import { installWasmKernels } from "./wasm_kernels/mod.ts";

export * from "./select.ts";
export * from "./precision.ts";
export {
  registerWasmKernels,
  restoreStockKernels,
  WASM_KERNEL_NAMES,
  WASM_KERNELS_EXTENSION,
  wasmKernelsRegistered,
} from "./wasm_kernels/mod.ts";

installWasmKernels();
