/**
 * The versioned result record every run writes (one JSON file per run), and its checks.
 * Results are typed records in a fixed folder layout, never metadata encoded in file names.
 * @module
 */
import type { BackendInfo } from "../backend/select.ts";
import type { OneVsRestMeta } from "../data/one_vs_rest.ts";

/** Schema identifier of {@linkcode RunResult}; bump on incompatible changes. */
export const RESULT_SCHEMA = "geomad.result/v1";

/** Metrics of one score variant. AUROC uses normal as positive, as the paper does. */
export interface ScoreMetrics {
  auroc: number;
  auprNormal: number;
  auprAnomaly: number;
  fpr95: number;
  /** Downsampled ROC curve (normal positive) for plots. */
  roc?: { fpr: number[]; tpr: number[] };
}

/** Where the data came from: source, files with checksums, subset sizes, preprocessing. */
export type DataRecord = OneVsRestMeta;

/** One run of one method on one (dataset, normal class, seed). */
export interface RunResult {
  schema: typeof RESULT_SCHEMA;
  status: "ok" | "failed";
  /** Reason when status is "failed". */
  error?: string;
  method: string;
  dataset: string;
  normalClass: number;
  normalClassName: string;
  seed: number;
  preset: string;
  hyperparameters: Record<string, unknown>;
  backend: BackendInfo;
  versions: Record<string, string>;
  data: DataRecord;
  timings: { fitSeconds: number; scoreSeconds: number; totalSeconds: number };
  /** Metrics per score variant (e.g. dirichlet, simple). Empty when failed. */
  metrics: Record<string, ScoreMetrics>;
  /** Fitted state summary from the detector. */
  state: Record<string, unknown>;
  createdAt: string;
}

/** Versions of the runtime pieces, recorded in every result. */
export function runtimeVersions(tfjsVersion: string): Record<string, string> {
  return {
    geomad: GEOMAD_VERSION,
    deno: Deno.version.deno,
    v8: Deno.version.v8,
    typescript: Deno.version.typescript,
    tfjs: tfjsVersion,
  };
}

/** geomad's own version. */
export const GEOMAD_VERSION = "0.1.0";

/** Throws a TypeError when `x` is not a well-formed {@linkcode RunResult}. */
export function assertRunResult(x: unknown, where = "result"): asserts x is RunResult {
  const r = x as Partial<RunResult>;
  if (typeof x !== "object" || x === null) {
    throw new TypeError(`Cannot read ${where}: not an object`);
  }
  if (r.schema !== RESULT_SCHEMA) {
    throw new TypeError(`Cannot read ${where}: schema '${r.schema}' is not ${RESULT_SCHEMA}`);
  }
  for (const k of ["method", "dataset", "preset", "status"] as const) {
    if (typeof r[k] !== "string") throw new TypeError(`Cannot read ${where}: '${k}' missing`);
  }
  for (const k of ["normalClass", "seed"] as const) {
    if (typeof r[k] !== "number") throw new TypeError(`Cannot read ${where}: '${k}' missing`);
  }
  if (typeof r.metrics !== "object" || r.metrics === null) {
    throw new TypeError(`Cannot read ${where}: 'metrics' missing`);
  }
}

/** Reads and checks a result file. */
export async function readRunResult(path: string): Promise<RunResult> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(await Deno.readTextFile(path));
  } catch (err) {
    throw new TypeError(`Cannot read result ${path}: ${err instanceof Error ? err.message : err}`);
  }
  assertRunResult(parsed, path);
  return parsed;
}

/** The canonical path of a run's result: `<root>/<method>/<dataset>/class-<c>/seed-<s>.json`. */
export function resultPath(
  root: string,
  r: Pick<RunResult, "method" | "dataset" | "normalClass" | "seed" | "preset">,
): string {
  return `${root}/${r.method}/${r.dataset}/${r.preset}/class-${r.normalClass}/seed-${r.seed}.json`;
}
