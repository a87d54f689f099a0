/**
 * `--slurm`, `--submit`, `--status` and `--retry-failed` of the sweep commands (`deno task
 * ablation`, `deno task compare`): writes the batch scripts under the sweep's folder
 * (`<sweep>/slurm/`), submits them with `sbatch` (the array, then the summary job with
 * `--dependency=afterany`), records each submission in `<sweep>/slurm/jobs.json`, and shows the
 * state of every run from the result files, `squeue` and (where accounting is on) `sacct`.
 * @module
 */
import { basename, dirname, isAbsolute, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { writeJsonAtomic, writeTextAtomic } from "../util/atomic.ts";
import { oneLine, RunError, UsageError } from "../util/errors.ts";
import {
  batchScripts,
  classifyRuns,
  type EndedTask,
  parseSacct,
  parseSqueue,
  parseTemplate,
  type QueuedTask,
  type RunState,
  type RunStatus,
  SLURM_FLAGS,
  type SlurmOptions,
  type SlurmTemplate,
  type StoredKind,
  type Submission,
  taskCount,
  tasksToSubmit,
} from "./slurm.ts";
import { type RunSpec, storedState } from "./sweep.ts";

/** Schema of `<sweep>/slurm/jobs.json`. */
export const SLURM_JOBS_SCHEMA = "geomad.slurm-jobs/v1";

/** What {@linkcode slurmSweep} needs from the sweep command. */
export interface SlurmSweepOptions {
  /** The command's name (`ablation`, `compare`). */
  command: string;
  /** One line saying what the sweep is. */
  title: string;
  /** The whole grid, in its fixed order. */
  specs: RunSpec[];
  /** The sweep's folder; scripts, logs and jobs.json go to `<dir>/slurm`. */
  dir: string;
  /** The sweep's CLI script (experiments/ablation.ts). */
  script: string | URL;
  /** The CLI's flags that define the grid (paths made absolute), for every job. */
  gridArgs: string[];
  /** Folder the jobs may write under (the results root). */
  writeRoot: string;
  slurm: SlurmOptions;
  /** Rerun stored failed results (`--retry-failed`). */
  retryFailed: boolean;
  /** Processes at once inside an array task (default: runs per task, at most its cores; 1 with a GPU). */
  jobs?: number;
  /** Progress lines (stderr). */
  log: (line: string) => void;
  /** Executables (tests). */
  commands?: { sbatch?: string; squeue?: string; sacct?: string };
}

/** Runs a Slurm client command; NotFound becomes a one-line error saying what to install. */
async function slurmCommand(
  cmd: string,
  args: string[],
): Promise<{ code: number; stdout: string; stderr: string }> {
  let out: Deno.CommandOutput;
  try {
    out = await new Deno.Command(cmd, { args, stdin: "null", stdout: "piped", stderr: "piped" })
      .output();
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) {
      throw new RunError(
        `${cmd} not found: run this on a Slurm login node (Debian: apt-get install slurm-client)`,
      );
    }
    throw err;
  }
  const dec = new TextDecoder();
  return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}

/** Reads `<slurm dir>/jobs.json` ([] when absent). */
export async function readSubmissions(slurmDir: string): Promise<Submission[]> {
  const path = join(slurmDir, "jobs.json");
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return [];
    throw err;
  }
  let record: { schema?: unknown; submissions?: unknown };
  try {
    record = JSON.parse(text);
  } catch (err) {
    throw new RunError(`${path} is not valid JSON (${oneLine(err)}): remove it to start afresh`);
  }
  if (record.schema !== SLURM_JOBS_SCHEMA || !Array.isArray(record.submissions)) {
    throw new RunError(`${path} is not a ${SLURM_JOBS_SCHEMA} record: remove it to start afresh`);
  }
  return record.submissions as Submission[];
}

/** The state of every run of `specs` from result files, squeue and sacct. */
export async function sweepStatus(
  specs: RunSpec[],
  slurmDir: string,
  commands: SlurmSweepOptions["commands"] = {},
): Promise<{ statuses: RunStatus[]; notes: string[] }> {
  const notes: string[] = [];
  const stored: StoredKind[] = [];
  for (const spec of specs) {
    const s = await storedState(spec);
    if (s.state === "valid") {
      stored.push(
        s.result.status === "ok"
          ? { kind: "ok" }
          : { kind: "failed", error: s.result.error ?? "failed" },
      );
    } else if (s.state === "missing") stored.push({ kind: "none" });
    else stored.push({ kind: "none", reason: `result ${s.state}: ${s.reason}` });
  }
  const submissions = await readSubmissions(slurmDir);
  let queue: QueuedTask[] = [], ended: EndedTask[] = [];
  if (submissions.length > 0) {
    const ids = [...new Set(submissions.map((s) => s.arrayJob))];
    const sq = await slurmCommand(commands.squeue ?? "squeue", [
      "--me",
      "-h",
      "-r",
      "-o",
      "%F|%K|%T",
    ]);
    if (sq.code !== 0) throw new RunError(`squeue failed: ${oneLine(sq.stderr || sq.stdout)}`);
    queue = parseSqueue(sq.stdout).filter((q) => ids.includes(q.jobId));
    try {
      const sa = await slurmCommand(commands.sacct ?? "sacct", [
        "-n",
        "-P",
        "-X",
        "-o",
        "JobID,State",
        "-j",
        ids.join(","),
      ]);
      if (sa.code === 0) ended = parseSacct(sa.stdout);
      else notes.push(`no sacct (${oneLine(sa.stderr || sa.stdout)}): ended tasks not shown`);
    } catch (err) {
      notes.push(`no sacct (${oneLine(err)}): ended tasks not shown`);
    }
  }
  const outs = specs.map((s) => resolve(s.out));
  return { statuses: classifyRuns(outs, stored, submissions, queue, ended), notes };
}

/** Counts per state, in a fixed order (`2 done, 1 running, 0 failed, ...`). */
export function stateCounts(statuses: readonly RunStatus[]): string {
  const order: RunState[] = ["done", "running", "pending", "failed", "missing"];
  return order.map((s) => `${statuses.filter((x) => x.state === s).length} ${s}`).join(", ");
}

/**
 * `--status`, or `--slurm` (write the scripts; with `--submit` submit them): see the module doc.
 * Only the array tasks holding runs still to do are written into the array (all of them on a
 * fresh sweep; with `--retry-failed` also those whose result says failed); tasks already
 * queued are never submitted twice.
 */
export async function slurmSweep(o: SlurmSweepOptions): Promise<void> {
  const slurmDir = resolve(o.dir, "slurm");
  const specs = o.specs.map((s) => ({ ...s, out: resolve(s.out) }));
  const count = taskCount(specs.length, o.slurm.runsPerTask);
  const template = await readTemplate(o.slurm);
  const { statuses, notes } = await sweepStatus(specs, slurmDir, o.commands);
  for (const n of notes) o.log(n);
  if (o.slurm.status) {
    printStatus(o, statuses);
    if (!o.slurm.write) return;
  }
  const tasks = tasksToSubmit(statuses, count, o.retryFailed);
  if (tasks.length === 0) {
    console.log(
      `${o.command} ${o.title}: nothing to submit: ${stateCounts(statuses)}` +
        (statuses.some((s) => s.state === "failed") && !o.retryFailed
          ? " (--retry-failed reruns the failed runs)"
          : ""),
    );
    return;
  }
  const { arrayPath, summaryPath, logDir } = await writeBatchScripts(o, {
    slurmDir,
    runs: specs.length,
    count,
    tasks,
    template,
  });
  const runsIn = statuses.filter((_, i) => tasks.includes(i % count)).length;
  o.log(
    `${tasks.length} of ${count} array tasks (${runsIn} of ${specs.length} runs, ` +
      `${o.slurm.runsPerTask} per task; finished ones are kept) -> ${arrayPath}`,
  );
  if (!o.slurm.submit) {
    console.log(`batch scripts: ${arrayPath}, ${summaryPath}`);
    console.log(
      `submit with: job=$(sbatch --parsable ${arrayPath}) && ` +
        `sbatch --dependency=afterany:\${job%%;*} ${summaryPath}`,
    );
    return;
  }
  const { arrayJob, summaryJob } = await submitScripts(
    o.commands?.sbatch ?? "sbatch",
    arrayPath,
    summaryPath,
  );
  await recordSubmission(slurmDir, {
    arrayJob,
    summaryJob,
    submittedAt: new Date().toISOString(),
    tasks,
    count,
    outs: specs.map((s) => s.out),
  });
  console.log(
    `submitted array job ${arrayJob} (${tasks.length} task${tasks.length === 1 ? "" : "s"}) ` +
      `and summary job ${summaryJob} (after the array); logs in ${logDir}`,
  );
  console.log(`follow with: deno task ${o.command} <the same flags> --status`);
}

/** Adds a submission to `<slurmDir>/jobs.json` (what `--status` reads back). */
async function recordSubmission(slurmDir: string, submission: Submission): Promise<void> {
  const submissions = await readSubmissions(slurmDir);
  submissions.push(submission);
  await writeJsonAtomic(join(slurmDir, "jobs.json"), {
    schema: SLURM_JOBS_SCHEMA,
    submissions,
  });
}

/** The `--slurm-template` file, parsed; undefined without one. */
async function readTemplate(slurm: SlurmOptions): Promise<SlurmTemplate | undefined> {
  if (slurm.templatePath === undefined) return undefined;
  let text: string;
  try {
    text = await Deno.readTextFile(slurm.templatePath);
  } catch (err) {
    throw new UsageError(`cannot read --slurm-template ${slurm.templatePath}: ${oneLine(err)}`);
  }
  return parseTemplate(text, slurm.templatePath, slurm.directives);
}

/** `--status`: the counts per state, then every run not done with its state. */
function printStatus(o: SlurmSweepOptions, statuses: readonly RunStatus[]): void {
  console.log(`${o.command} ${o.title}: ${statuses.length} runs: ${stateCounts(statuses)}`);
  for (const s of statuses) {
    if (s.state === "done") continue;
    console.log(`  ${s.state.padEnd(8)} ${basename(s.out)}${s.detail ? `: ${s.detail}` : ""}`);
  }
}

/**
 * Writes the array script (the runs of `tasks`) and the summary script into `slurmDir`,
 * executable, with a logs folder beside them.
 */
async function writeBatchScripts(
  o: SlurmSweepOptions,
  w: {
    slurmDir: string;
    runs: number;
    count: number;
    tasks: number[];
    template: SlurmTemplate | undefined;
  },
): Promise<{ arrayPath: string; summaryPath: string; logDir: string }> {
  const { template } = w;
  const script = o.script instanceof URL ? fileURLToPath(o.script) : resolve(o.script);
  const repo = dirname(dirname(script));
  const logDir = join(w.slurmDir, "logs");
  await Deno.mkdir(logDir, { recursive: true });
  // Runs at once in a task: one per core asked for, but one on a GPU (a TensorFlow process
  // takes the whole GPU's memory).
  const gpu = o.slurm.directives.gres !== undefined ||
    (template?.directives.some((l) => /\s(--gres|--gpus|-G)\b/.test(l)) ?? false);
  const jobs = o.jobs ??
    (gpu ? 1 : Math.min(o.slurm.runsPerTask, o.slurm.directives.cpusPerTask ?? 1));
  const retry = o.retryFailed ? ["--retry-failed"] : [];
  const { array, summary } = batchScripts({
    command: o.command,
    title: o.title,
    runs: w.runs,
    count: w.count,
    tasks: w.tasks,
    runsPerTask: o.slurm.runsPerTask,
    ...(o.slurm.maxParallel !== undefined ? { maxParallel: o.slurm.maxParallel } : {}),
    jobs,
    directives: o.slurm.directives,
    ...(template ? { template } : {}),
    deno: Deno.execPath(),
    repo,
    script,
    // The task's own: its runs get only what it holds (read, env, ffi, their folder).
    permissions: [
      "--allow-read",
      "--allow-env",
      "--allow-ffi",
      `--allow-write=${resolve(o.writeRoot)}`,
    ],
    gridArgs: [...o.gridArgs, ...retry],
    logDir,
    jobName: `geomad-${o.command}`,
  });
  const arrayPath = join(w.slurmDir, `${o.command}-array.sbatch`);
  const summaryPath = join(w.slurmDir, `${o.command}-summary.sbatch`);
  await writeTextAtomic(arrayPath, array);
  await writeTextAtomic(summaryPath, summary);
  await Deno.chmod(arrayPath, 0o755);
  await Deno.chmod(summaryPath, 0o755);
  return { arrayPath, summaryPath, logDir };
}

/** Submits the array script, then the summary script to start after it ends. */
async function submitScripts(
  sbatch: string,
  arrayPath: string,
  summaryPath: string,
): Promise<{ arrayJob: string; summaryJob: string }> {
  const first = await slurmCommand(sbatch, ["--parsable", arrayPath]);
  const arrayJob = first.stdout.trim().split(";")[0]!;
  if (first.code !== 0 || !/^\d+$/.test(arrayJob)) {
    throw new RunError(`sbatch ${arrayPath} failed: ${oneLine(first.stderr || first.stdout)}`);
  }
  const second = await slurmCommand(sbatch, [
    "--parsable",
    `--dependency=afterany:${arrayJob}`,
    summaryPath,
  ]);
  const summaryJob = second.stdout.trim().split(";")[0]!;
  if (second.code !== 0 || !/^\d+$/.test(summaryJob)) {
    throw new RunError(
      `array job ${arrayJob} submitted, but sbatch ${summaryPath} failed: ` +
        `${oneLine(second.stderr || second.stdout)}; submit it with: sbatch ` +
        `--dependency=afterany:${arrayJob} ${summaryPath}`,
    );
  }
  return { arrayJob, summaryJob };
}

/** Flags never repeated in the jobs: Slurm's own, and those each job sets itself. */
const NOT_FORWARDED = new Set([
  ...Object.keys(SLURM_FLAGS),
  "shard",
  "jobs",
  "retry-failed",
  "summary-only",
  "help",
]);

/**
 * The command line every job of a sweep on Slurm repeats: each flag of `values` (parsed flags,
 * defaults included) as `--name value`, or `--name` when true, skipping false and unset ones,
 * Slurm's flags and those a job sets itself (--shard, --jobs, --retry-failed, --summary-only).
 * Flags named in `paths` are made absolute (the jobs run in the checkout, not here). So a flag
 * a sweep command gains later reaches its jobs without a change here.
 */
export function forwardFlags(
  values: Record<string, string | boolean | undefined>,
  paths: readonly string[] = [],
): string[] {
  const args: string[] = [];
  for (const [name, v] of Object.entries(values)) {
    if (NOT_FORWARDED.has(name) || v === undefined || v === false) continue;
    if (v === true) args.push(`--${name}`);
    else args.push(`--${name}`, paths.includes(name) && !isAbsolute(v) ? resolve(v) : v);
  }
  return args;
}
