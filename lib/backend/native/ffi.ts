/**
 * Loads oneDNN 2.x (Debian `libdnnl2`, `libdnnl.so.2`, C API) through Deno FFI, and libgomp for
 * the thread count. Nothing here throws on a missing library: `loadDnnl` returns a reason.
 * @module
 */

/** The oneDNN 2.x C API symbols geomad uses. */
export const DNNL_SYMBOLS = {
  dnnl_version: { parameters: [], result: "pointer" },
  dnnl_get_effective_cpu_isa: { parameters: [], result: "i32" },
  dnnl_cpu_isa2str: { parameters: ["i32"], result: "pointer" },
  dnnl_status2str: { parameters: ["i32"], result: "pointer" },
  dnnl_engine_create: { parameters: ["buffer", "i32", "usize"], result: "i32" },
  dnnl_stream_create: { parameters: ["buffer", "pointer", "u32"], result: "i32" },
  dnnl_stream_wait: { parameters: ["pointer"], result: "i32" },
  // (md*, ndims, dims, data_type, strides)
  dnnl_memory_desc_init_by_strides: {
    parameters: ["buffer", "i32", "buffer", "i32", "buffer"],
    result: "i32",
  },
  // (md*, ndims, dims, data_type, format_tag)
  dnnl_memory_desc_init_by_tag: {
    parameters: ["buffer", "i32", "buffer", "i32", "i32"],
    result: "i32",
  },
  dnnl_memory_desc_equal: { parameters: ["buffer", "pointer"], result: "i32" },
  dnnl_memory_desc_get_size: { parameters: ["pointer"], result: "usize" },
  // (memory*, md*, engine, handle)
  dnnl_memory_create: { parameters: ["buffer", "pointer", "pointer", "pointer"], result: "i32" },
  dnnl_memory_set_data_handle: { parameters: ["pointer", "buffer"], result: "i32" },
  dnnl_memory_destroy: { parameters: ["pointer"], result: "i32" },
  // (desc*, prop, alg, src, weights, bias, dst, strides, dilates, pad_l, pad_r)
  dnnl_dilated_convolution_forward_desc_init: {
    parameters: [
      "buffer",
      "i32",
      "i32",
      "buffer",
      "buffer",
      "buffer",
      "buffer",
      "buffer",
      "buffer",
      "buffer",
      "buffer",
    ],
    result: "i32",
  },
  // (desc*, alg, diff_src, weights, diff_dst, strides, dilates, pad_l, pad_r)
  dnnl_dilated_convolution_backward_data_desc_init: {
    parameters: [
      "buffer",
      "i32",
      "buffer",
      "buffer",
      "buffer",
      "buffer",
      "buffer",
      "buffer",
      "buffer",
    ],
    result: "i32",
  },
  // (desc*, alg, src, diff_weights, diff_bias, diff_dst, strides, dilates, pad_l, pad_r)
  dnnl_dilated_convolution_backward_weights_desc_init: {
    parameters: [
      "buffer",
      "i32",
      "buffer",
      "buffer",
      "buffer",
      "buffer",
      "buffer",
      "buffer",
      "buffer",
      "buffer",
    ],
    result: "i32",
  },
  // (desc*, prop, alg, data, alpha, beta)
  dnnl_eltwise_forward_desc_init: {
    parameters: ["buffer", "i32", "i32", "buffer", "f32", "f32"],
    result: "i32",
  },
  // (desc*, alg, diff_data, data, alpha, beta)
  dnnl_eltwise_backward_desc_init: {
    parameters: ["buffer", "i32", "buffer", "buffer", "f32", "f32"],
    result: "i32",
  },
  // (desc*, alg, src0, src1, dst)
  dnnl_binary_desc_init: { parameters: ["buffer", "i32", "buffer", "buffer", "buffer"], result: "i32" },
  // (desc*, alg, src, dst, p, eps)
  dnnl_reduction_desc_init: {
    parameters: ["buffer", "i32", "buffer", "buffer", "f32", "f32"],
    result: "i32",
  },
  // (desc*, prop, data, epsilon, flags)
  dnnl_batch_normalization_forward_desc_init: {
    parameters: ["buffer", "i32", "buffer", "f32", "u32"],
    result: "i32",
  },
  // (desc*, prop, diff_data, data, epsilon, flags)
  dnnl_batch_normalization_backward_desc_init: {
    parameters: ["buffer", "i32", "buffer", "buffer", "f32", "u32"],
    result: "i32",
  },
  // (desc*, prop, alg, src, dst, strides, kernel, pad_l, pad_r)
  dnnl_pooling_forward_desc_init: {
    parameters: [
      "buffer",
      "i32",
      "i32",
      "buffer",
      "buffer",
      "buffer",
      "buffer",
      "buffer",
      "buffer",
    ],
    result: "i32",
  },
  // (desc*, alg, diff_src, diff_dst, strides, kernel, pad_l, pad_r)
  dnnl_pooling_backward_desc_init: {
    parameters: ["buffer", "i32", "buffer", "buffer", "buffer", "buffer", "buffer", "buffer"],
    result: "i32",
  },
  // (pd*, op_desc, attr, engine, hint_forward_pd)
  dnnl_primitive_desc_create: {
    parameters: ["buffer", "buffer", "pointer", "pointer", "pointer"],
    result: "i32",
  },
  // (pd*, src_md, src_engine, dst_md, dst_engine, attr)
  dnnl_reorder_primitive_desc_create: {
    parameters: ["buffer", "pointer", "pointer", "pointer", "pointer", "pointer"],
    result: "i32",
  },
  dnnl_primitive_desc_query_md: { parameters: ["pointer", "i32", "i32"], result: "pointer" },
  // (pd, what, index, result*)
  dnnl_primitive_desc_query: {
    parameters: ["pointer", "i32", "i32", "buffer"],
    result: "i32",
  },
  dnnl_primitive_desc_destroy: { parameters: ["pointer"], result: "i32" },
  dnnl_primitive_create: { parameters: ["buffer", "pointer"], result: "i32" },
  dnnl_primitive_destroy: { parameters: ["pointer"], result: "i32" },
  // (primitive, stream, nargs, args)
  dnnl_primitive_execute: { parameters: ["pointer", "pointer", "i32", "buffer"], result: "i32" },
  dnnl_primitive_attr_create: { parameters: ["buffer"], result: "i32" },
  dnnl_primitive_attr_destroy: { parameters: ["pointer"], result: "i32" },
  dnnl_primitive_attr_set_post_ops: { parameters: ["pointer", "pointer"], result: "i32" },
  dnnl_post_ops_create: { parameters: ["buffer"], result: "i32" },
  dnnl_post_ops_destroy: { parameters: ["pointer"], result: "i32" },
  // (post_ops, scale, alg, alpha, beta)
  dnnl_post_ops_append_eltwise: {
    parameters: ["pointer", "f32", "i32", "f32", "f32"],
    result: "i32",
  },
  // row-major sgemm: (transa, transb, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc)
  dnnl_sgemm: {
    parameters: [
      "u8",
      "u8",
      "i64",
      "i64",
      "i64",
      "f32",
      "buffer",
      "i64",
      "buffer",
      "i64",
      "f32",
      "buffer",
      "i64",
    ],
    result: "i32",
  },
} as const;

/** The loaded oneDNN library. */
export type DnnlLib = Deno.DynamicLibrary<typeof DNNL_SYMBOLS>;

const GOMP_SYMBOLS = {
  omp_set_num_threads: { parameters: ["i32"], result: "void" },
  omp_get_max_threads: { parameters: [], result: "i32" },
} as const;

/** Result of `loadDnnl`: the library and facts about it, or why it is unavailable. */
export type LoadResult =
  | {
    ok: true;
    lib: DnnlLib;
    /** "major.minor.patch" of the loaded oneDNN. */
    version: string;
    /** oneDNN's effective CPU ISA, e.g. `cpu_isa_avx512_core`. */
    isa: string;
    /** OpenMP threads for compute-bound primitives (0 when oneDNN does not use OpenMP). */
    threads: number;
    /** Sets the OpenMP thread count for the next oneDNN calls (absent without OpenMP). */
    setThreads?: (n: number) => void;
  }
  | { ok: false; reason: string };

/** Options for `loadDnnl`. */
export interface LoadDnnlOptions {
  /** Library file or soname to open (default `libdnnl.so.2`). */
  path?: string;
  /** OpenMP threads for oneDNN (default: OpenMP's own default, normally all cores). */
  threads?: number;
}

const cache = new Map<string, LoadResult>();

function cString(p: Deno.PointerValue): string {
  return p ? new Deno.UnsafePointerView(p).getCString() : "";
}

function ffiGranted(): boolean {
  try {
    return Deno.permissions.querySync({ name: "ffi" }).state === "granted";
  } catch {
    return false;
  }
}

/**
 * Opens oneDNN once per process and path (later calls return the same result). Returns a reason
 * instead of throwing when FFI is not permitted, the library is missing, or its major version
 * is not 2.
 */
export function loadDnnl(options: LoadDnnlOptions = {}): LoadResult {
  const path = options.path ?? "libdnnl.so.2";
  let r = cache.get(path);
  if (!r) {
    r = open(path, options);
    cache.set(path, r);
  }
  return r;
}

function open(path: string, options: LoadDnnlOptions): LoadResult {
  if (typeof Deno?.dlopen !== "function") return { ok: false, reason: "Deno FFI unavailable" };
  if (!ffiGranted()) return { ok: false, reason: "FFI not permitted (run with --allow-ffi)" };
  let lib: DnnlLib;
  try {
    lib = Deno.dlopen(path, DNNL_SYMBOLS);
  } catch (err) {
    const msg = err instanceof Error ? err.message.split("\n")[0] : String(err);
    return { ok: false, reason: `cannot open ${path}: ${msg}` };
  }
  const v = new Deno.UnsafePointerView(lib.symbols.dnnl_version()!);
  const version = `${v.getInt32(0)}.${v.getInt32(4)}.${v.getInt32(8)}`;
  if (v.getInt32(0) !== 2) {
    lib.close();
    return { ok: false, reason: `oneDNN ${version} found; only the 2.x C API is supported` };
  }
  const isa = cString(lib.symbols.dnnl_cpu_isa2str(lib.symbols.dnnl_get_effective_cpu_isa()));
  let threads = 0;
  let setThreads: ((n: number) => void) | undefined;
  try {
    // oneDNN links libgomp; opening it again returns the same instance.
    const gomp = Deno.dlopen("libgomp.so.1", GOMP_SYMBOLS);
    if (options.threads && options.threads > 0) gomp.symbols.omp_set_num_threads(options.threads);
    threads = gomp.symbols.omp_get_max_threads();
    setThreads = (n) => gomp.symbols.omp_set_num_threads(n);
  } catch {
    threads = 0; // a oneDNN built without OpenMP: it manages its own threads
  }
  return { ok: true, lib, version, isa, threads, setThreads };
}

/** Message for a oneDNN status code. */
export function statusText(lib: DnnlLib, status: number): string {
  return cString(lib.symbols.dnnl_status2str(status)) || `status ${status}`;
}
