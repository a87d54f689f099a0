/**
 * Arithmetic precision of a run: `fp32` everywhere, or `bf16` convolutions (f32 accumulation,
 * f32 master weights, optimiser, batch norm, softmax and scores) on the native oneDNN backend
 * where the CPU has AMX or AVX512-BF16. `auto` picks bf16 where that holds and bf16's fidelity
 * has been measured (see {@linkcode BF16_AUTO}), fp32 elsewhere.
 * @module
 */
import { UsageError } from "../util/errors.ts";

/** Precision requests. */
export const PRECISIONS = ["fp32", "bf16", "auto"] as const;
/** A precision request. */
export type PrecisionRequest = (typeof PRECISIONS)[number];
/** A resolved precision. */
export type Precision = Exclude<PrecisionRequest, "auto">;

/**
 * Whether `auto` may choose bf16: true since bf16 was measured to give fp32's AUROCs
 * (docs/performance.md, "Fidelity"): the quick-preset sweep of all ten Fashion-MNIST classes
 * within the limits (mean |difference| <= 0.005, every class <= 0.015), and the paper-preset pair
 * of class 0 at the same commit on the same CPU within the per-class limit. `auto` = bf16 wherever it is supported.
 */
export const BF16_AUTO = true;

/** Parses `--precision` (default `auto`). Throws UsageError for anything else. */
export function parsePrecision(value: string | undefined): PrecisionRequest {
  const v = value ?? "auto";
  if (!(PRECISIONS as readonly string[]).includes(v)) {
    throw new UsageError(`unknown precision '${v}' (choose from ${PRECISIONS.join(", ")})`);
  }
  return v as PrecisionRequest;
}

/**
 * Whether oneDNN's effective ISA (`dnnl_cpu_isa2str`, which honours `ONEDNN_MAX_CPU_ISA`) has
 * native bf16 arithmetic: AVX512-BF16 or AMX.
 */
export function isaHasBf16(isa: string): boolean {
  return /avx512_core_bf16|amx|avx10/.test(isa.toLowerCase());
}

/** Options for {@linkcode resolvePrecision}. */
export interface ResolvePrecisionOptions {
  /** The tfjs backend in use. */
  backend: string;
  /** oneDNN's effective ISA when the backend is `native`. */
  isa?: string;
  /** Override of {@linkcode BF16_AUTO} (tests). */
  bf16Auto?: boolean;
}

/**
 * The precision a request gets on a backend: `bf16` only on `native` with a bf16 ISA (asked for
 * explicitly, or by `auto` once {@linkcode BF16_AUTO} holds). Throws UsageError for an explicit
 * `bf16` that cannot be honoured.
 */
export function resolvePrecision(
  request: PrecisionRequest,
  options: ResolvePrecisionOptions,
): Precision {
  if (request === "fp32") return "fp32";
  const why = options.backend !== "native"
    ? `backend '${options.backend}' computes in fp32 only (bf16 needs the native oneDNN backend)`
    : !isaHasBf16(options.isa ?? "")
    ? `the CPU (oneDNN ISA ${options.isa ?? "unknown"}) has no AMX or AVX512-BF16`
    : undefined;
  if (request === "bf16") {
    if (why) throw new UsageError(`cannot run in bf16: ${why}`);
    return "bf16";
  }
  return why === undefined && (options.bf16Auto ?? BF16_AUTO) ? "bf16" : "fp32";
}
