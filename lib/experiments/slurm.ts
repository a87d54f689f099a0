/**
 * Sweeps on Slurm, the pure part: the `--slurm` flags and their checks, the batch scripts (a job
 * array whose task i runs shard i/K of the grid through the same `runSweep` as a local sweep,
 * and a summary job), array specs (`0-3,7%2`), and reading `squeue` / `sacct` output into the
 * state of every run. Submitting and `--status` are in slurm_sweep.ts.
 *
 * Chunks: with K = ceil(runs / runs-per-task) array tasks, task i runs the grid's runs i, i + K,
 * i + 2K, ... (what `--shard i/K` selects), so a requeued task reruns the same command line and
 * writes the same result files; finished results are kept, so it only does what is left.
 * @module
 */
import { UsageError } from "../util/errors.ts";
import { type FlagTable, intFlag } from "../util/cli.ts";

/** The flags of sweeps on Slurm, for `parseCommand` (shared by `ablation` and `compare`). */
export const SLURM_FLAGS = {
  slurm: {
    type: "boolean",
    default: false,
    help:
      "write Slurm batch scripts (a job array over shards and a summary job) instead of running",
    example: "--slurm",
  },
  submit: {
    type: "boolean",
    default: false,
    help: "with --slurm: also submit them (sbatch)",
    example: "--slurm --submit",
  },
  status: {
    type: "boolean",
    default: false,
    help: "show the state of every run of the Slurm jobs (squeue, sacct, stored results)",
    example: "--status",
  },
  "runs-per-task": {
    type: "string",
    arg: "N",
    kind: "integer >= 1",
    help: "with --slurm: runs per array task",
    defaultText: "1",
    example: "--runs-per-task 4",
  },
  "max-parallel": {
    type: "string",
    arg: "N",
    kind: "integer >= 1",
    help: "with --slurm: array tasks at once (the % throttle)",
    defaultText: "no limit",
    example: "--max-parallel 8",
  },
  partition: {
    type: "string",
    arg: "P",
    kind: "Slurm partition name",
    help: "with --slurm: #SBATCH --partition",
    defaultText: "Slurm's",
    example: "--partition gpu",
  },
  time: {
    type: "string",
    arg: "T",
    kind: "minutes, MM:SS, HH:MM:SS, D-HH, D-HH:MM or D-HH:MM:SS",
    help: "with --slurm: #SBATCH --time per array task",
    defaultText: "Slurm's",
    example: "--time 2:00:00",
  },
  "cpus-per-task": {
    type: "string",
    arg: "N",
    kind: "integer >= 1",
    help: "with --slurm: #SBATCH --cpus-per-task",
    defaultText: "Slurm's",
    example: "--cpus-per-task 4",
  },
  mem: {
    type: "string",
    arg: "M",
    kind: "size like 4000, 4G or 500M",
    help: "with --slurm: #SBATCH --mem",
    defaultText: "Slurm's",
    example: "--mem 8G",
  },
  gres: {
    type: "string",
    arg: "G",
    kind: "Slurm gres",
    help: "with --slurm: #SBATCH --gres",
    defaultText: "none",
    example: "--gres gpu:1",
  },
  account: {
    type: "string",
    arg: "A",
    kind: "Slurm account",
    help: "with --slurm: #SBATCH --account",
    defaultText: "Slurm's",
    example: "--account proj42",
  },
  "slurm-template": {
    type: "string",
    arg: "FILE",
    kind: "path of a batch script",
    help: "with --slurm: a batch script template (its #SBATCH lines and setup commands)",
    defaultText: "none",
    example: "--slurm-template slurm/site.sh",
  },
  "no-summary": {
    type: "boolean",
    default: false,
    help: "only run; do not write the summary (array tasks use it)",
    example: "--no-summary",
  },
} as const satisfies FlagTable;

/** Usage text of the Slurm flags. */
export const SLURM_USAGE = "[--slurm [--submit] [--runs-per-task N] [--max-parallel N] " +
  "[--partition P] [--time T] [--cpus-per-task N] [--mem M] [--gres G] [--account A] " +
  "[--slurm-template FILE]] [--status] [--no-summary]";

/** `#SBATCH` resource options from flags (undefined: not set, Slurm's default). */
export interface SlurmDirectives {
  partition?: string;
  time?: string;
  cpusPerTask?: number;
  mem?: string;
  gres?: string;
  account?: string;
}

/** What `--slurm` / `--status` ask for. */
export interface SlurmOptions {
  /** Write the scripts (and submit with `submit`); false for `--status` alone. */
  write: boolean;
  submit: boolean;
  status: boolean;
  /** Runs per array task (>= 1). */
  runsPerTask: number;
  /** At most this many array tasks at once (the `%` throttle). */
  maxParallel?: number;
  directives: SlurmDirectives;
  /** A user's batch script template (its `#SBATCH` lines and setup commands). */
  templatePath?: string;
}

type FlagValues = {
  slurm?: boolean;
  submit?: boolean;
  status?: boolean;
  "runs-per-task"?: string;
  "max-parallel"?: string;
  partition?: string;
  time?: string;
  "cpus-per-task"?: string;
  mem?: string;
  gres?: string;
  account?: string;
  "slurm-template"?: string;
  "summary-only"?: boolean;
  "no-summary"?: boolean;
};

const SAFE = /^[A-Za-z0-9_.,:=+\-/]+$/;

function positive(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = intFlag(name, value, 0);
  if (n < 1) throw new UsageError(`--${name} must be >= 1, got ${n}`);
  return n;
}

function checked(name: string, value: string | undefined, re: RegExp, what: string) {
  if (value === undefined) return undefined;
  if (!re.test(value)) throw new UsageError(`--${name} must be ${what}, got '${value}'`);
  return value;
}

/**
 * Reads the Slurm flags: undefined when neither `--slurm` nor `--status` is given (and then no
 * other Slurm flag may be). Throws UsageError for a malformed value or a flag without `--slurm`.
 */
export function slurmOptions(values: FlagValues): SlurmOptions | undefined {
  const needSlurm = [
    "submit",
    "runs-per-task",
    "max-parallel",
    "partition",
    "time",
    "cpus-per-task",
    "mem",
    "gres",
    "account",
    "slurm-template",
  ] as const;
  if (!values.slurm) {
    const stray = needSlurm.find((k) => values[k] !== undefined && values[k] !== false);
    if (stray) throw new UsageError(`--${stray} needs --slurm`);
    if (!values.status) return undefined;
  }
  for (const k of ["summary-only", "no-summary"] as const) {
    if (values[k]) {
      throw new UsageError(`--${k} cannot go with --${values.slurm ? "slurm" : "status"}`);
    }
  }
  const name = (v: string | undefined, flag: string) =>
    checked(flag, v, SAFE, "letters, digits and _.,:=+-/");
  const directives: SlurmDirectives = {};
  const partition = name(values.partition, "partition");
  const account = name(values.account, "account");
  const gres = name(values.gres, "gres");
  const time = checked(
    "time",
    values.time,
    /^(\d+-)?\d+(:\d+){0,2}$/,
    "minutes, MM:SS, HH:MM:SS, D-HH, D-HH:MM or D-HH:MM:SS",
  );
  const mem = checked("mem", values.mem, /^\d+[KMGT]?$/i, "a size like 4000, 4G or 500M");
  const cpus = positive("cpus-per-task", values["cpus-per-task"]);
  if (partition !== undefined) directives.partition = partition;
  if (time !== undefined) directives.time = time;
  if (cpus !== undefined) directives.cpusPerTask = cpus;
  if (mem !== undefined) directives.mem = mem;
  if (gres !== undefined) directives.gres = gres;
  if (account !== undefined) directives.account = account;
  const maxParallel = positive("max-parallel", values["max-parallel"]);
  return {
    write: Boolean(values.slurm),
    submit: Boolean(values.submit),
    status: Boolean(values.status),
    runsPerTask: positive("runs-per-task", values["runs-per-task"]) ?? 1,
    ...(maxParallel !== undefined ? { maxParallel } : {}),
    directives,
    ...(values["slurm-template"] !== undefined ? { templatePath: values["slurm-template"] } : {}),
  };
}

/** Number of array tasks for `runs` runs at `runsPerTask` each. */
export function taskCount(runs: number, runsPerTask: number): number {
  return Math.ceil(runs / runsPerTask);
}

/** The array task that runs run `index` of the grid when there are `count` tasks. */
export function taskOf(index: number, count: number): number {
  return index % count;
}

/** A Slurm `--array` value: sorted indices as ranges (`0-3,7,9-10`), then `%throttle`. */
export function arraySpec(indices: readonly number[], throttle?: number): string {
  const sorted = [...new Set(indices)].sort((a, b) => a - b);
  if (sorted.length === 0) throw new RangeError("Cannot write an array spec of no tasks");
  const parts: string[] = [];
  for (let i = 0; i < sorted.length;) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j]! + 1) j++;
    parts.push(i === j ? `${sorted[i]}` : `${sorted[i]}-${sorted[j]}`);
    i = j + 1;
  }
  return parts.join(",") + (throttle !== undefined ? `%${throttle}` : "");
}

/** Quotes a word for bash when it holds anything but safe characters. */
export function shellQuote(word: string): string {
  return /^[A-Za-z0-9_.,:=+\-/@%]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`;
}

/**
 * A path as an `#SBATCH` value: as it is when plain, else in double quotes (sbatch reads them).
 * Throws UsageError for a path sbatch cannot take (a double quote or a line break in it).
 */
export function sbatchPath(path: string): string {
  if (/^[A-Za-z0-9_.,:=+\-/%@]+$/.test(path)) return path;
  if (/["\n\r]/.test(path)) {
    throw new UsageError(
      `Slurm cannot take the path ${JSON.stringify(path)} (quote or line break)`,
    );
  }
  return `"${path}"`;
}

/** A user's batch script template, split into its `#SBATCH` lines and its other lines. */
export interface SlurmTemplate {
  /** `#SBATCH` lines, as written. */
  directives: string[];
  /** The other lines (setup: `module load ...`, `export ...`), shebang dropped. */
  setup: string[];
}

/** Options geomad sets itself; a template may not set them. */
const OWN_OPTIONS = ["array", "output", "error", "open-mode", "chdir", "requeue", "dependency"];

/** The long option name of an `#SBATCH` line (`--time=5` -> time, `-t 5` -> t). */
function optionName(line: string): string {
  const word = line.replace(/^#SBATCH\s+/, "").split(/[\s=]/)[0] ?? "";
  return word.replace(/^-+/, "");
}

const SHORT: Record<string, string> = {
  p: "partition",
  t: "time",
  c: "cpus-per-task",
  A: "account",
  a: "array",
  o: "output",
  e: "error",
  D: "chdir",
  d: "dependency",
};

/**
 * Parses a template's text. Throws UsageError (naming `path`) when it sets an option geomad
 * writes itself (--array, --output, ...) or one also given as a flag (`flags`).
 */
export function parseTemplate(
  text: string,
  path: string,
  flags: SlurmDirectives = {},
): SlurmTemplate {
  const directives: string[] = [], setup: string[] = [];
  const fromFlags = new Set(
    Object.keys(flags).map((k) => k === "cpusPerTask" ? "cpus-per-task" : k),
  );
  const lines = text.replace(/\r/g, "").split("\n");
  if (lines[0]?.startsWith("#!")) lines.shift();
  for (const line of lines) {
    if (/^#SBATCH\s/.test(line)) {
      const opt = optionName(line);
      const long = SHORT[opt] ?? opt;
      if (OWN_OPTIONS.includes(long)) {
        throw new UsageError(`${path}: geomad sets --${long} itself; remove '${line.trim()}'`);
      }
      if (fromFlags.has(long)) {
        throw new UsageError(`${path} sets --${long} and so does the flag --${long}: keep one`);
      }
      directives.push(line.trimEnd());
    } else setup.push(line.trimEnd());
  }
  while (setup.length && setup.at(-1) === "") setup.pop();
  while (setup.length && setup[0] === "") setup.shift();
  return { directives, setup };
}

/** Everything a pair of batch scripts needs. */
export interface BatchScriptOptions {
  /** The sweep command's name (`ablation`, `compare`). */
  command: string;
  /** One line saying what the sweep is (`fashion-mnist, preset hour`). */
  title: string;
  /** Runs in the grid. */
  runs: number;
  /** Array tasks in the grid (K). */
  count: number;
  /** The array tasks to submit (all of 0..K-1, or those left to retry). */
  tasks: readonly number[];
  runsPerTask: number;
  maxParallel?: number;
  /** Processes at once inside a task (the sweep's `--jobs`). */
  jobs: number;
  directives: SlurmDirectives;
  template?: SlurmTemplate;
  /** Absolute path of the Deno executable on the submitting machine. */
  deno: string;
  /** The geomad checkout (the tasks run there: deno.json, node_modules). */
  repo: string;
  /** Absolute path of the sweep's CLI script (experiments/ablation.ts). */
  script: string;
  /** Deno permission flags of the CLI (without --allow-run, which the script adds). */
  permissions: string[];
  /** The CLI's flags that define the grid (absolute paths), the same for every task. */
  gridArgs: string[];
  /** Absolute folder for the Slurm logs (must exist before submission). */
  logDir: string;
  /** Job name (`geomad-ablation`). */
  jobName: string;
}

function directiveLines(d: SlurmDirectives, withResources: boolean): string[] {
  const out: string[] = [];
  const add = (comment: string, line: string) => out.push(`# ${comment}`, `#SBATCH ${line}`);
  if (d.partition !== undefined) add("Partition (queue) to run in.", `--partition=${d.partition}`);
  if (d.account !== undefined) add("Account charged for the time.", `--account=${d.account}`);
  if (d.time !== undefined) add("Wall-time limit of each job.", `--time=${d.time}`);
  if (!withResources) return out;
  if (d.cpusPerTask !== undefined) {
    add("CPU cores of each array task.", `--cpus-per-task=${d.cpusPerTask}`);
  }
  if (d.mem !== undefined) add("Memory of each array task.", `--mem=${d.mem}`);
  if (d.gres !== undefined) add("Generic resources (GPUs) of each array task.", `--gres=${d.gres}`);
  return out;
}

/** Template `#SBATCH` lines kept for the summary job: no GPUs, cores or memory of a run. */
function summaryTemplateLines(t: SlurmTemplate): string[] {
  return t.directives.filter((l) => !/^(gres|gpus.*|cpus-per-task|c|mem.*|G)$/.test(optionName(l)));
}

function commandLines(argv: string[]): string {
  // One flag (with its value) per line, so the command reads like the README's.
  const lines = [argv.slice(0, 2).join(" ")];
  let i = 2;
  while (i < argv.length) {
    const w = argv[i]!;
    const next = argv[i + 1];
    if (w.startsWith("--") && !w.includes("=") && next !== undefined && !next.startsWith("--")) {
      lines.push(`${w} ${next}`);
      i += 2;
    } else {
      lines.push(w);
      i++;
    }
  }
  return lines.join(" \\\n  ");
}

/**
 * The two batch scripts of a sweep: `array` (the job array; task i runs `--shard i/K` of the
 * grid with `--no-summary`) and `summary` (run after the array with `--dependency=afterany`;
 * merges every result with `--summary-only`). Every line is commented.
 */
export function batchScripts(o: BatchScriptOptions): { array: string; summary: string } {
  const parts = scriptParts(o);
  return { array: arrayScript(o, parts), summary: summaryScript(o, parts) };
}

/** The lines both batch scripts share. */
interface ScriptParts {
  /** The sweep command's words with `extra` flags appended. */
  run: (extra: string[]) => string[];
  /** The opening comment, saying what the script is. */
  header: (what: string) => string[];
  /** Strict mode and the Deno executable. */
  denoLines: string[];
  /** The template's setup lines, commented. */
  setup: string[];
}

function scriptParts(o: BatchScriptOptions): ScriptParts {
  const q = shellQuote;
  const run = (extra: string[]) => [
    `"$DENO"`,
    "run",
    ...o.permissions.map(q),
    `--allow-run="$DENO",/usr/bin/chromium`,
    q(o.script),
    ...o.gridArgs.map(q),
    ...extra,
  ];
  const header = (what: string) => [
    "#!/bin/bash",
    `# geomad ${o.command} on Slurm, ${o.title}: ${o.runs} runs in ${o.count} array task` +
    `${o.count === 1 ? "" : "s"} (at most ${o.runsPerTask} each).`,
    `# ${what}`,
    `# Written by \`deno task ${o.command} ... --slurm\`, which prints the command that submits`,
    "# both scripts (the summary job waits for every array task with --dependency=afterany).",
    "#",
  ];
  const denoLines = [
    "# Stop at the first failing command or unset variable.",
    "set -euo pipefail",
    "# The Deno executable; set GEOMAD_DENO where the compute nodes have it elsewhere.",
    `DENO="\${GEOMAD_DENO:-${o.deno}}"`,
  ];
  const setup = o.template?.setup.length
    ? ["# Setup from the template " + "(as written there).", ...o.template.setup]
    : [];
  return { run, header, denoLines, setup };
}

/** The job array's script: task i runs `--shard i/K` of the grid with `--no-summary`. */
function arrayScript(o: BatchScriptOptions, p: ScriptParts): string {
  const { run, header, denoLines, setup } = p;
  return [
    ...header("This script is one array task: it runs its share of the grid's runs."),
    "# Job name shown by squeue and used in the log file names.",
    `#SBATCH --job-name=${o.jobName}`,
    `# Array tasks to run (one per chunk of runs)${
      o.maxParallel !== undefined ? `; %${o.maxParallel}: at most that many at once` : ""
    }.`,
    `#SBATCH --array=${arraySpec(o.tasks, o.maxParallel)}`,
    "# One log per array task (%x job name, %A array job id, %a task index).",
    `#SBATCH --output=${sbatchPath(`${o.logDir}/%x-%A_%a.out`)}`,
    "# A requeued task appends to its log instead of truncating it.",
    "#SBATCH --open-mode=append",
    "# Preempted or on a failed node: requeue the task; it resumes where it stopped.",
    "#SBATCH --requeue",
    "# Run in the geomad checkout (deno.json, node_modules; on a shared filesystem).",
    `#SBATCH --chdir=${sbatchPath(o.repo)}`,
    ...directiveLines(o.directives, true),
    ...(o.template?.directives.length
      ? ["# Options from the template (as written there).", ...o.template.directives]
      : []),
    "",
    ...denoLines,
    ...setup,
    `# Array task i (of ${o.count}) runs the grid's runs i, i + ${o.count}, i + ${
      2 * o.count
    }, ...:`,
    "# the same command as a local sweep with --shard. Finished results are kept, so a requeued",
    "# task only does what is left (a run resumes from its checkpoint when one was saved); each",
    "# run's result file, named after the run, is written atomically. --no-summary: the summary",
    "# job merges at the end.",
    "exec " +
    commandLines(run([
      "--shard",
      `"$SLURM_ARRAY_TASK_ID/${o.count}"`,
      "--jobs",
      String(o.jobs),
      "--no-summary",
    ])),
    "",
  ].join("\n");
}

/** The summary job's script: merges every result with `--summary-only`, running nothing. */
function summaryScript(o: BatchScriptOptions, p: ScriptParts): string {
  const { run, header, denoLines, setup } = p;
  return [
    ...header("This script is the summary job: it merges every result into the summary."),
    "# Job name shown by squeue and used in the log file name.",
    `#SBATCH --job-name=${o.jobName}-summary`,
    "# Its log (%x job name, %j job id).",
    `#SBATCH --output=${sbatchPath(`${o.logDir}/%x-%j.out`)}`,
    "# Run in the geomad checkout (deno.json, node_modules; on a shared filesystem).",
    `#SBATCH --chdir=${sbatchPath(o.repo)}`,
    ...directiveLines(o.directives, false),
    ...(o.template && summaryTemplateLines(o.template).length
      ? [
        "# Options from the template (as written there; GPU, core and memory requests dropped).",
        ...summaryTemplateLines(o.template),
      ]
      : []),
    "",
    ...denoLines,
    ...setup,
    "# Merge every result found into summary.json / summary.md / summary.html, running nothing.",
    "exec " + commandLines(run(["--summary-only"])),
    "",
  ].join("\n");
}

/** One array task as `squeue` lists it. */
export interface QueuedTask {
  jobId: string;
  /** Array task index (undefined for a job that is not an array task). */
  task?: number;
  /** PENDING, RUNNING, CONFIGURING, COMPLETING, SUSPENDED, REQUEUED, ... */
  state: string;
}

/**
 * Parses `squeue -h -r -o '%F|%K|%T'` (array job id, task index, state; one line per task,
 * `-r` expands pending arrays). Lines that do not parse are skipped.
 */
export function parseSqueue(text: string): QueuedTask[] {
  const out: QueuedTask[] = [];
  for (const line of text.split("\n")) {
    const m = /^(\d+)\|([^|]*)\|([A-Z_]+)/.exec(line.trim());
    if (!m) continue;
    const task = /^\d+$/.test(m[2]!) ? Number(m[2]) : undefined;
    out.push({ jobId: m[1]!, ...(task !== undefined ? { task } : {}), state: m[3]! });
  }
  return out;
}

/** One ended array task as `sacct` records it. */
export interface EndedTask {
  jobId: string;
  task: number;
  /** COMPLETED, FAILED, CANCELLED, TIMEOUT, OUT_OF_MEMORY, NODE_FAIL, PREEMPTED, ... */
  state: string;
}

/** Parses `sacct -n -P -X -o JobID,State` lines like `12_3|CANCELLED by 0`. */
export function parseSacct(text: string): EndedTask[] {
  const out: EndedTask[] = [];
  for (const line of text.split("\n")) {
    const m = /^(\d+)_(\d+)\|([A-Z_]+)/.exec(line.trim());
    if (m) out.push({ jobId: m[1]!, task: Number(m[2]), state: m[3]! });
  }
  return out;
}

/** A past submission, as recorded in the sweep's `slurm/jobs.json`. */
export interface Submission {
  arrayJob: string;
  summaryJob: string;
  submittedAt: string;
  /** Array tasks submitted. */
  tasks: number[];
  /** K: the grid's number of array tasks (run j is in task j % K). */
  count: number;
  /** The grid's result files, in grid order. */
  outs: string[];
}

/** The state of one run of a sweep on Slurm. */
export type RunState = "done" | "failed" | "running" | "pending" | "missing";

/** What is known of one run. */
export interface RunStatus {
  out: string;
  state: RunState;
  /** Why (a failed run's error, the array task holding it, a damaged file's reason). */
  detail?: string;
}

/** The stored state of a run's result file, as {@linkcode classifyRuns} needs it. */
export type StoredKind =
  | { kind: "ok" }
  | { kind: "failed"; error: string }
  | { kind: "none"; reason?: string };

/**
 * The state of every run: its result file first (done / failed), then the queue (a run whose
 * array task is queued is running or pending), then sacct (an array task that ended without
 * the run's result: failed, with the task's state), else missing.
 */
export function classifyRuns(
  outs: readonly string[],
  stored: readonly StoredKind[],
  submissions: readonly Submission[],
  queue: readonly QueuedTask[],
  ended: readonly EndedTask[],
): RunStatus[] {
  const queued = new Map(queue.map((q) => [`${q.jobId}_${q.task}`, q.state]));
  const endedState = new Map(ended.map((e) => [`${e.jobId}_${e.task}`, e.state]));
  return outs.map((out, i) => {
    const s = stored[i]!;
    if (s.kind === "ok") return { out, state: "done" };
    if (s.kind === "failed") return { out, state: "failed", detail: s.error };
    let last: { id: string; state: string } | undefined;
    for (const sub of submissions) {
      const j = sub.outs.indexOf(out);
      if (j < 0) continue;
      const task = taskOf(j, sub.count);
      if (!sub.tasks.includes(task)) continue;
      const id = `${sub.arrayJob}_${task}`;
      const q = queued.get(id);
      if (q !== undefined) {
        const running = !/^(PENDING|REQUEUED|REQUEUE_HOLD|REQUEUE_FED)$/.test(q);
        return { out, state: running ? "running" : "pending", detail: `array task ${id} ${q}` };
      }
      const e = endedState.get(id);
      if (e !== undefined) last = { id, state: e };
    }
    if (last && last.state !== "COMPLETED") {
      return { out, state: "failed", detail: `array task ${last.id} ended ${last.state}` };
    }
    return { out, state: "missing", ...(s.reason ? { detail: s.reason } : {}) };
  });
}

/**
 * The array tasks (of `count`) to submit: those holding a run that is missing, or failed when
 * `retryFailed`; never a task holding a run that is queued (running or pending).
 */
export function tasksToSubmit(
  statuses: readonly RunStatus[],
  count: number,
  retryFailed: boolean,
): number[] {
  const busy = new Set<number>(), todo = new Set<number>();
  statuses.forEach((s, i) => {
    const task = taskOf(i, count);
    if (s.state === "running" || s.state === "pending") busy.add(task);
    const needs = s.state === "missing" ||
      (s.state === "failed" && (retryFailed || /^array task /.test(s.detail ?? "")));
    if (needs) todo.add(task);
  });
  return [...todo].filter((t) => !busy.has(t)).sort((a, b) => a - b);
}
