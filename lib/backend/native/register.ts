/**
 * Registers the `native` backend with tfjs when oneDNN can be loaded, like tfjs-node: detected
 * at run time, and a reason instead of an error when it is not there.
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { NATIVE_BACKEND, NativeBackend, type NativeKernelFunc } from "./backend.ts";
import { Dnnl } from "./dnnl.ts";
import { loadDnnl, type LoadDnnlOptions } from "./ffi.ts";
import { installNativeGradients, NATIVE_GRADIENT_KERNELS } from "./grads.ts";
import { BF16_AWARE_CONV_KERNELS, CONV_KERNELS } from "./kernels_conv.ts";
import {
  BF16_AWARE_ELTWISE_KERNELS,
  ELTWISE_KERNELS,
  NATIVE_ONLY_KERNELS,
} from "./kernels_eltwise.ts";
import { MATMUL_KERNELS } from "./kernels_matmul.ts";
import { POOL_KERNELS } from "./kernels_pool.ts";
import { SOFTMAX_KERNELS } from "./kernels_softmax.ts";
import { profiled } from "./profile.ts";

/** What was loaded, for results and diagnostics. */
export interface NativeBackendInfo {
  /** tfjs backend name (`native`). */
  name: string;
  /** oneDNN version, e.g. `2.6.3`. */
  dnnlVersion: string;
  /** CPU ISA oneDNN dispatches to. */
  isa: string;
  /** OpenMP threads oneDNN uses (0 when unknown). */
  threads: number;
  /** Kernels served natively (others run the cpu backend's JS kernels). */
  kernels: string[];
  /** Kernels whose gradient takes a native path on this backend. */
  gradients: string[];
}

/** Options for `registerNativeBackend`. */
export interface RegisterNativeOptions extends LoadDnnlOptions {
  /** tfjs backend priority (default 0: never chosen unless asked for by name). */
  priority?: number;
  /** Kernels to leave to the cpu backend (for measurements and bisecting). */
  exclude?: string[];
  /** Use the native gradients of `grads.ts` on this backend (default true). */
  nativeGradients?: boolean;
  /** Most bytes of idle output buffers kept for reuse (default 4 GiB). */
  maxPoolBytes?: number;
}

/** Every native kernel by name. */
export const NATIVE_KERNELS: Record<string, NativeKernelFunc> = {
  ...CONV_KERNELS,
  ...ELTWISE_KERNELS,
  ...POOL_KERNELS,
  ...MATMUL_KERNELS,
  ...SOFTMAX_KERNELS,
};

/**
 * Kernels that read bf16-primary inputs as they are (see `Bf16Cache.adopt`): they run inside
 * `NativeBackend.raw`; every other kernel reads its inputs' float32 values, written on access.
 */
const BF16_AWARE = new Set([...BF16_AWARE_CONV_KERNELS, ...BF16_AWARE_ELTWISE_KERNELS]);
/** cpu kernels that only share their input's storage (they look at its entry, not its values). */
const STORAGE_ONLY = new Set<string>([tf.Reshape, tf.Identity]);

/** Runs native kernel `f`, inside `raw` when it is bf16-aware. */
function runNative(
  name: string,
  f: NativeKernelFunc,
  args: Parameters<NativeKernelFunc>[0],
): ReturnType<NativeKernelFunc> {
  return BF16_AWARE.has(name) ? args.backend.raw(() => f(args)) : f(args);
}

let registered: NativeBackendInfo | undefined;
const stats = new Map<string, { native: number; fallback: number }>();

/**
 * Calls per native kernel since registration: `native` ran on oneDNN, `fallback` went to the cpu
 * kernel (unsupported dtype or attributes). Pass `reset` to zero the counters.
 */
export function nativeKernelStats(
  reset = false,
): Record<string, { native: number; fallback: number }> {
  const out = Object.fromEntries([...stats].map(([k, v]) => [k, { ...v }]));
  if (reset) stats.clear();
  return out;
}

function count(name: string, native: boolean): void {
  let s = stats.get(name);
  if (!s) stats.set(name, s = { native: 0, fallback: 0 });
  if (native) s.native++;
  else s.fallback++;
}

/** The registered backend's info, or undefined before a successful `registerNativeBackend`. */
export function nativeBackendInfo(): NativeBackendInfo | undefined {
  return registered;
}

/**
 * Loads oneDNN and registers the `native` backend (activate it with `tf.setBackend("native")`).
 * Resolves to undefined on success, or to the reason it is unavailable (library missing, FFI
 * not permitted, wrong oneDNN major version). Needs `--allow-ffi`. Once registered, later calls
 * are no-ops (their options are ignored) unless their library cannot be loaded.
 */
export function registerNativeBackend(
  options: RegisterNativeOptions = {},
): Promise<string | undefined> {
  const loaded = loadDnnl(options);
  if (!loaded.ok) return Promise.resolve(loaded.reason);
  if (registered) return Promise.resolve(undefined);
  let dnnl: Dnnl;
  try {
    dnnl = new Dnnl(loaded.lib, { threads: loaded.threads, setThreads: loaded.setThreads });
  } catch (err) {
    return Promise.resolve(err instanceof Error ? err.message : String(err));
  }
  const exclude = new Set(options.exclude ?? []);
  const native = Object.entries(NATIVE_KERNELS).filter(([name]) => !exclude.has(name));
  for (const cpu of tf.getKernelsForBackend("cpu")) {
    const mine = native.find(([name]) => name === cpu.kernelName)?.[1];
    const cpuFunc = cpu.kernelFunc;
    const name = cpu.kernelName;
    const kernelFunc = mine
      ? ((args: Parameters<tf.KernelFunc>[0]) =>
        profiled(name, () => {
          const out = runNative(name, mine, args as Parameters<NativeKernelFunc>[0]);
          count(name, out !== undefined);
          return out ?? cpuFunc(args);
        })) as tf.KernelFunc
      : STORAGE_ONLY.has(name)
      ? ((args: Parameters<tf.KernelFunc>[0]) =>
        profiled(
          name,
          () => (args.backend as NativeBackend).raw(() => cpuFunc(args)),
        )) as tf.KernelFunc
      : ((args: Parameters<tf.KernelFunc>[0]) =>
        profiled(name, () => cpuFunc(args))) as tf.KernelFunc;
    tf.registerKernel({ ...cpu, backendName: NATIVE_BACKEND, kernelFunc });
  }
  for (const [kernelName, func] of Object.entries(NATIVE_ONLY_KERNELS)) {
    const kernelFunc = ((args: Parameters<tf.KernelFunc>[0]) =>
      profiled(kernelName, () => {
        count(kernelName, true);
        return runNative(kernelName, func, args as Parameters<NativeKernelFunc>[0])!;
      })) as tf.KernelFunc;
    tf.registerKernel({ kernelName, backendName: NATIVE_BACKEND, kernelFunc });
  }
  const nativeGradients = options.nativeGradients ?? true;
  if (nativeGradients) installNativeGradients();
  tf.registerBackend(
    NATIVE_BACKEND,
    () => new NativeBackend(dnnl, { maxPoolBytes: options.maxPoolBytes }),
    options.priority ?? 0,
  );
  registered = {
    name: NATIVE_BACKEND,
    dnnlVersion: loaded.version,
    isa: loaded.isa,
    threads: loaded.threads,
    kernels: native.map(([name]) => name).sort(),
    gradients: nativeGradients ? NATIVE_GRADIENT_KERNELS : [],
  };
  return Promise.resolve(undefined);
}
