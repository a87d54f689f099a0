/**
 * Sweeps: many runs of `experiments/run.ts` (one process each, in a {@linkcode runPool}),
 * resumable. A run whose result file already exists, parses and matches the run's plan is
 * reused; missing, damaged or stale files are run again. Each child writes its result
 * atomically (temp file + rename), so a killed sweep leaves only complete results behind, and
 * an unfinished GEOM run's child resumes from the checkpoint beside its result file.
 * @module
 */
import { basename, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { parseBackend } from "../backend/select.ts";
import { locateDataset } from "../data/locate.ts";
import { checkpointRoot } from "../train/checkpoint.ts";
import { COMMON_FLAGS, type FlagTable, intFlag, textFlag } from "../util/cli.ts";
import { DataError, UsageError } from "../util/errors.ts";
import { Progress } from "../util/progress.ts";
import { removeStaleTemps } from "../util/atomic.ts";
import { childPermissions, mayWrite } from "../util/sandbox.ts";
import { DATA_FLAGS, dataArgs } from "../data/flags.ts";
import { folderRoot, isFolderDataset } from "../data/folder_scan.ts";
import { defaultCacheDir } from "../data/paths.ts";
import { denoExecutable, type PoolExit, type PoolTask, runPool } from "./process_pool.ts";
import type { RunResult } from "./result.ts";
import { type DataOrigin, storedState } from "./reuse.ts";
import { planOf, runArgs, type RunSpec } from "./run_flags.ts";

export { removeStaleTemps };
// A sweep is described by RunSpecs and reuses stored results: both are part of its API.
export { dataMismatch, type DataOrigin, type StoredState, storedState } from "./reuse.ts";
export { planOf, runArgs, type RunSpec } from "./run_flags.ts";

/**
 * Where the runs of a sweep will read `dataset` from (as each run resolves it, with the same
 * `--data-dir`), checked before anything runs.
 * @throws {UsageError} for an unknown dataset; {DataError} for a data dir that does not exist
 * or lacks the files, or no data at all.
 */
export async function resolveSweepData(dataset: string, dataDir?: string): Promise<DataOrigin> {
  if (isFolderDataset(dataset)) return { source: "folder", root: folderRoot(dataset, { dataDir }) };
  const src = await locateDataset(dataset, { dataDir });
  return { source: src.kind, root: src.archivePath ?? src.root };
}

/**
 * Checks the flags a sweep passes to every run before anything runs: `--backend` is a known
 * backend, `--data-dir` is not empty (its folder is checked by {@linkcode resolveSweepData}).
 * @throws {UsageError}
 */
export function checkSweepFlags(values: { backend?: string; "data-dir"?: string }): void {
  if (values.backend !== undefined) parseBackend(textFlag("backend", values.backend));
  textFlag("data-dir", values["data-dir"]);
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
  /**
   * Deno permission flags for the children (default {@linkcode defaultPermissions}: what this
   * process holds of read, env and ffi, and write to the run's folder).
   */
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
  /**
   * How often each running run's latest progress line (rate, ETA) is logged, in seconds
   * (default 300; 0: never). Runs shorter than this log only their outcome.
   */
  progressEverySeconds?: number;
}

/** Default of {@linkcode RunSweepOptions.progressEverySeconds}. */
export const SWEEP_PROGRESS_SECONDS = 300;

/**
 * A run's progress line (lib/util/progress.ts: `label [####----]  43% done/total rate ...`)
 * without its bar, or undefined for any other line.
 */
export function progressOf(line: string): string | undefined {
  const m = /^(\S.*?) \[[#-]+\] +(\d+%.*)$/.exec(line);
  return m ? `${m[1]} ${m[2]}` : undefined;
}

/**
 * Default child permissions: read, env and ffi (native kernels, prctl) when this process holds
 * them, and write to the run's folder only (UsageError when this process may not write it):
 * a child never gets a permission its parent lacks.
 */
export function defaultPermissions(spec: RunSpec): string[] {
  const dirs = [dirname(spec.out)];
  // A folder dataset's decoded arrays are cached in data/cache (lib/data/folder.ts), when this
  // task may write there; else each run decodes them (and says it cannot cache them).
  if (isFolderDataset(spec.dataset) && mayWrite(defaultCacheDir())) dirs.push(defaultCacheDir());
  return childPermissions(dirs);
}

/**
 * Decodes a folder dataset once, in one child (`deno task data info`), before a pool of runs
 * starts, so the runs load it from the cache instead of each decoding it at the same time; a
 * folder that cannot be loaded stops the sweep here with its one-line reason.
 */
async function warmFolderCache(spec: RunSpec, options: RunSweepOptions): Promise<void> {
  const cli = fileURLToPath(new URL("../data/cli.ts", import.meta.url));
  const perms = (options.permissions ?? defaultPermissions)(spec);
  const args = ["run", ...perms, cli, "info", spec.dataset, "--quiet"];
  if (spec.dataDir !== undefined) args.push("--data-dir", spec.dataDir);
  // The size the run will ask for: its --image-size, else its preset's (catsvsdogs: 64).
  const imageSize = spec.imageSize ?? planOf(spec).imageSize;
  args.push(...dataArgs({ imageSize, channels: spec.channels }));
  const [exit] = await runPool([{ id: "warm", args }], {
    jobs: 1,
    command: options.command ?? denoExecutable(),
    signal: options.signal,
  });
  if (exit && exit.code !== 0) {
    // `data: error: <message>`, then for usage errors the usage line and the --help hint
    const line = exit.stderrTail.find((l) => l.startsWith("data: error: ")) ??
      exit.stderrTail.filter((l) => !/^\s*at /.test(l)).at(-1) ?? "no output";
    const message = line.replace(/^data: error: /, "");
    throw exit.code === 2 ? new UsageError(message) : new DataError(message);
  }
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
  const { outcomes, pending, stale, damaged } = await judgeStored(specs, options, log);
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
  const folderRun = pending.find((s) => isFolderDataset(s.dataset));
  if (folderRun && !options.command) {
    log(`decoding ${folderRun.dataset} once into the cache`);
    await warmFolderCache(folderRun, options);
  }
  await runPending(pending, outcomes, options, log);
  return specs.map((s) => outcomes.get(s)!);
}

/**
 * Sorts `specs` by what is stored for them: a valid result (ok, or failed unless
 * `retryFailed`) is an outcome `reused`; every other spec is pending, with `force` set when
 * the sweep judged a file there stale or damaged (logged with the reason).
 */
async function judgeStored(
  specs: RunSpec[],
  options: RunSweepOptions,
  log: (line: string) => void,
): Promise<{
  outcomes: Map<RunSpec, SweepOutcome>;
  pending: RunSpec[];
  stale: number;
  damaged: number;
}> {
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
    if (stored.state !== "missing") spec.force = true; // the sweep has judged the file
    if (stored.state === "stale") {
      stale++;
      log(`rerun ${basename(spec.out)}: stored result differs (${stored.reason})`);
    } else if (stored.state === "damaged") {
      damaged++;
      log(`rerun ${basename(spec.out)}: ${stored.reason}`);
    }
    pending.push(spec);
  }
  return { outcomes, pending, stale, damaged };
}

/** Runs the pending specs in a process pool, recording each outcome, with a progress bar. */
async function runPending(
  pending: RunSpec[],
  outcomes: Map<RunSpec, SweepOutcome>,
  options: RunSweepOptions,
  log: (line: string) => void,
): Promise<void> {
  const jobs = options.jobs ?? navigator.hardwareConcurrency;
  const progress = new Progress(options.label ?? "runs", pending.length, {
    unit: "run",
    quiet: options.quiet,
    intervalMs: 0,
  });
  const script = options.script instanceof URL ? fileURLToPath(options.script) : options.script;
  const byId = new Map(pending.map((s, i) => [String(i), s]));
  const perms = options.permissions ?? defaultPermissions;
  // Children print their progress (a line every few seconds on their piped stderr); the latest
  // line of each running child is logged every `progressEverySeconds`.
  const every = options.progressEverySeconds ?? SWEEP_PROGRESS_SECONDS;
  const watch = !options.quiet && every > 0;
  const tasks = pending.map((s, i) => ({
    id: String(i),
    args: ["run", ...perms(s), script, ...runArgs(s), ...(watch ? [] : ["--quiet"])],
  }));
  const latest = new Map<string, string>(), reported = new Map<string, string>();
  const onStderrLine = (task: PoolTask, line: string) => {
    const p = progressOf(line);
    if (p) latest.set(task.id, p);
  };
  const timer = watch
    ? setInterval(() => {
      for (const [id, line] of latest) {
        if (reported.get(id) === line) continue;
        reported.set(id, line);
        log(`running ${describeRun(byId.get(id)!)}: ${line}`);
      }
    }, every * 1000)
    : undefined;
  let finished = 0, processSeconds = 0;
  const onExit = async (exit: PoolExit) => {
    latest.delete(exit.task.id);
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
  try {
    if (tasks.length > 0) {
      await runPool(tasks, {
        jobs,
        command: options.command ?? denoExecutable(),
        onExit,
        ...(watch ? { onStderrLine } : {}),
        signal: options.signal,
      });
    }
  } finally {
    clearInterval(timer);
  }
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
  // The last line that is not a stack frame: a message, or where a killed run had got to.
  const line = exit.stderrTail.filter((l) => !/^\s*at /.test(l)).at(-1);
  const progress = line === undefined ? undefined : progressOf(line);
  const last = progress ? `last progress: ${progress}` : line ?? "no output";
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
 * `parseCommand`; `--jobs` is read with {@linkcode jobsFlag}.
 */
export const SWEEP_FLAGS = {
  seeds: {
    type: "string",
    arg: "N",
    kind: "integer >= 1",
    help: "number of seeds per run (seeds 0 .. N-1)",
    defaultText: "the preset's (compare: 1)",
    example: "--seeds 3",
  },
  jobs: COMMON_FLAGS.jobs(),
  "retry-failed": {
    type: "boolean",
    default: false,
    help: "run again stored results whose status is failed (they are final otherwise)",
    example: "--retry-failed",
  },
  "summary-only": {
    type: "boolean",
    default: false,
    help: "run nothing: only summarise the results already stored",
    example: "--summary-only",
  },
  "no-png": {
    type: "boolean",
    default: false,
    help: "skip what chromium renders: summary.png and the SVG/PDF/PNG files in summary-figures/",
    example: "--no-png",
  },
  "data-dir": COMMON_FLAGS.dataDir(
    "folder with the dataset's official files, passed to every run; stored runs made " +
      "from other data are run again",
  ),
  ...DATA_FLAGS,
  backend: COMMON_FLAGS.backend("tfjs backend of every run"),
  precision: COMMON_FLAGS.precision(
    "arithmetic precision of every run (bf16 only on the native backend; auto: bf16 where " +
      "the CPU has AMX or AVX512-BF16, fp32 elsewhere); part of the reuse check",
    "--precision fp32",
  ),
  quiet: COMMON_FLAGS.quiet(),
} as const satisfies FlagTable;

/** `--jobs`: processes at once, default one per CPU core. Throws UsageError below 1. */
export function jobsFlag(value: string | undefined): number {
  return intFlag("jobs", value, navigator.hardwareConcurrency, { min: 1 });
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
