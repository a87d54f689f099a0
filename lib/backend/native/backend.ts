/**
 * The `native` tfjs backend: the pure-JS cpu backend (same tensor storage, every cpu kernel
 * copied over) with the heavy kernels replaced by oneDNN calls through Deno FFI, and a pool of
 * large output buffers.
 *
 * Why a pool: on the VMs geomad was measured on, first-touching fresh memory costs about 7 ms
 * per MiB (page faults through the hypervisor), so a new 32 MiB activation costs ~240 ms to
 * fill against ~5 ms for a reused one. Only buffers that native kernels allocated are reused,
 * and only when no tensor still refers to them and their values were never handed out
 * (`dataSync`/`data`/`readSync` mark a buffer as escaped for good).
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { MathBackendCPU } from "@tensorflow/tfjs-backend-cpu";
import { alignedFloat32 } from "./aligned.ts";
import { Bf16Cache } from "./bf16.ts";
import type { Dnnl } from "./dnnl.ts";

/** Arithmetic of the native backend's convolutions. */
export type NativePrecision = "fp32" | "bf16";

/** Name under which the backend is registered with tfjs. */
export const NATIVE_BACKEND = "native";

/** Buffers smaller than this are left to the garbage collector (no page-fault cost to save). */
const MIN_POOLED_BYTES = 256 * 1024;

/** Options for `NativeBackend`. */
export interface NativeBackendOptions {
  /** Most bytes of idle buffers kept for reuse (default 4 GiB). */
  maxPoolBytes?: number;
}

/** Pool counters, for diagnostics and tests. */
export interface PoolStats {
  /** Buffers handed out from the pool. */
  reused: number;
  /** Buffers allocated because the pool had none of that size. */
  allocated: number;
  /** Idle bytes in the pool now. */
  idleBytes: number;
  /** Bytes of pooled-size buffers held by live tensors now. */
  liveBytes: number;
  /** Most `liveBytes` seen. */
  peakLiveBytes: number;
}

type DataId = object;

/** The cpu backend plus a oneDNN handle that native kernels use. */
export class NativeBackend extends MathBackendCPU {
  /** oneDNN engine, stream and primitive cache. */
  readonly dnnl: Dnnl;
  readonly #maxPoolBytes: number;
  readonly #pool = new Map<number, Float32Array[]>();
  /** Buffers the pool made, with how many tensor data entries refer to each. */
  readonly #live = new Map<ArrayBuffer, number>();
  readonly #owned = new WeakSet<ArrayBuffer>();
  /** The array `alloc` made on each pooled buffer (64-byte aligned, so not at offset 0). */
  readonly #made = new WeakMap<ArrayBuffer, Float32Array>();
  #stats: PoolStats = { reused: 0, allocated: 0, idleBytes: 0, liveBytes: 0, peakLiveBytes: 0 };
  /** Arrays `alloc` handed out, with how many times each was handed out (its contents' generation). */
  readonly #generation = new WeakMap<Float32Array, number>();
  /**
   * `bf16`: convolutions run in bfloat16 with f32 accumulation and f32 results (everything else
   * stays f32). Set through `initBackend(..., { precision })`; default `fp32`.
   */
  precision: NativePrecision = "fp32";
  /** bf16 copies of kernel outputs, made once per generation, and bf16-primary outputs. */
  readonly bf16: Bf16Cache;
  /** Storage lookup that leaves pending bf16-primary values unwritten. */
  readonly #rawGet: (id: DataId) => { values?: unknown } | undefined;
  /** Depth of `raw` sections. */
  #raw = 0;

  /** Creates the backend around an opened oneDNN. */
  constructor(dnnl: Dnnl, options: NativeBackendOptions = {}) {
    super();
    this.dnnl = dnnl;
    this.#maxPoolBytes = options.maxPoolBytes ?? 4 * 1024 ** 3;
    this.bf16 = new Bf16Cache(dnnl, { generation: (a) => this.#generation.get(a) });
    // bf16-primary kernel outputs (see Bf16Cache.adopt) get their float32 values written when
    // anything reads the backend's storage, unless inside `raw` (bf16-aware kernels, and the
    // bookkeeping that only touches reference counts).
    const data = this.data as unknown as { get(id: DataId): { values?: unknown } | undefined };
    const get = data.get.bind(data);
    this.#rawGet = get;
    data.get = (id: DataId) => {
      const entry = get(id);
      if (this.#raw === 0 && entry?.values instanceof Float32Array) {
        this.bf16.materialise(entry.values);
      }
      return entry;
    };
    // The cpu backend prints an "install tfjs-node" banner on first write; not useful here.
    (this as unknown as { firstUse: boolean }).firstUse = false;
  }

  /**
   * A float32 buffer of `n` elements for a kernel output. Its contents are undefined (it may
   * be reused): the kernel must write every element.
   */
  alloc(n: number): Float32Array {
    if (n * 4 < MIN_POOLED_BYTES) return this.#handOut(new Float32Array(n));
    const reuse = this.#pool.get(n)?.pop();
    if (reuse) {
      this.#stats.reused++;
      this.#stats.idleBytes -= reuse.byteLength;
      return this.#handOut(reuse);
    }
    this.#stats.allocated++;
    // 64-byte aligned, as oneDNN's kernels want their operands (aligned.ts)
    const a = alignedFloat32(n);
    this.#owned.add(a.buffer as ArrayBuffer);
    this.#made.set(a.buffer as ArrayBuffer, a);
    return this.#handOut(a);
  }

  /**
   * Like {@linkcode alloc}, and 64-byte aligned at every size (`alloc` aligns only the pooled
   * sizes, of 256 KiB or more): for kernel outputs that oneDNN reads or writes in cache lines,
   * such as a batch norm's ReLU mask.
   */
  allocAligned(n: number): Float32Array {
    return n * 4 < MIN_POOLED_BYTES ? this.#handOut(alignedFloat32(n)) : this.alloc(n);
  }

  /** Counts a new generation of `a`'s contents (a kernel is about to write them). */
  #handOut(a: Float32Array): Float32Array {
    this.#generation.set(a, (this.#generation.get(a) ?? 0) + 1);
    return a;
  }

  /**
   * Runs `f` with storage reads that do not write pending bf16-primary values: for kernels that
   * read bf16 copies where they exist and call {@linkcode materialise} for the float32 arrays
   * they really read.
   */
  raw<T>(f: () => T): T {
    this.#raw++;
    try {
      return f();
    } finally {
      this.#raw--;
    }
  }

  /**
   * The generation of `a`'s contents: how many times the pool has handed the array out, or
   * undefined for an array `alloc` did not make (its contents may change unseen).
   */
  generation(a: Float32Array): number | undefined {
    return this.#generation.get(a);
  }

  /** Writes `values` from its bf16-primary copy if they are still pending. */
  materialise(values: Float32Array): void {
    this.bf16.materialise(values);
  }

  /** Pool counters since the backend was created. */
  poolStats(): PoolStats {
    return { ...this.#stats };
  }

  /** Drops every idle pooled buffer. */
  clearPool(): void {
    this.#pool.clear();
    this.#stats.idleBytes = 0;
  }

  #ref(values: unknown, delta: number): void {
    if (!(values instanceof Float32Array)) return;
    const buf = values.buffer as ArrayBuffer;
    if (!this.#owned.has(buf)) return;
    const before = this.#live.get(buf) ?? 0;
    const n = before + delta;
    if (before === 0 && n > 0) {
      this.#stats.liveBytes += buf.byteLength;
      this.#stats.peakLiveBytes = Math.max(this.#stats.peakLiveBytes, this.#stats.liveBytes);
    }
    if (n > 0) {
      this.#live.set(buf, n);
      return;
    }
    this.#live.delete(buf);
    this.#stats.liveBytes -= buf.byteLength;
    if (this.#made.get(buf) !== values) return; // a view of a pooled buffer, not the buffer's array
    if (this.#stats.idleBytes + buf.byteLength > this.#maxPoolBytes) {
      this.#owned.delete(buf);
      return;
    }
    let list = this.#pool.get(values.length);
    if (!list) this.#pool.set(values.length, list = []);
    list.push(values);
    this.#stats.idleBytes += buf.byteLength;
  }

  override write(
    values: tf.backend_util.BackendValues,
    shape: number[],
    dtype: tf.DataType,
  ): DataId {
    this.#ref(values, 1);
    return super.write(values, shape, dtype);
  }

  override readSync(dataId: DataId): tf.backend_util.BackendValues {
    const values = super.readSync(dataId);
    if (ArrayBuffer.isView(values)) {
      // The caller may keep these values: never recycle this buffer.
      const buf = values.buffer as ArrayBuffer;
      if (this.#live.has(buf)) this.#stats.liveBytes -= buf.byteLength;
      this.#owned.delete(buf);
      this.#live.delete(buf);
    }
    return values;
  }

  override disposeData(dataId: DataId, force = false): boolean {
    const values = this.#rawGet(dataId)?.values;
    const done = this.raw(() => super.disposeData(dataId, force));
    if (values !== undefined && !this.data.has(dataId)) this.#ref(values, -1);
    return done;
  }

  // Reference counting reads the storage entry, not its values.
  override incRef(dataId: DataId): void {
    this.raw(() => super.incRef(dataId));
  }

  override decRef(dataId: DataId): void {
    this.raw(() => super.decRef(dataId));
  }

  override refCount(dataId: DataId): number {
    return this.raw(() => super.refCount(dataId));
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
export function f32(
  backend: NativeBackend,
  t: tf.TensorInfo | undefined,
): Float32Array | undefined {
  if (!t || t.dtype !== "float32") return undefined;
  const v = backend.data.get(t.dataId)?.values;
  return v instanceof Float32Array ? v : undefined;
}

/** Wraps new float32 values as a tensor on the backend. */
export function output(
  backend: NativeBackend,
  shape: number[],
  values: Float32Array,
): tf.TensorInfo {
  return backend.makeTensorInfo(shape, "float32", values);
}

/** Product of a shape. */
export function sizeOf(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}
