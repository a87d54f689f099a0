/**
 * The versioned result record every run writes (one JSON file per run), and its checks.
 * Results are typed records in a fixed folder layout, never metadata encoded in file names.
 * @module
 */
import type { BackendInfo } from "../backend/select.ts";
import type { OneVsRestMeta } from "../data/one_vs_rest.ts";
import type { ClassAuroc } from "../metrics/by_class.ts";
import { createHash } from "node:crypto";
import { writeJsonAtomic } from "../util/atomic.ts";
import { gitCommit } from "../util/git_commit.ts";
import { DataError, oneLine } from "../util/errors.ts";

/** Schema identifier of {@linkcode RunResult}; bump on incompatible changes. */
export const RESULT_SCHEMA = "geomad.result/v1";

/** Metrics of one score variant. AUROC uses normal as positive, as the paper does. */
export interface ScoreMetrics {
  auroc: number;
  /**
   * DeLong's standard error of `auroc` over test sets of this size (test-set sampling only; absent
   * in records written before geomad kept it, or with a single normal or anomalous test image).
   */
  aurocSe?: number;
  auprNormal: number;
  auprAnomaly: number;
  fpr95: number;
  /** Downsampled ROC curve (normal positive) for plots. */
  roc?: { fpr: number[]; tpr: number[] };
  /**
   * AUROC of the normal class against each anomalous class on its own, in class order (records
   * written before geomad kept it lack it).
   */
  byClass?: ClassAuroc[];
  /**
   * Every score but the run's first: its AUROC minus the first score's on the same test images,
   * with DeLong's paired standard error and two-sided p-value (records since 2026-12-06).
   */
  vsFirst?: ScoreDifference;
}

/** One score's AUROC against another's on the same test images (DeLong's paired test). */
export interface ScoreDifference {
  /** The score compared with (the run's first). */
  score: string;
  /** This score's AUROC minus that score's. */
  diff: number;
  /** DeLong's standard error of `diff` over test sets (0 when both rank every pair alike). */
  se: number;
  /** Two-sided p-value of diff = 0 (normal approximation). */
  p: number;
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
  /** SHA-256 of the record without this field ({@linkcode resultDigest}). */
  digest?: string;
}

/** Versions of the runtime pieces, recorded in every result. */
export function runtimeVersions(tfjsVersion: string): Record<string, string> {
  return {
    geomad: GEOMAD_VERSION,
    deno: Deno.version.deno,
    v8: Deno.version.v8,
    typescript: Deno.version.typescript,
    tfjs: tfjsVersion,
    ...(COMMIT ? { commit: COMMIT } : {}),
  };
}

/** The git commit of this checkout, when it is one (read once). */
const COMMIT = gitCommit();

/** geomad's own version. */
export const GEOMAD_VERSION = "0.1.0";

/**
 * The content digest of a record: SHA-256 (hex) of its JSON without the `digest` field. Every
 * record written by {@linkcode writeRunResult} carries it, so a hand-edited, truncated or
 * otherwise changed record is detected on reading instead of trusted.
 */
export function resultDigest(record: RunResult): string {
  const { digest: _, ...rest } = record;
  return createHash("sha256").update(JSON.stringify(rest)).digest("hex");
}

/** The record with its content digest set (last field). */
export function withDigest(record: RunResult): RunResult {
  const { digest: _, ...rest } = record;
  return { ...rest, digest: resultDigest(rest as RunResult) };
}

/** Writes a result record atomically, with its content digest. */
export function writeRunResult(path: string, record: RunResult): Promise<void> {
  return writeJsonAtomic(path, withDigest(record));
}

/**
 * The key of a run: `<method>/<dataset>/<preset>/class-<c>/seed-<s>`, what its canonical path
 * ({@linkcode resultPath}) is made of. Two records with different keys are different runs.
 */
export function runKey(
  r: Pick<RunResult, "method" | "dataset" | "normalClass" | "seed" | "preset">,
): string {
  return `${r.method}/${r.dataset}/${r.preset}/class-${r.normalClass}/seed-${r.seed}`;
}

const METRIC_FIELDS = ["auroc", "auprNormal", "auprAnomaly", "fpr95"] as const;

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function isUnit(v: unknown): v is number {
  return typeof v === "number" && Number.isFinite(v) && v >= 0 && v <= 1;
}

/** Why a `byClass` list is not AUROCs of distinct anomalous classes in class order. */
function byClassProblem(v: unknown, normalClass: number): string | undefined {
  if (!Array.isArray(v)) return "is not a list";
  let last = -1;
  for (const e of v) {
    if (
      !isPlainObject(e) || !Number.isSafeInteger(e.class) || typeof e.name !== "string" ||
      !Number.isSafeInteger(e.n) || (e.n as number) < 1 || !isUnit(e.auroc)
    ) return "holds an entry that is not {class, name, n >= 1, auroc in [0, 1]}";
    const c = e.class as number;
    if (c <= last || c === normalClass) {
      return `lists class ${c} out of order, twice, or as its own anomaly`;
    }
    last = c;
  }
  return undefined;
}

/** Why `x` is not a valid {@linkcode RunResult}, or undefined when it is. */
export function resultProblem(x: unknown): string | undefined {
  if (!isPlainObject(x)) return "not a JSON object";
  const r = x as Partial<RunResult> & Record<string, unknown>;
  if (r.schema !== RESULT_SCHEMA) return `schema '${r.schema}' is not ${RESULT_SCHEMA}`;
  for (const k of ["method", "dataset", "preset", "normalClassName", "createdAt"] as const) {
    if (typeof r[k] !== "string" || r[k] === "") return `'${k}' is missing or not a string`;
  }
  if (r.status !== "ok" && r.status !== "failed") {
    return `'status' ${JSON.stringify(r.status)} is not ok or failed`;
  }
  if (!Number.isSafeInteger(r.normalClass) || r.normalClass! < 0) {
    return `'normalClass' ${JSON.stringify(r.normalClass)} is not an integer >= 0`;
  }
  if (!Number.isSafeInteger(r.seed) || r.seed! < 0 || r.seed! >= 2 ** 32) {
    return `'seed' ${JSON.stringify(r.seed)} is not an integer in [0, 2^32)`;
  }
  for (const k of ["hyperparameters", "backend", "versions", "data", "state"] as const) {
    if (!isPlainObject(r[k])) return `'${k}' is missing or not an object`;
  }
  const t = r.timings;
  if (!isPlainObject(t)) return "'timings' is missing or not an object";
  for (const k of ["fitSeconds", "scoreSeconds", "totalSeconds"] as const) {
    const v = t[k];
    if (typeof v !== "number" || !Number.isFinite(v) || v < 0) {
      return `'timings.${k}' ${JSON.stringify(v)} is not a finite number >= 0`;
    }
  }
  if (!isPlainObject(r.metrics)) return "'metrics' is missing or not an object";
  const names = Object.keys(r.metrics);
  if (r.status === "failed") {
    if (typeof r.error !== "string") return "status failed without an 'error' string";
  } else if (names.length === 0) return "status ok but 'metrics' is empty";
  for (const name of names) {
    const m = r.metrics[name];
    if (!isPlainObject(m)) return `'metrics.${name}' is not an object`;
    for (const k of METRIC_FIELDS) {
      if (!isUnit(m[k])) return `'metrics.${name}.${k}' ${JSON.stringify(m[k])} is not in [0, 1]`;
    }
    if (m.aurocSe !== undefined && !isUnit(m.aurocSe)) {
      return `'metrics.${name}.aurocSe' ${JSON.stringify(m.aurocSe)} is not in [0, 1]`;
    }
    if (m.roc !== undefined) {
      const roc = m.roc as unknown;
      if (
        !isPlainObject(roc) || !Array.isArray(roc.fpr) || !Array.isArray(roc.tpr) ||
        roc.fpr.length !== roc.tpr.length || !roc.fpr.every(isUnit) || !roc.tpr.every(isUnit)
      ) return `'metrics.${name}.roc' is not two equal-length lists of numbers in [0, 1]`;
    }
    if (m.byClass !== undefined) {
      const why = byClassProblem(m.byClass, r.normalClass!);
      if (why) return `'metrics.${name}.byClass' ${why}`;
    }
    if (m.vsFirst !== undefined) {
      const v = m.vsFirst as unknown;
      const ok = isPlainObject(v) && typeof v.score === "string" && v.score !== name &&
        Object.hasOwn(r.metrics, v.score) &&
        typeof v.diff === "number" && Math.abs(v.diff) <= 1 && isUnit(v.se) && isUnit(v.p);
      if (!ok) {
        return `'metrics.${name}.vsFirst' is not {score (another score), diff in [-1, 1], se, p}`;
      }
    }
  }
  const scores = (r.hyperparameters as Record<string, unknown>).scores;
  if (r.status === "ok" && Array.isArray(scores)) {
    const missing = scores.find((s) => typeof s !== "string" || !Object.hasOwn(r.metrics!, s));
    if (missing !== undefined) return `score ${JSON.stringify(missing)} has no metrics`;
  }
  if (typeof r.digest !== "string") return "no content digest (written by an older geomad)";
  if (r.digest !== resultDigest(r as RunResult)) {
    return "content digest mismatch (the record was changed after it was written)";
  }
  return undefined;
}

/**
 * Throws a `DataError` when `x` is not a valid {@linkcode RunResult}: required fields with
 * their types, metrics finite and in [0, 1] (a `byClass` breakdown, when present, lists
 * distinct anomalous classes in order, each with n >= 1), every listed score present when ok,
 * an error when failed, and a content digest that matches.
 */
export function assertRunResult(x: unknown, where = "result"): asserts x is RunResult {
  const why = resultProblem(x);
  if (why) throw new DataError(`Cannot read ${where}: ${why}`);
}

/** Parses and validates the text of a result file ({@linkcode assertRunResult}). */
export function parseRunResult(text: string, where = "result"): RunResult {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new DataError(`Cannot read result ${where}: ${oneLine(err)}`);
  }
  assertRunResult(parsed, where);
  return parsed;
}

/** Reads and validates a result file ({@linkcode assertRunResult}); DataError otherwise. */
export async function readRunResult(path: string): Promise<RunResult> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (err) {
    throw new DataError(`Cannot read result ${path}: ${oneLine(err)}`);
  }
  return parseRunResult(text, path);
}

/**
 * The canonical path of a run's result:
 * `<root>/<method>/<dataset>/<preset>/class-<c>/seed-<s>.json`.
 */
export function resultPath(
  root: string,
  r: Pick<RunResult, "method" | "dataset" | "normalClass" | "seed" | "preset">,
): string {
  return `${root}/${r.method}/${r.dataset}/${r.preset}/class-${r.normalClass}/seed-${r.seed}.json`;
}
