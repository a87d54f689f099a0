/**
 * A thin, typed layer over the oneDNN 2.x C API: engine and stream, memory descriptors built from
 * explicit strides (no format-tag tables to keep in sync), primitives with their memory objects,
 * executed on caller-owned Float32Arrays, and an LRU cache of primitives per shape.
 * @module
 */
import { misalignment } from "./aligned.ts";
import type { DnnlLib } from "./ffi.ts";
import { statusText } from "./ffi.ts";
import { primitiveProfiling, profiledPrimitive } from "./profile.ts";

/** oneDNN enum values (2.x; checked against the library's own *2str functions in tests). */
export const DT_F32 = 3;
/** `dnnl_bf16`: bfloat16 (float32's 8-bit exponent, 7 stored mantissa bits). */
export const DT_BF16 = 2;
/** `dnnl_format_tag_any`: let the primitive choose the layout. */
export const TAG_ANY = 1;
/** `dnnl_format_tag_a`: a plain 1-D vector. */
export const TAG_A = 2;
/** Propagation kinds. */
export const PROP = {
  forwardTraining: 64,
  forwardInference: 96,
  backward: 128,
  backwardData: 160,
  backwardWeights: 192,
} as const;
/** Algorithm kinds. */
export const ALG = {
  convolutionDirect: 0x1,
  eltwiseRelu: 0x1f,
  eltwiseSquare: 0x4f,
  eltwiseLinear: 0x7f,
  eltwiseSqrt: 0x6f,
  eltwiseLogistic: 0xaf,
  eltwiseClip: 0xff,
  eltwiseExp: 0xbf,
  eltwiseLog: 0xef,
  eltwiseAbs: 0x5f,
  eltwisePow: 0x20,
  eltwiseElu: 0x3f,
  eltwiseTanh: 0x2f,
  poolingMax: 0x1ff,
  poolingAvgIncludePadding: 0x2ff,
  poolingAvgExcludePadding: 0x3ff,
  binaryAdd: 0x1fff0,
  binaryMul: 0x1fff1,
  binaryMax: 0x1fff2,
  binaryMin: 0x1fff3,
  binaryDiv: 0x1fff4,
  binarySub: 0x1fff5,
  binaryGe: 0x1fff6,
  binaryGt: 0x1fff7,
  reductionMax: 0x2fff2,
  reductionMin: 0x2fff3,
  reductionSum: 0x2fff4,
  reductionMean: 0x2fff6,
} as const;
/** Execution argument indices (`DNNL_ARG_*`). */
export const ARG = {
  src: 1,
  src1: 2,
  dst: 17,
  weights: 33,
  bias: 41,
  mean: 49,
  variance: 50,
  scale: 51,
  shift: 52,
  workspace: 64,
  diffSrc: 129,
  diffDst: 145,
  diffWeights: 161,
  diffBias: 169,
  diffScale: 255,
  diffShift: 256,
} as const;
/** Batch-normalisation flags. */
export const BN_FLAGS = { useGlobalStats: 0x1, fuseNormRelu: 0x4, useScale: 0x8, useShift: 0x10 };

const QUERY_IMPL_INFO_STR = 8;
const QUERY_EXEC_ARG_MD = 255;
const QUERY_WEIGHTS_MD = 131;
const QUERY_DIFF_WEIGHTS_MD = 132;
/**
 * Elements (of a primitive's largest operand) from which a memory-bound primitive (reorder,
 * binary, eltwise, batch normalisation, pooling) runs on every thread; below it, one thread is
 * as fast or faster. Measured with `deno task bench:step --thread-times` (2 threads, WRN-10-4
 * bf16, critical-path CPU ms per step, two runs each): the Adds of 4M- and 8M-element bf16
 * activations took 2.1-2.2 and 3.9-4.0 ms on two threads against 3.8 and 7.6-7.8 on one, but
 * the Multiplies of the 590K-element filters of the L2 terms 3.2-3.5 against 2.4-2.5 ms, and
 * the 393K-element input conversion gained nothing (0.2-0.3 against 0.2 ms).
 */
export const PARALLEL_FROM = 1 << 20;

/** Bytes reserved for one `dnnl_memory_desc_t` (about 900 in 2.x). */
const MD_BYTES = 4096;
/** Bytes reserved for one operation descriptor (a convolution desc holds 8 memory descs). */
const OP_DESC_BYTES = 32768;

/** A memory descriptor: an opaque byte buffer filled by oneDNN. */
export type MemoryDesc = Uint8Array;

/** Strides (in elements) of a dense row-major layout of `dims`. */
export function denseStrides(dims: readonly number[]): number[] {
  const s = new Array<number>(dims.length);
  let acc = 1;
  for (let i = dims.length - 1; i >= 0; i--) {
    s[i] = acc;
    acc *= dims[i]!;
  }
  return s;
}

function dims12(values: readonly number[]): BigInt64Array {
  const a = new BigInt64Array(12);
  values.forEach((v, i) => (a[i] = BigInt(v)));
  return a;
}

function ptrValue(p: Deno.PointerValue): bigint {
  return BigInt(Deno.UnsafePointer.value(p));
}

/** The oneDNN engine, stream and primitive cache for one process. */
export class Dnnl {
  readonly lib: DnnlLib;
  readonly engine: Deno.PointerValue;
  readonly stream: Deno.PointerValue;
  readonly #cache = new Map<string, PrimitiveGroup>();
  readonly #cacheLimit: number;
  readonly #out = new BigUint64Array(1);
  /** Threads for compute-bound primitives (convolutions, GEMM). */
  readonly maxThreads: number;
  /**
   * Elements from which memory-bound primitives run on `maxThreads` (see
   * {@linkcode Dnnl.parallelFor}); default {@linkcode PARALLEL_FROM}. `Infinity` keeps them all on
   * one thread. Read when a primitive is created: set it before the first kernel runs.
   */
  parallelFrom = PARALLEL_FROM;
  readonly #setThreads?: (n: number) => void;
  #threads = 0;

  /**
   * Creates the CPU engine and an in-order stream. `threads`/`setThreads` come from `loadDnnl`:
   * convolutions run on `threads` OpenMP threads, and so do memory-bound primitives on large
   * tensors ({@linkcode Dnnl.parallelFor}); small ones run on one thread (a fork and join costs
   * more than they do).
   */
  constructor(
    lib: DnnlLib,
    options: { cacheLimit?: number; threads?: number; setThreads?: (n: number) => void } = {},
  ) {
    this.lib = lib;
    this.#cacheLimit = options.cacheLimit ?? 1024;
    this.maxThreads = Math.max(1, options.threads ?? 1);
    this.#setThreads = options.setThreads;
    this.check(lib.symbols.dnnl_engine_create(this.#out, 1, 0n), "create engine");
    this.engine = this.#ptr();
    this.check(lib.symbols.dnnl_stream_create(this.#out, this.engine, 1), "create stream");
    this.stream = this.#ptr();
  }

  #ptr(): Deno.PointerValue {
    return Deno.UnsafePointer.create(this.#out[0]!);
  }

  /**
   * Whether a memory-bound primitive whose largest operand has `elements` values runs on
   * `maxThreads` (pass the result as `create`'s or `reorder`'s `parallel`). Elementwise work
   * only: its results do not depend on the thread count. (On a machine where other processes
   * hold the cores, run with one thread: OpenMP threads spin at barriers while their partner
   * waits for a core.)
   */
  parallelFor(elements: number): boolean {
    return this.maxThreads > 1 && elements >= this.parallelFrom;
  }

  /** Sets the OpenMP threads for the next calls (no-op when unchanged or without OpenMP). */
  useThreads(n: number): void {
    if (n === this.#threads || !this.#setThreads) return;
    this.#setThreads(n);
    this.#threads = n;
  }

  /** Throws an Error naming the action when `status` is not success. */
  check(status: number, action: string): void {
    if (status !== 0) {
      throw new Error(`Cannot ${action}: oneDNN says ${statusText(this.lib, status)}`);
    }
  }

  /** A memory descriptor with explicit strides (elements), f32 unless `dataType` says. */
  md(dims: readonly number[], strides?: readonly number[], dataType = DT_F32): MemoryDesc {
    const md = new Uint8Array(MD_BYTES);
    const st = strides ?? denseStrides(dims);
    this.check(
      this.lib.symbols.dnnl_memory_desc_init_by_strides(
        md,
        dims.length,
        dims12(dims),
        dataType,
        dims12(st),
      ),
      `describe memory [${dims}] strides [${st}]`,
    );
    return md;
  }

  /** A memory descriptor whose layout the primitive chooses (`any`), f32 unless `dataType` says. */
  mdAny(dims: readonly number[], dataType = DT_F32): MemoryDesc {
    const md = new Uint8Array(MD_BYTES);
    this.check(
      this.lib.symbols.dnnl_memory_desc_init_by_tag(
        md,
        dims.length,
        dims12(dims),
        dataType,
        TAG_ANY,
      ),
      `describe memory [${dims}] (any)`,
    );
    return md;
  }

  /** A fresh buffer for an operation descriptor. */
  opDesc(): Uint8Array {
    return new Uint8Array(OP_DESC_BYTES);
  }

  /** `dnnl_dims_t` from numbers. */
  dims(values: readonly number[]): BigInt64Array {
    return dims12(values);
  }

  /** Creates a primitive descriptor (and primitive) from an op descriptor. */
  create(
    opDesc: Uint8Array,
    what: string,
    options: {
      hint?: Primitive;
      attr?: Deno.PointerValue;
      descOnly?: boolean;
      /** Run on `maxThreads` (compute-bound) instead of one thread. */
      parallel?: boolean;
    } = {},
  ): Primitive {
    // Set before the descriptor: oneDNN sizes an implementation's work split (jcp.nthr) from
    // the OpenMP max threads when the primitive DESCRIPTOR is created, so a convolution
    // described while the last call ran on one thread would run on one thread for good.
    const threads = options.parallel ? this.maxThreads : 1;
    this.useThreads(threads);
    this.check(
      this.lib.symbols.dnnl_primitive_desc_create(
        this.#out,
        opDesc,
        options.attr ?? null,
        this.engine,
        options.hint?.pd ?? null,
      ),
      `create ${what} primitive descriptor`,
    );
    const pd = this.#ptr();
    return new Primitive(this, pd, what, { descOnly: options.descOnly, threads });
  }

  /**
   * A reorder primitive between two memory descriptors (pointers or buffers); `parallel` runs
   * it on `maxThreads` (worth it for large activations, not for filters).
   */
  reorder(
    src: Deno.PointerValue,
    dst: Deno.PointerValue,
    what: string,
    parallel = false,
  ): Primitive {
    const threads = parallel ? this.maxThreads : 1;
    this.useThreads(threads);
    this.check(
      this.lib.symbols.dnnl_reorder_primitive_desc_create(
        this.#out,
        src,
        this.engine,
        dst,
        this.engine,
        null,
      ),
      `create ${what} reorder`,
    );
    return new Primitive(this, this.#ptr(), what, { threads });
  }

  /** Creates a primitive attribute holding one eltwise post-op (e.g. a fused ReLU). */
  eltwiseAttr(alg: number, alpha: number, beta: number): Deno.PointerValue {
    const s = this.lib.symbols;
    this.check(s.dnnl_post_ops_create(this.#out), "create post-ops");
    const ops = this.#ptr();
    this.check(s.dnnl_post_ops_append_eltwise(ops, 1, alg, alpha, beta), "append eltwise post-op");
    this.check(s.dnnl_primitive_attr_create(this.#out), "create attribute");
    const attr = this.#ptr();
    this.check(s.dnnl_primitive_attr_set_post_ops(attr, ops), "set post-ops");
    s.dnnl_post_ops_destroy(ops);
    return attr;
  }

  /** Frees an attribute made by `eltwiseAttr`. */
  destroyAttr(attr: Deno.PointerValue): void {
    this.lib.symbols.dnnl_primitive_attr_destroy(attr);
  }

  /** Looks up or builds a cached value for `key` (least recently used entries are evicted). */
  cached<T extends Primitive | PrimitiveGroup>(key: string, build: () => T): T {
    const hit = this.#cache.get(key);
    if (hit) {
      this.#cache.delete(key);
      this.#cache.set(key, hit);
      return hit as T;
    }
    const made = build();
    this.#cache.set(key, made);
    if (this.#cache.size > this.#cacheLimit) {
      const [oldKey, old] = this.#cache.entries().next().value!;
      this.#cache.delete(oldKey);
      old.destroy();
    }
    return made;
  }

  /** Number of cached primitives (for tests and diagnostics). */
  get cacheSize(): number {
    return this.#cache.size;
  }

  /** Row-major single-precision GEMM: C = alpha * op(A) op(B) + beta * C. */
  sgemm(
    transA: boolean,
    transB: boolean,
    m: number,
    n: number,
    k: number,
    a: Float32Array,
    b: Float32Array,
    c: Float32Array,
    options: {
      lda?: number;
      ldb?: number;
      ldc?: number;
      alpha?: number;
      beta?: number;
      threads?: number;
    } = {},
  ): void {
    const lda = options.lda ?? (transA ? m : k);
    const ldb = options.ldb ?? (transB ? k : n);
    const ldc = options.ldc ?? n;
    pin(a);
    pin(b);
    pin(c);
    this.useThreads(options.threads ?? 1);
    this.check(
      this.lib.symbols.dnnl_sgemm(
        transA ? 84 : 78,
        transB ? 84 : 78,
        BigInt(m),
        BigInt(n),
        BigInt(k),
        options.alpha ?? 1,
        a,
        BigInt(lda),
        b,
        BigInt(ldb),
        options.beta ?? 0,
        c,
        BigInt(ldc),
      ),
      `run sgemm ${m}x${n}x${k}`,
    );
  }
}

/** Something in the primitive cache that owns native objects. */
export interface PrimitiveGroup {
  /** Frees the native objects. */
  destroy(): void;
}

/**
 * Forces a small typed array's bytes off the V8 heap so the pointer handed to oneDNN stays put
 * (V8 keeps typed arrays of up to 64 bytes on the movable heap until `.buffer` is read).
 */
export function pin(a: ArrayBufferView): void {
  if (a.byteLength <= 64) void a.buffer;
}

/** Arguments from this size on count in the primitive profile when misaligned. */
const COUNT_MISALIGNED_FROM = 65536;

/**
 * Whether `d` is an argument of 64 KiB or more whose data does not start on a 64-byte boundary
 * (AMX kernels run up to 2.5x slower on those). Smaller ones (statistics, small filters) do not
 * count: malloc places them anywhere, and they cost little either way.
 */
function isMisalignedLarge(d: ArrayBufferView): boolean {
  return d.byteLength >= COUNT_MISALIGNED_FROM && misalignment(d) !== 0;
}

/** A primitive descriptor, its primitive, and one memory object per execution argument. */
export class Primitive implements PrimitiveGroup {
  readonly pd: Deno.PointerValue;
  /** The executable primitive (null for a descriptor kept only as a backward hint). */
  readonly prim: Deno.PointerValue;
  readonly #dnnl: Dnnl;
  readonly #mems = new Map<number, Deno.PointerValue>();
  readonly #out = new BigUint64Array(1);
  readonly #threads: number;
  #args = new BigInt64Array(0);
  /** What the primitive does, as given at creation (e.g. `convolution`, `f32 to bf16`). */
  readonly what: string;

  constructor(
    dnnl: Dnnl,
    pd: Deno.PointerValue,
    what: string,
    options: { descOnly?: boolean; threads?: number } = {},
  ) {
    this.#dnnl = dnnl;
    this.pd = pd;
    this.what = what;
    this.#threads = options.threads ?? 1;
    if (options.descOnly) {
      this.prim = null;
      return;
    }
    const st = dnnl.lib.symbols.dnnl_primitive_create(this.#out, pd);
    if (st !== 0) dnnl.lib.symbols.dnnl_primitive_desc_destroy(pd);
    dnnl.check(st, `create ${what} primitive`);
    this.prim = Deno.UnsafePointer.create(this.#out[0]!);
  }

  /** The implementation oneDNN picked (e.g. `brg:avx512_core`). */
  get impl(): string {
    const out = new BigUint64Array(1);
    const st = this.#dnnl.lib.symbols.dnnl_primitive_desc_query(
      this.pd,
      QUERY_IMPL_INFO_STR,
      0,
      out,
    );
    if (st !== 0 || out[0] === 0n) return "?";
    return new Deno.UnsafePointerView(Deno.UnsafePointer.create(out[0]!)!).getCString();
  }

  /** The memory descriptor this primitive expects for an execution argument. */
  argMd(arg: number): Deno.PointerValue {
    return this.#dnnl.lib.symbols.dnnl_primitive_desc_query_md(this.pd, QUERY_EXEC_ARG_MD, arg);
  }

  /** The weights (or diff weights) descriptor chosen by the primitive. */
  weightsMd(diff = false): Deno.PointerValue {
    return this.#dnnl.lib.symbols.dnnl_primitive_desc_query_md(
      this.pd,
      diff ? QUERY_DIFF_WEIGHTS_MD : QUERY_WEIGHTS_MD,
      0,
    );
  }

  /** Size in float32 elements of the argument's memory (including any padding of blocked layouts). */
  argElems(arg: number): number {
    return this.argBytes(arg) / 4;
  }

  /** Size in bytes of the argument's memory (including any padding of blocked layouts). */
  argBytes(arg: number): number {
    return Number(this.#dnnl.lib.symbols.dnnl_memory_desc_get_size(this.argMd(arg)));
  }

  #mem(arg: number): Deno.PointerValue {
    let m = this.#mems.get(arg);
    if (m === undefined) {
      const md = this.argMd(arg);
      if (md === null) throw new Error(`Cannot bind argument ${arg}: primitive does not take it`);
      this.#dnnl.check(
        this.#dnnl.lib.symbols.dnnl_memory_create(this.#out, md, this.#dnnl.engine, null),
        `create memory for argument ${arg}`,
      );
      m = Deno.UnsafePointer.create(this.#out[0]!);
      this.#mems.set(arg, m);
    }
    return m;
  }

  /** Runs the primitive on the given buffers (argument index, data), synchronously. */
  exec(args: ReadonlyArray<readonly [number, ArrayBufferView]>): void {
    const s = this.#dnnl.lib.symbols;
    if (!this.prim) throw new Error("Cannot execute: descriptor-only primitive");
    if (this.#args.length !== args.length * 2) this.#args = new BigInt64Array(args.length * 2);
    for (let i = 0; i < args.length; i++) {
      const [arg, data] = args[i]!;
      const mem = this.#mem(arg);
      pin(data);
      s.dnnl_memory_set_data_handle(mem, data);
      this.#args[2 * i] = BigInt(arg);
      this.#args[2 * i + 1] = ptrValue(mem);
    }
    this.#dnnl.useThreads(this.#threads);
    if (primitiveProfiling()) {
      const sizes = args.map(([, d]) => d.byteLength).join("/");
      const misaligned = args.some(([, d]) => isMisalignedLarge(d));
      profiledPrimitive(
        `${this.what} ${this.impl} ${sizes}`,
        () => this.#run(args.length),
        misaligned,
        this.#threads,
      );
    } else {
      this.#run(args.length);
    }
  }

  #run(nArgs: number): void {
    const s = this.#dnnl.lib.symbols;
    this.#dnnl.check(
      s.dnnl_primitive_execute(this.prim, this.#dnnl.stream, nArgs, this.#args),
      "execute primitive",
    );
    this.#dnnl.check(s.dnnl_stream_wait(this.#dnnl.stream), "wait for stream");
  }

  /** Frees the memory objects, primitive and descriptor. */
  destroy(): void {
    const s = this.#dnnl.lib.symbols;
    for (const m of this.#mems.values()) s.dnnl_memory_destroy(m);
    this.#mems.clear();
    if (this.prim) s.dnnl_primitive_destroy(this.prim);
    s.dnnl_primitive_desc_destroy(this.pd);
  }
}
