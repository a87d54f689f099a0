/**
 * A tolerant reader of experiment result JSON files for the report.
 *
 * It reads these fields of each record (lib/experiments' `RunResult` has them; everything
 * else is ignored):
 * - `method` (string, required), `dataset` (string, required)
 * - `normalClass` (number or string, required)
 * - `normalClassName` (string, optional), `seed` (number, optional), `preset` (optional)
 * - `status` (optional): a record with status "failed" is skipped, its `error` the reason
 * - `metrics` (object, required): score name -> `{ auroc?, aurocSe?, auprNormal?, auprAnomaly?,
 *   fpr95?, roc?: { fpr: number[], tpr: number[] }, byClass?: [{ class, name?, auroc }] }`, as
 *   lib/experiments/result.ts writes them; a metric that is absent or not a finite number shows
 *   as missing; a ROC with unequal or empty arrays is dropped; a `byClass` entry without an
 *   integer class and a finite AUROC, for the normal class itself or for a class already
 *   listed, is dropped.
 *
 * A file holds one record, an array of records, or `{ "results": [records] }`.
 * @module
 */
import { join, relative } from "node:path";
import { DataError } from "../util/errors.ts";

/** Points of a ROC curve. */
export interface RocPoints {
  fpr: number[];
  tpr: number[];
}

/** The metrics of one score. */
export interface ReportMetrics {
  auroc?: number;
  /** DeLong's standard error of the AUROC over test sets (records since 2026-12-06). */
  aurocSe?: number;
  auprNormal?: number;
  auprAnomaly?: number;
  fpr95?: number;
  /** ROC curve points (normal positive). */
  roc?: RocPoints;
  /** AUROC of the normal class against each anomalous class on its own. */
  byClass?: ReportClassAuroc[];
}

/** One entry of {@link ReportMetrics.byClass}. */
export interface ReportClassAuroc {
  class: number;
  name?: string;
  auroc: number;
}

/** One result record as the report uses it. */
export interface ReportRecord {
  /** The file it came from (relative to the folder read). */
  source: string;
  method: string;
  dataset: string;
  normalClass: number | string;
  normalClassName?: string;
  seed?: number;
  preset?: string;
  /** Score name -> metrics. */
  metrics: Record<string, ReportMetrics>;
}

/** What {@link readResults} found. */
export interface ReportRecordSet {
  records: ReportRecord[];
  /** Files (or records within files) that were not results, with the reason. */
  skipped: { source: string; reason: string }[];
}

const METRIC_NAMES = ["auroc", "aurocSe", "auprNormal", "auprAnomaly", "fpr95"] as const;

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function numbers(v: unknown): number[] | undefined {
  return Array.isArray(v) && v.every((x) => typeof x === "number" && Number.isFinite(x))
    ? v as number[]
    : undefined;
}

/** A normal class as a class number where it is one written as text ("3" is class 3). */
export function classKey(normalClass: number | string): number | string {
  return typeof normalClass === "string" && /^\d+$/.test(normalClass)
    ? Number(normalClass)
    : normalClass;
}

/**
 * A `byClass` list's well-formed entries (integer class other than the normal class, listed
 * once, and a finite AUROC), or undefined when none is.
 */
function classAurocs(v: unknown, normalClass: number | string): ReportClassAuroc[] | undefined {
  if (!Array.isArray(v)) return undefined;
  const out: ReportClassAuroc[] = [];
  const seen = new Set<unknown>([classKey(normalClass)]);
  for (const e of v) {
    if (!isObject(e) || !Number.isSafeInteger(e.class) || seen.has(e.class)) continue;
    if (typeof e.auroc !== "number" || !Number.isFinite(e.auroc)) continue;
    seen.add(e.class);
    out.push({
      class: e.class as number,
      ...(typeof e.name === "string" ? { name: e.name } : {}),
      auroc: e.auroc,
    });
  }
  return out.length > 0 ? out : undefined;
}

/**
 * One record from parsed JSON. Throws DataError naming the first missing or mistyped
 * required field.
 */
export function parseResult(value: unknown, source: string): ReportRecord {
  if (!isObject(value)) throw new DataError(`Cannot read result ${source}: not an object`);
  if (value.status === "failed") {
    const why = typeof value.error === "string" ? value.error : "no reason given";
    throw new DataError(`Cannot report result ${source}: the run failed: ${why}`);
  }
  const str = (key: string) => {
    const v = value[key];
    if (typeof v !== "string" || v === "") {
      throw new DataError(`Cannot read result ${source}: '${key}' is not a non-empty string`);
    }
    return v;
  };
  const method = str("method"), dataset = str("dataset");
  const cls = value.normalClass;
  if (typeof cls !== "number" && typeof cls !== "string") {
    throw new DataError(`Cannot read result ${source}: 'normalClass' is missing`);
  }
  if (!isObject(value.metrics)) {
    throw new DataError(`Cannot read result ${source}: 'metrics' is not an object`);
  }
  const metrics: Record<string, ReportMetrics> = {};
  for (const [score, m] of Object.entries(value.metrics)) {
    if (!isObject(m)) continue;
    const out: ReportMetrics = {};
    for (const name of METRIC_NAMES) {
      const v = m[name];
      if (typeof v === "number" && Number.isFinite(v)) out[name] = v;
    }
    const roc = m.roc;
    if (isObject(roc)) {
      const fpr = numbers(roc.fpr), tpr = numbers(roc.tpr);
      if (fpr && tpr && fpr.length === tpr.length && fpr.length > 0) out.roc = { fpr, tpr };
    }
    const byClass = classAurocs(m.byClass, cls);
    if (byClass) out.byClass = byClass;
    metrics[score] = out;
  }
  if (Object.keys(metrics).length === 0) {
    throw new DataError(`Cannot read result ${source}: 'metrics' holds no score`);
  }
  const record: ReportRecord = { source, method, dataset, normalClass: cls, metrics };
  if (typeof value.seed === "number") record.seed = value.seed;
  if (typeof value.normalClassName === "string") record.normalClassName = value.normalClassName;
  if (typeof value.preset === "string") record.preset = value.preset;
  return record;
}

async function jsonFiles(folder: string): Promise<string[]> {
  const out: string[] = [];
  for await (const entry of Deno.readDir(folder)) {
    if (entry.name.startsWith(".")) continue;
    const path = join(folder, entry.name);
    if (entry.isDirectory) out.push(...await jsonFiles(path));
    else if (entry.isFile && entry.name.endsWith(".json")) out.push(path);
  }
  return out.sort();
}

/**
 * Every result record in the `.json` files under `folder` (recursively, hidden names
 * skipped). Unreadable files and non-result records are listed in `skipped`, not thrown.
 * Throws DataError when `folder` is not a readable folder.
 */
export async function readResults(folder: string): Promise<ReportRecordSet> {
  let files: string[];
  try {
    if (!(await Deno.stat(folder)).isDirectory) throw new Error("not a folder");
    files = await jsonFiles(folder);
  } catch (err) {
    const why = err instanceof Deno.errors.NotFound
      ? "no such folder"
      : (err instanceof Error ? err.message : String(err));
    throw new DataError(`Cannot read results in '${folder}': ${why}`);
  }
  const set: ReportRecordSet = { records: [], skipped: [] };
  for (const path of files) {
    const source = relative(folder, path);
    let value: unknown;
    try {
      value = JSON.parse(await Deno.readTextFile(path));
    } catch (err) {
      set.skipped.push({ source, reason: err instanceof Error ? err.message : String(err) });
      continue;
    }
    const items = Array.isArray(value)
      ? value
      : isObject(value) && Array.isArray(value.results)
      ? value.results
      : [value];
    items.forEach((item, i) => {
      const where = items.length > 1 || Array.isArray(value) ? `${source}[${i}]` : source;
      try {
        set.records.push(parseResult(item, where));
      } catch (err) {
        set.skipped.push({
          source: where,
          reason: err instanceof Error ? err.message : String(err),
        });
      }
    });
  }
  return set;
}
