/**
 * Compute backend selection (and the precision of a run), in one place. Order for `auto`: `tensorflow` (tfjs-node, or
 * tfjs-node-gpu, when its native library loads), then `native` (geomad's oneDNN kernels through
 * Deno FFI, when Debian's libdnnl2 is installed and --allow-ffi is granted), then `wasm`, then
 * `cpu`. `webgpu` only when asked for and Deno sees a GPU adapter.
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { setWasmPaths } from "@tensorflow/tfjs-backend-wasm";
import { createRequire } from "node:module";
import { dirname } from "node:path";
import { UsageError } from "../util/errors.ts";
import { type Precision, type PrecisionRequest, resolvePrecision } from "./precision.ts";

/** Backends geomad can run on. */
export const BACKENDS = ["auto", "tensorflow", "native", "wasm", "cpu", "webgpu"] as const;
/** A backend name. */
export type BackendName = (typeof BACKENDS)[number];

/** What was selected, recorded in every result. */
export interface BackendInfo {
  /** tfjs backend name actually in use (`tensorflow`, `native`, `wasm`, `cpu`, `webgpu`). */
  name: string;
  /** What was asked for. */
  requested: BackendName;
  /** Why earlier candidates were skipped (for `auto`). */
  skipped: string[];
  /** tfjs version. */
  tfjsVersion: string;
  /** Extra kernels registered by geomad on this backend (e.g. `wasm-grad-kernels`). */
  extensions: string[];
  /** Arithmetic of the convolutions: `bf16` only on `native` (see lib/backend/precision.ts). */
  precision: Precision;
  /** What was asked for (`auto` unless a run said otherwise). */
  precisionRequested: PrecisionRequest;
  /** oneDNN's effective ISA on `native` (e.g. `cpu_isa_avx512_core_amx`). */
  isa?: string;
}

/** Options for {@linkcode initBackend}. */
export interface InitBackendOptions {
  /** Precision request (default `auto`). */
  precision?: PrecisionRequest;
}

let current: BackendInfo | undefined;
const hooks: Array<(name: string) => string | undefined> = [];

/**
 * Registers a hook called after a backend is activated (for kernels of one's own; geomad's are
 * registered by `initBackend` itself). It returns an extension name to record, or undefined.
 */
export function onBackendReady(hook: (name: string) => string | undefined): void {
  hooks.push(hook);
}

/** Parses a backend name from a CLI flag. */
export function parseBackend(name: string | undefined): BackendName {
  const n = name ?? "auto";
  if (!(BACKENDS as readonly string[]).includes(n)) {
    throw new UsageError(`unknown backend '${n}' (choose from ${BACKENDS.join(", ")})`);
  }
  return n as BackendName;
}

async function tryTensorflow(): Promise<string | undefined> {
  for (const pkg of ["@tensorflow/tfjs-node-gpu", "@tensorflow/tfjs-node"]) {
    try {
      await import(pkg);
      if (tf.findBackend("tensorflow")) {
        if (await tf.setBackend("tensorflow")) return undefined;
      }
    } catch (err) {
      if (pkg === "@tensorflow/tfjs-node") {
        const msg = err instanceof Error ? err.message.split("\n")[0] : String(err);
        return `tensorflow: ${msg}`;
      }
    }
  }
  return "tensorflow: backend did not initialise";
}

async function tryNative(): Promise<string | undefined> {
  try {
    const { registerNativeBackend } = await import("./native/mod.ts");
    const why = await registerNativeBackend();
    if (why !== undefined) return `native: ${why}`;
    if (await tf.setBackend("native")) return undefined;
    return "native: backend did not initialise";
  } catch (err) {
    return `native: ${err instanceof Error ? err.message.split("\n")[0] : String(err)}`;
  }
}

async function tryWasm(): Promise<string | undefined> {
  try {
    const require = createRequire(import.meta.url);
    const entry = require.resolve("@tensorflow/tfjs-backend-wasm");
    setWasmPaths(`file://${dirname(entry)}/`);
    if (await tf.setBackend("wasm")) return undefined;
    return "wasm: backend did not initialise";
  } catch (err) {
    return `wasm: ${err instanceof Error ? err.message.split("\n")[0] : String(err)}`;
  }
}

async function tryWebgpu(): Promise<string | undefined> {
  try {
    // deno-lint-ignore no-explicit-any
    const gpu = (navigator as any).gpu;
    if (!gpu || !(await gpu.requestAdapter())) return "webgpu: no GPU adapter";
    await import("@tensorflow/tfjs-backend-webgpu");
    if (await tf.setBackend("webgpu")) return undefined;
    return "webgpu: backend did not initialise";
  } catch (err) {
    return `webgpu: ${err instanceof Error ? err.message.split("\n")[0] : String(err)}`;
  }
}

/** Resolves `request` on the active backend and sets the native backend's precision. */
async function withPrecision(
  info: Omit<BackendInfo, "precision" | "precisionRequested" | "isa">,
  request: PrecisionRequest,
): Promise<BackendInfo> {
  let isa: string | undefined;
  if (info.name === "native") {
    const native = await import("./native/mod.ts");
    isa = native.nativeBackendInfo()?.isa;
    const precision = resolvePrecision(request, { backend: info.name, isa });
    (tf.backend() as unknown as { precision: Precision }).precision = precision;
    return { ...info, precision, precisionRequested: request, isa };
  }
  const precision = resolvePrecision(request, { backend: info.name });
  return { ...info, precision, precisionRequested: request };
}

/**
 * Activates a backend and returns what is in use: the one explicit start of computation (no
 * module of geomad starts or changes a backend on import). `auto` tries tensorflow, native,
 * wasm, cpu in order; wasm starts with geomad's gradient kernels (lib/backend/wasm_kernels),
 * native registers its oneDNN kernels (lib/backend/native). A forced backend that cannot start is an error, and so is `precision: "bf16"` where it
 * cannot be honoured. Calling again with the same backend request only updates the precision.
 */
export async function initBackend(
  requested: BackendName = "auto",
  options: InitBackendOptions = {},
): Promise<BackendInfo> {
  const precision = options.precision ?? "auto";
  if (current && (current.requested === requested || requested === "auto")) {
    return current = await withPrecision(current, precision);
  }
  const skipped: string[] = [];
  const attempts: Record<string, () => Promise<string | undefined>> = {
    tensorflow: tryTensorflow,
    native: tryNative,
    wasm: tryWasm,
    webgpu: tryWebgpu,
    cpu: async () => ((await tf.setBackend("cpu")) ? undefined : "cpu: did not initialise"),
  };
  const order = requested === "auto" ? ["tensorflow", "native", "wasm", "cpu"] : [requested];
  let chosen: string | undefined;
  for (const name of order) {
    const why = await attempts[name]!();
    if (why === undefined) {
      chosen = name;
      break;
    }
    skipped.push(why);
  }
  if (!chosen) {
    throw new UsageError(`cannot start backend '${requested}': ${skipped.join("; ")}`);
  }
  await tf.ready();
  const extensions: string[] = [];
  if (tf.getBackend() === "wasm") {
    // geomad's gradient kernels are part of starting wasm (loaded here, not on import).
    const { registerWasmKernels } = await import("./wasm_kernels/mod.ts");
    extensions.push(registerWasmKernels());
  }
  for (const hook of hooks) {
    const ext = hook(tf.getBackend());
    if (ext) extensions.push(ext);
  }
  const info = {
    name: tf.getBackend(),
    requested,
    skipped,
    tfjsVersion: tf.version.tfjs,
    extensions,
  };
  current = await withPrecision(info, precision);
  return current;
}

/** The active backend's info, or undefined before `initBackend`. */
export function backendInfo(): BackendInfo | undefined {
  return current;
}
