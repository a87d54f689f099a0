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
  dnnl_binary_desc_init: {
    parameters: ["buffer", "i32", "buffer", "buffer", "buffer"],
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
  /**
   * Library file to open. Default: `libdnnl.so.2` in the usual library folders, then by soname
   * through the dynamic loader.
   */
  path?: string;
  /** OpenMP threads for oneDNN (default: OpenMP's own default, normally all cores). */
  threads?: number;
}

const cache = new Map<string, LoadResult>();

function cString(p: Deno.PointerValue): string {
  return p ? new Deno.UnsafePointerView(p).getCString() : "";
}

function granted(path?: string): boolean {
  try {
    const desc: Deno.PermissionDescriptor = path ? { name: "ffi", path } : { name: "ffi" };
    return Deno.permissions.querySync(desc).state === "granted";
  } catch {
    return false;
  }
}

/** Absolute candidates for a shared library, then its bare soname. */
export function libraryCandidates(soname: string): string[] {
  const arch = Deno.build.arch === "aarch64" ? "aarch64-linux-gnu" : "x86_64-linux-gnu";
  const dirs = [`/usr/lib/${arch}`, `/lib/${arch}`, "/usr/lib64", "/usr/local/lib", "/usr/lib"];
  return [...dirs.map((d) => `${d}/${soname}`), soname];
}

/** Opens the first candidate that is permitted and exists; the reasons otherwise. */
function openFirst<S extends Deno.ForeignLibraryInterface>(
  candidates: string[],
  symbols: S,
): { lib: Deno.DynamicLibrary<S> } | { reason: string } {
  const denied: string[] = [];
  const missing: string[] = [];
  for (const path of candidates) {
    if (!granted(path)) {
      denied.push(path);
      continue;
    }
    try {
      return { lib: Deno.dlopen(path, symbols) };
    } catch (err) {
      const msg = err instanceof Error ? err.message.split("\n")[0]! : String(err);
      missing.push(/cannot open shared object|No such file/i.test(msg) ? path : `${path} (${msg})`);
    }
  }
  if (missing.length === 0) return { reason: `FFI not permitted for ${denied.join(", ")}` };
  return { reason: `cannot open ${missing.join(", ")}` };
}

/**
 * Opens oneDNN once per process and path (later calls return the same result). Returns a reason
 * instead of throwing when FFI is not permitted, the library is missing, or its major version
 * is not 2.
 */
export function loadDnnl(options: LoadDnnlOptions = {}): LoadResult {
  const key = options.path ?? "";
  let r = cache.get(key);
  if (!r) {
    r = open(options);
    cache.set(key, r);
  }
  return r;
}

function open(options: LoadDnnlOptions): LoadResult {
  if (typeof Deno?.dlopen !== "function") return { ok: false, reason: "Deno FFI unavailable" };
  // Pointer access (UnsafePointerView) needs the unscoped permission, not --allow-ffi=<path>.
  if (!granted()) return { ok: false, reason: "FFI not permitted (run with --allow-ffi)" };
  const opened = openFirst(
    options.path ? [options.path] : libraryCandidates("libdnnl.so.2"),
    DNNL_SYMBOLS,
  );
  if ("reason" in opened) return { ok: false, reason: opened.reason };
  const lib = opened.lib;
  const v = new Deno.UnsafePointerView(lib.symbols.dnnl_version()!);
  const version = `${v.getInt32(0)}.${v.getInt32(4)}.${v.getInt32(8)}`;
  if (v.getInt32(0) !== 2) {
    lib.close();
    return { ok: false, reason: `oneDNN ${version} found; only the 2.x C API is supported` };
  }
  const isa = cString(lib.symbols.dnnl_cpu_isa2str(lib.symbols.dnnl_get_effective_cpu_isa()));
  let threads = 0;
  let setThreads: ((n: number) => void) | undefined;
  // oneDNN links libgomp; opening it again returns the same instance.
  const gomp = openFirst(libraryCandidates("libgomp.so.1"), GOMP_SYMBOLS);
  if ("lib" in gomp) {
    const g = gomp.lib.symbols;
    if (options.threads && options.threads > 0) g.omp_set_num_threads(options.threads);
    threads = g.omp_get_max_threads();
    setThreads = (n) => g.omp_set_num_threads(n);
  }
  return { ok: true, lib, version, isa, threads, setThreads };
}

/** Message for a oneDNN status code. */
export function statusText(lib: DnnlLib, status: number): string {
  return cString(lib.symbols.dnnl_status2str(status)) || `status ${status}`;
}
