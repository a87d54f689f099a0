/**
 * Sweeps: many runs of `experiments/run.ts` (one process each, in a {@linkcode runPool}),
 * resumable. A run whose result file already exists, parses and matches the run's plan is
 * reused; missing, damaged or stale files are run again. Each child writes its result
 * atomically (temp file + rename), so a killed sweep leaves only complete results behind, and
 * an unfinished GEOM run's child resumes from the checkpoint beside its result file.
 * @module
 */
import { basename, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { PrecisionRequest } from "../backend/precision.ts";
import {
  getMethod,
  type MethodOverrides,
  type MethodPlan,
  planMismatch,
} from "../detectors/registry.ts";
import { checkpointRoot } from "../train/checkpoint.ts";
import { intFlag } from "../util/cli.ts";
import { oneLine, UsageError } from "../util/errors.ts";
import { Progress } from "../util/progress.ts";
import { denoExecutable, type PoolExit, runPool } from "./pool.ts";
import { readRunResult, type RunResult } from "./result.ts";

/** One run: method at a preset (plus overrides) on one class and seed, and where it goes. */
export interface RunSpec {
  method: string;
  /** Dataset as requested (results record it in `data.requested`). */
  dataset: string;
  normalClass: number;
  seed: number;
  preset: string;
  overrides?: MethodOverrides;
  /** Result file. */
  out: string;
  /** Dataset folder (passed as --data-dir). */
  dataDir?: string;
  /** tfjs backend (passed as --backend). */
  backend?: string;
  /** Precision request (passed as --precision; part of the reuse check). */
  precision?: PrecisionRequest;
}

/** The command-line arguments of `experiments/run.ts` for `spec`. */
export function runArgs(spec: RunSpec): string[] {
  const args = [
    "--method",
    spec.method,
    "--dataset",
    spec.dataset,
    "--normal",
    String(spec.normalClass),
    "--preset",
    spec.preset,
    "--seed",
    String(spec.seed),
    "--out",
    spec.out,
  ];
  const o = spec.overrides ?? {};
  if (o.transforms !== undefined) args.push("--transforms", o.transforms);
  if (o.epochs !== undefined) args.push("--epochs", String(o.epochs));
  if (o.model !== undefined) args.push("--model", o.model);
  if (o.trainLimit !== undefined) args.push("--train-limit", String(o.trainLimit));
  if (o.testLimit !== undefined) args.push("--test-limit", String(o.testLimit));
  if (spec.dataDir !== undefined) args.push("--data-dir", spec.dataDir);
  if (spec.backend !== undefined) args.push("--backend", spec.backend);
  if (spec.precision !== undefined) args.push("--precision", spec.precision);
  return args;
}

/** The plan of a spec (throws UsageError for an unknown method, preset or override). */
export function planOf(spec: RunSpec): MethodPlan {
  return getMethod(spec.method).plan(spec.preset, spec.overrides);
}

/** What is stored for a run. */
export type StoredState =
  | { state: "valid"; result: RunResult }
  | { state: "missing" }
  | { state: "damaged"; reason: string }
  | { state: "stale"; reason: string };

/** Reads `spec.out` and says whether it holds this run's finished result. */
export async function storedState(
  spec: RunSpec,
  plan: MethodPlan = planOf(spec),
): Promise<StoredState> {
  try {
    await Deno.stat(spec.out);
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return { state: "missing" };
    throw err;
  }
  let result: RunResult;
  try {
    result = await readRunResult(spec.out);
  } catch (err) {
    return { state: "damaged", reason: oneLine(err) };
  }
  const why = planMismatch(result, plan, spec);
  return why ? { state: "stale", reason: why } : { state: "valid", result };
}

/**
 * Removes temp files (`.<name>.<pid>.<rand>.tmp`, see lib/util/atomic.ts) that writers killed
 * mid-write left in `dir`: those older than `maxAgeMs` (default 5 minutes; a live writer
 * renames its temp file within moments). Returns the names removed.
 */
export async function removeStaleTemps(
  dir: string,
  options: { maxAgeMs?: number } = {},
): Promise<string[]> {
  const removed: string[] = [];
  const maxAge = options.maxAgeMs ?? 5 * 60_000;
  let entries: Deno.DirEntry[];
  try {
    entries = await Array.fromAsync(Deno.readDir(dir));
  } catch {
    return removed;
  }
  for (const e of entries) {
    if (!e.isFile || !/^\..+\.\d+\.[a-z0-9]+\.tmp$/.test(e.name)) continue;
    const path = join(dir, e.name);
    const mtime = (await Deno.stat(path).catch(() => undefined))?.mtime;
    if (!mtime || Date.now() - mtime.getTime() < maxAge) continue;
    await Deno.remove(path).catch(() => {});
    removed.push(e.name);
  }
  return removed;
}

/** How one run of a sweep ended. */
export interface SweepOutcome {
  spec: RunSpec;
  /**
   * `reused`: a valid stored result; `crashed`: the process ended without a result;
   * `missing`: not run (`skipRuns`) and no valid stored result.
   */
  status: "reused" | "ok" | "failed" | "crashed" | "missing";
  result?: RunResult;
  /** Reason for failed / crashed. */
  error?: string;
  /** Wall seconds of the process (not for reused runs). */
  seconds?: number;
}

/** Options for {@linkcode runSweep}. */
export interface RunSweepOptions {
  /** Processes at once (default `navigator.hardwareConcurrency`). */
  jobs?: number;
  /** The run script (experiments/run.ts). */
  script: string | URL;
  /** Deno permission flags for the children (default: read, env, ffi, write to each out dir). */
  permissions?: (spec: RunSpec) => string[];
  /** Run again stored results whose status is failed (default false: they are final). */
  retryFailed?: boolean;
  /** Label of the progress bar (default "runs"). */
  label?: string;
  /** One line per event (default: stderr). */
  log?: (line: string) => void;
  /** Silence the progress bar and log. */
  quiet?: boolean;
  /** Executable (default {@linkcode denoExecutable}). */
  command?: string;
  /** Stops the sweep (children get SIGTERM). */
  signal?: AbortSignal;
  /** Only read what is stored: runs without a valid result are `missing`. */
  skipRuns?: boolean;
}

/** Default child permissions: read, env, ffi (native kernels, prctl), write to the out dir. */
export function defaultPermissions(spec: RunSpec): string[] {
  return ["--allow-read", "--allow-env", "--allow-ffi", `--allow-write=${dirname(spec.out)}`];
}

/** A short name of a run for logs: `geom rot4 class 0 seed 1`. */
export function describeRun(spec: RunSpec): string {
  const extra = spec.overrides?.transforms ? ` ${spec.overrides.transforms}` : "";
  return `${spec.method}${extra} class ${spec.normalClass} seed ${spec.seed}`;
}

/**
 * Runs every spec that has no valid stored result (in order, `jobs` at a time) and returns one
 * outcome per spec, in spec order. Stored failed results are final unless `retryFailed`.
 * Logs what is reused or rerun and a progress bar over the runs with rate and ETA.
 */
export async function runSweep(
  specs: RunSpec[],
  options: RunSweepOptions,
): Promise<SweepOutcome[]> {
  const log = options.quiet ? () => {} : (options.log ?? ((l: string) => console.error(l)));
  const jobs = options.jobs ?? navigator.hardwareConcurrency;
  const outs = new Set<string>();
  for (const s of specs) {
    if (outs.has(s.out)) throw new UsageError(`Cannot sweep: two runs write ${s.out}`);
    outs.add(s.out);
  }
  for (const dir of new Set(specs.map((s) => dirname(s.out)))) {
    const removed = await removeStaleTemps(dir);
    if (removed.length) log(`removed ${removed.length} temp files of killed runs in ${dir}`);
  }
  const outcomes = new Map<RunSpec, SweepOutcome>();
  const pending: RunSpec[] = [];
  let stale = 0, damaged = 0;
  for (const spec of specs) {
    const stored = await storedState(spec);
    if (stored.state === "valid" && (stored.result.status === "ok" || !options.retryFailed)) {
      const r = stored.result;
      outcomes.set(spec, {
        spec,
        status: "reused",
        result: r,
        ...(r.status === "failed" ? { error: r.error ?? "failed" } : {}),
      });
      continue;
    }
    if (stored.state === "stale") {
      stale++;
      log(`rerun ${basename(spec.out)}: stored result differs (${stored.reason})`);
    } else if (stored.state === "damaged") {
      damaged++;
      log(`rerun ${basename(spec.out)}: ${stored.reason}`);
    }
    pending.push(spec);
  }
  if (options.skipRuns) {
    for (const spec of pending) outcomes.set(spec, { spec, status: "missing" });
    log(`${specs.length} runs: ${specs.length - pending.length} done, ${pending.length} missing`);
    return specs.map((s) => outcomes.get(s)!);
  }
  const done = specs.length - pending.length;
  const procs = Math.min(jobs, pending.length);
  const resuming = (await Promise.all(
    pending.map((s) => Deno.stat(checkpointRoot(s.out)).then(() => true, () => false)),
  )).filter(Boolean).length;
  log(
    `${specs.length} runs: ${done} done already, ${pending.length} to run` +
      (stale || damaged ? ` (${stale} stale, ${damaged} damaged)` : "") +
      (resuming ? `, ${resuming} from a checkpoint` : "") +
      (pending.length ? ` with ${procs} process${procs === 1 ? "" : "es"}` : ""),
  );
  const progress = new Progress(options.label ?? "runs", pending.length, {
    unit: "run",
    quiet: options.quiet,
    intervalMs: 0,
  });
  const script = options.script instanceof URL ? fileURLToPath(options.script) : options.script;
  const byId = new Map(pending.map((s, i) => [String(i), s]));
  const perms = options.permissions ?? defaultPermissions;
  const tasks = pending.map((s, i) => ({
    id: String(i),
    args: ["run", ...perms(s), script, ...runArgs(s), "--quiet"],
  }));
  let finished = 0, processSeconds = 0;
  const onExit = async (exit: PoolExit) => {
    const spec = byId.get(exit.task.id)!;
    const outcome = await outcomeOf(spec, exit);
    outcomes.set(spec, outcome);
    finished++;
    processSeconds += exit.seconds;
    const what = outcome.status === "ok"
      ? primaryLine(outcome.result!)
      : `${outcome.status}: ${outcome.error}`;
    log(
      `[${finished}/${pending.length}] ${describeRun(spec)}: ${what} (${
        exit.seconds.toFixed(0)
      } s)`,
    );
    const fields = { "s/run": (processSeconds / finished).toFixed(0) };
    if (finished < pending.length) progress.tick(1, fields);
    else (progress.done++, progress.finish(fields));
  };
  if (tasks.length > 0) {
    await runPool(tasks, {
      jobs,
      command: options.command ?? denoExecutable(),
      onExit,
      signal: options.signal,
    });
  }
  return specs.map((s) => outcomes.get(s)!);
}

async function outcomeOf(spec: RunSpec, exit: PoolExit): Promise<SweepOutcome> {
  const stored = await storedState(spec);
  const seconds = exit.seconds;
  if (stored.state === "valid") {
    const r = stored.result;
    return r.status === "ok"
      ? { spec, status: "ok", result: r, seconds }
      : { spec, status: "failed", result: r, error: r.error ?? "failed", seconds };
  }
  const last = exit.stderrTail.filter((l) => !/^\s*at /.test(l)).at(-1) ?? "no output";
  const how = exit.signal ? `killed by ${exit.signal}` : `exit code ${exit.code}`;
  const extra = stored.state === "missing" ? "" : ` (result ${stored.state}: ${stored.reason})`;
  return { spec, status: "crashed", error: `${how}: ${last}${extra}`, seconds };
}

function primaryLine(r: RunResult): string {
  const entries = Object.entries(r.metrics);
  return entries.map(([k, m]) => `${k} ${m.auroc.toFixed(3)}`).join(", ") || "ok";
}

/**
 * The flags every sweep command (`deno task ablation`, `deno task compare`) shares, for
 * `parseFlags`; `--jobs` is read with {@linkcode jobsFlag}.
 */
export const SWEEP_FLAGS = {
  seeds: { type: "string" },
  jobs: { type: "string" },
  "retry-failed": { type: "boolean", default: false },
  "summary-only": { type: "boolean", default: false },
  "no-png": { type: "boolean", default: false },
  "data-dir": { type: "string" },
  backend: { type: "string" },
  precision: { type: "string" },
  quiet: { type: "boolean", default: false },
  help: { type: "boolean", default: false },
} as const;

/** `--jobs`: processes at once, default one per CPU core. Throws UsageError below 1. */
export function jobsFlag(value: string | undefined): number {
  const jobs = intFlag("jobs", value, navigator.hardwareConcurrency);
  if (jobs < 1) throw new UsageError(`--jobs must be >= 1, got ${jobs}`);
  return jobs;
}

/** Parses `--shard i/n` (0 <= i < n). Throws UsageError when malformed. */
export function parseShard(value: string | undefined): { index: number; count: number } {
  if (value === undefined) return { index: 0, count: 1 };
  const m = /^(\d+)\/(\d+)$/.exec(value.trim());
  const index = m ? Number(m[1]) : NaN, count = m ? Number(m[2]) : NaN;
  if (!m || count < 1 || index >= count) {
    throw new UsageError(`--shard must be i/n with 0 <= i < n (e.g. 0/2), got '${value}'`);
  }
  return { index, count };
}

/**
 * Shard `index` of `count` of an ordered grid: items index, index + count, ... (round robin,
 * so shards get a similar mix of slow and fast runs). The shards are disjoint and together
 * hold every item, provided every shard is given the same grid (same flags).
 */
export function shardOf<T>(items: readonly T[], shard: { index: number; count: number }): T[] {
  return items.filter((_, i) => i % shard.count === shard.index);
}
