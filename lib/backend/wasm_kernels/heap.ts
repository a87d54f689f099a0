/**
 * Low-level plumbing shared by geomad's wasm replacement kernels: allocating tensors on the
 * wasm heap, viewing them as Float32Arrays, calling other wasm kernels directly (no engine,
 * no tape) and disposing every temporary, so a kernel leaks nothing even when it throws.
 *
 * Views into the wasm heap are invalidated whenever the heap grows (any allocation may grow
 * it): take views after the allocations they need, never across one.
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import type { BackendWasm } from "@tensorflow/tfjs-backend-wasm";

/** The tfjs wasm backend, as seen by a kernel function. */
export type WasmBackend = BackendWasm;

/** Kernel configs of the stock wasm backend, captured before geomad replaced any of them. */
const stockKernels = new Map<string, tf.KernelConfig | undefined>();

/** Records the stock wasm kernel for `name` (once) before it is replaced. */
export function rememberStockKernel(name: string): void {
  if (stockKernels.has(name)) return;
  stockKernels.set(name, tf.getKernel(name, "wasm"));
}

/** The stock wasm kernel geomad replaced for `name`, if any was recorded. */
export function stockKernel(name: string): tf.KernelConfig | undefined {
  return stockKernels.get(name);
}

/**
 * The wasm kernel to call for `name` from inside a replacement kernel: the stock kernel when
 * geomad replaced it, else whatever is registered.
 */
export function wasmKernel(name: string): tf.KernelConfig {
  const config = stockKernels.has(name) ? stockKernels.get(name) : tf.getKernel(name, "wasm");
  if (!config) throw new Error(`Cannot run kernel '${name}': no stock wasm kernel exists`);
  return config;
}

/** Backends on which a stock kernel's setup function already ran, per kernel name. */
const setUp = new Map<string, WeakSet<object>>();

/**
 * Calls the wasm kernel `name` (see {@link wasmKernel}) with `args`. A stock kernel that was
 * replaced before the backend first started never had its setup function run by the
 * engine: it is run here, once per backend instance.
 */
export function runWasmKernel(
  name: string,
  args: Parameters<tf.KernelFunc>[0],
): tf.TensorInfo | tf.TensorInfo[] {
  const config = wasmKernel(name);
  if (config.setupFunc) {
    let done = setUp.get(name);
    if (!done) setUp.set(name, done = new WeakSet());
    if (!done.has(args.backend)) {
      config.setupFunc(args.backend);
      done.add(args.backend);
    }
  }
  return config.kernelFunc(args);
}

/** A TensorInfo view of `info`'s data with another shape (same size; no copy, no refcount). */
export function reshaped(info: tf.TensorInfo, shape: number[]): tf.TensorInfo {
  return { dataId: info.dataId, shape, dtype: info.dtype };
}

/** Number of elements of a shape. */
export function sizeOf(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/**
 * Tracks the temporaries one kernel call allocates on the wasm heap and frees them all in
 * `dispose()`, except those handed out with `keep()`.
 */
export class HeapScope {
  readonly backend: WasmBackend;
  #temps: tf.TensorInfo[] = [];

  /** A scope allocating on `backend`. */
  constructor(backend: WasmBackend) {
    this.backend = backend;
  }

  /** Allocates an uninitialised float32 (or `dtype`) tensor, freed by `dispose()`. */
  alloc(shape: number[], dtype: tf.DataType = "float32"): tf.TensorInfo {
    const info = this.backend.makeOutput(shape, dtype);
    this.#temps.push(info);
    return info;
  }

  /** Allocates a float32 tensor filled with zeros. */
  zeros(shape: number[]): tf.TensorInfo {
    const info = this.alloc(shape);
    this.f32(info).fill(0);
    return info;
  }

  /** A Float32Array view of a float32 tensor's data (valid until the next allocation). */
  f32(info: tf.TensorInfo): Float32Array {
    if (info.dtype !== "float32") {
      throw new TypeError(`Cannot view tensor as float32: its dtype is ${info.dtype}`);
    }
    return this.backend.typedArrayFromHeap(info) as Float32Array;
  }

  /** Runs the wasm kernel `name` directly (no engine, no tape); its output is a temporary. */
  run(name: string, inputs: tf.NamedTensorInfoMap, attrs: tf.NamedAttrMap = {}): tf.TensorInfo {
    const out = runWasmKernel(name, { inputs, backend: this.backend, attrs });
    if (Array.isArray(out)) {
      this.#temps.push(...out);
      throw new Error(`Cannot run kernel '${name}' here: it returned ${out.length} outputs`);
    }
    this.#temps.push(out);
    return out;
  }

  /** Frees a temporary of this scope now (e.g. inside a loop). */
  free(info: tf.TensorInfo): void {
    const i = this.#temps.findIndex((t) => t.dataId === info.dataId);
    if (i < 0) throw new Error("Cannot free tensor: it was not allocated in this scope");
    this.#temps.splice(i, 1);
    this.backend.disposeData(info.dataId);
  }

  /**
   * Hands one reference to `info` out as the kernel's output: removes it from the
   * temporaries, or adds a reference when it was not allocated here (e.g. an input).
   */
  keep(info: tf.TensorInfo): tf.TensorInfo {
    const i = this.#temps.findIndex((t) => t.dataId === info.dataId);
    if (i >= 0) this.#temps.splice(i, 1);
    else this.backend.incRef(info.dataId);
    return { dataId: info.dataId, shape: info.shape, dtype: info.dtype };
  }

  /** Frees every temporary still held. */
  dispose(): void {
    for (const t of this.#temps) this.backend.disposeData(t.dataId);
    this.#temps = [];
  }
}

/**
 * Wraps a replacement kernel body so that every temporary is freed and the returned tensor
 * is kept.
 */
export function withScope(
  backend: WasmBackend,
  body: (scope: HeapScope) => tf.TensorInfo,
): tf.TensorInfo {
  const scope = new HeapScope(backend);
  try {
    return scope.keep(body(scope));
  } finally {
    scope.dispose();
  }
}
