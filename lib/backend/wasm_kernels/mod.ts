/**
 * geomad's replacement kernels for the tfjs `wasm` backend (tfjs 4.22), so that conv nets
 * train at a useful speed on wasm. Stock wasm has no `Conv2DBackpropFilter`; runs
 * `Conv2DBackpropInput`, transposed `BatchMatMul`, `MaxPoolGrad`, `AvgPoolGrad` and `Tile` as
 * slow loops; reduces over batch+spatial axes (BatchNorm's `Sum`/`Mean`) by transposing first;
 * and copies every tensor the engine saves for the backward pass (`Identity`, same-dtype
 * `Cast`). The replacements are built from XNNPACK kernels of the stock backend (untransposed
 * matrix product, forward conv, average pooling, broadcast arithmetic) plus cache-friendly JS
 * data movement on the wasm heap; each is tested against the reference `cpu` kernel. Inputs a
 * replacement does not handle (other dtypes, batched products, ...) go to the stock kernel.
 *
 * @example
 * ```ts
 * import { initBackend } from "geomad/backend/select.ts";
 * const info = await initBackend("wasm"); // registers them: info.extensions has WASM_KERNELS_EXTENSION
 * ```
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { batchMatMulConfig } from "./batch_mat_mul.ts";
import { castConfig } from "./cast.ts";
import { conv2dBackpropFilterConfig } from "./conv2d_backprop_filter.ts";
import { conv2dBackpropInputConfig } from "./conv2d_backprop_input.ts";
import { fusedBatchNormConfig } from "./fused_batch_norm.ts";
import { rememberStockKernel, stockKernel } from "./heap.ts";
import { identityConfig } from "./identity.ts";
import { avgPoolGradConfig, maxPoolGradConfig } from "./pool_grad.ts";
import { meanConfig } from "./mean.ts";
import { sumConfig } from "./sum.ts";
import { tileConfig } from "./tile.ts";

export { conv2dBackpropFilterWasm } from "./conv2d_backprop_filter.ts";
export { conv2dBackpropInputWasm } from "./conv2d_backprop_input.ts";
export { batchMatMulWasm } from "./batch_mat_mul.ts";
export { tileWasm } from "./tile.ts";
export { avgPoolGradWasm, maxPoolGradWasm } from "./pool_grad.ts";
export { fusedBatchNormWasm } from "./fused_batch_norm.ts";
export { releaseScratch as releaseWasmKernelScratch } from "./layout.ts";

/** The extension name recorded in BackendInfo.extensions when the kernels are active. */
export const WASM_KERNELS_EXTENSION = "geomad-wasm-grad-v1";

/** The replacement kernels, in registration order. */
export const WASM_KERNEL_CONFIGS: readonly tf.KernelConfig[] = [
  conv2dBackpropFilterConfig,
  conv2dBackpropInputConfig,
  batchMatMulConfig,
  sumConfig,
  meanConfig,
  tileConfig,
  maxPoolGradConfig,
  avgPoolGradConfig,
  fusedBatchNormConfig,
  identityConfig,
  castConfig,
];

/** Names of the kernels geomad replaces (or adds) on wasm. */
export const WASM_KERNEL_NAMES: readonly string[] = WASM_KERNEL_CONFIGS.map((c) => c.kernelName);

/**
 * Registers geomad's kernels for the `wasm` backend, replacing the stock ones (kept and
 * still used internally). Idempotent. Returns {@link WASM_KERNELS_EXTENSION}.
 */
export function registerWasmKernels(): string {
  for (const config of WASM_KERNEL_CONFIGS) {
    const current = tf.getKernel(config.kernelName, "wasm");
    if (current?.kernelFunc === config.kernelFunc) continue;
    rememberStockKernel(config.kernelName);
    if (current) tf.unregisterKernel(config.kernelName, "wasm");
    tf.registerKernel(config);
  }
  return WASM_KERNELS_EXTENSION;
}

/**
 * Puts the stock wasm kernels back (geomad's `Conv2DBackpropFilter`, which has no stock
 * counterpart, stays unless `removeMissing`). For benchmarks and tests; idempotent.
 */
export function restoreStockKernels(options: { removeMissing?: boolean } = {}): void {
  for (const config of WASM_KERNEL_CONFIGS) {
    const current = tf.getKernel(config.kernelName, "wasm");
    if (current?.kernelFunc !== config.kernelFunc) continue;
    const stock = stockKernel(config.kernelName);
    if (!stock && !options.removeMissing) continue;
    tf.unregisterKernel(config.kernelName, "wasm");
    if (stock) tf.registerKernel(stock);
  }
}

/** True when every geomad wasm kernel is the one registered. */
export function wasmKernelsRegistered(): boolean {
  return WASM_KERNEL_CONFIGS.every((c) =>
    tf.getKernel(c.kernelName, "wasm")?.kernelFunc === c.kernelFunc
  );
}
