/**
 * `deno task ablation`: GEOM with every transform set (geometric and non-geometric) x normal
 * classes x seeds, each run scored four ways from one trained model (see ablation_grid.ts).
 * One process per run (`--jobs`, default the CPU count), resumable: finished results are kept,
 * so after Ctrl-C or kill -9 the same command continues. `--shard i/n` runs a disjoint part
 * of the grid (a Slurm array task, a Kubernetes indexed job); the summary merges every result
 * of the preset found under results/ablation/<dataset>/runs/.
 *
 * `--slurm` writes Slurm batch scripts under <root>/<dataset>/slurm/ instead of running: a job
 * array (task i runs `--shard i/K` of the grid with this same command) and a summary job;
 * `--submit` submits them, `--status` shows every run's state, `--retry-failed` with `--slurm`
 * resubmits only what failed or is missing (see lib/experiments/slurm_sweep.ts).
 *
 *   deno task ablation [--dataset fashion-mnist] [--method geom|goad] [--preset hour|quick|paper|smoke]
 *     [--classes 0,6,8] [--seeds N] [--transforms a,b,...] [--jobs N] [--shard i/n]
 *     [--root results/ablation] [--retry-failed] [--summary-only] [--no-png]
 *     [--data-dir D] [--image-size N] [--channels 1|3] [--no-verify] [--backend B]
 *     [--precision fp32|bf16|auto] [--keep-scores] [--quiet] [--no-summary]
 *     [--slurm [--submit] [--runs-per-task N] [--max-parallel N] [--partition P] [--time T]
 *      [--cpus-per-task N] [--mem M] [--gres G] [--account A] [--slurm-template FILE]]
 *     [--status]
 *
 * Writes <root>/<dataset>/ (`--method goad`: <root>/goad/<dataset>/) {runs/*.json,
 * summary.json, summary.md, summary.html, summary.png, summary.tex, summary.csv, summary-2.csv}.
 * `--keep-scores`: runs also keep runs/*.scores.json.gz, and the summary tests geometric72 against
 * each other set run by run per score (DeLong, p < 0.05 and Holm per score; `pairedSets` in
 * summary.json, a figure in summary.html).
 * Exit 1 when a run crashed (the summary is still written), 2 for bad usage.
 * @module
 */
import { join } from "node:path";
import { datasetClasses } from "../lib/data/dataset_classes.ts";
import { dataOptionsOf } from "../lib/data/flags.ts";
import { describeSource } from "../lib/data/provenance.ts";
import { ablationMarkdown, ablationReport } from "../lib/report/ablation_report.ts";
import { writeReportFiles, writtenLines } from "../lib/report/files.ts";
import {
  ablationRecord,
  type AblationSummary,
  summarizeAblation,
} from "../lib/experiments/ablation_summary.ts";
import { ablationTables } from "../lib/report/paper_tables.ts";
import { writeTableFiles } from "../lib/report/table_files.ts";
import {
  checkSweepFlags,
  type DataOrigin,
  describeRun,
  jobsFlag,
  parseShard,
  resolveSweepData,
  type RunSpec,
  runSweep,
  shardOf,
  SWEEP_FLAGS,
  type SweepOutcome,
} from "../lib/experiments/sweep.ts";
import { SLURM_FLAGS, SLURM_USAGE, slurmOptions } from "../lib/experiments/slurm.ts";
import { forwardFlags, slurmSweep } from "../lib/experiments/slurm_sweep.ts";
import { getTransformSet } from "../lib/transforms/registry.ts";
import { writeJsonAtomic, writeTextAtomic } from "../lib/util/atomic.ts";
import { RunError, UsageError } from "../lib/util/errors.ts";
import {
  type KeptAblationRun,
  pairedSets,
  pairedSetsStatements,
} from "../lib/experiments/ablation_paired.ts";
import { keptScoresOrWhy } from "../lib/experiments/scores_file.ts";
import { parsePrecision, type PrecisionRequest } from "../lib/backend/precision.ts";
import {
  type CommandSpec,
  COMMON_FLAGS,
  type FlagValues,
  intFlag,
  intListFlag,
  listFlag,
  parseCommand,
  runCli,
  textFlag,
} from "../lib/util/cli.ts";
import { checkOutputFolder } from "../lib/util/sandbox.ts";
import {
  ABLATION_METHODS,
  ABLATION_PRESET_NAMES,
  ABLATION_SCHEMA,
  ABLATION_TRANSFORMS,
  ABLATION_VERSION,
  ablationDir,
  ablationGrid,
  type AblationMethod,
  ablationMethod,
  ablationPreset,
  collectAblationRuns,
  type CollectedRuns,
  DEFAULT_ABLATION_PRESET,
  GEOMETRIC_SET,
  nonGeometricSets,
} from "./ablation_grid.ts";
import type { RunResult } from "../lib/experiments/result.ts";

/** The ablation command line (`--help` prints it). */
export const ABLATION_COMMAND = {
  command: "deno task ablation",
  usage: `[--dataset D] [--preset ${ABLATION_PRESET_NAMES.join("|")}] [--classes 0,6,8] ` +
    "[--seeds N] [--transforms a,b] [--jobs N] [--shard i/n] [--root DIR] [flags] " +
    SLURM_USAGE,
  about: "GEOM with every transform set x normal classes x seeds, each run scored four ways; " +
    "resumable (finished results are kept), shardable. Writes <root>/<dataset>/runs/*.json " +
    "and summary.{json,md,html,png}. Exit 1 when a run crashed, 2 for bad usage.",
  flags: {
    dataset: {
      type: "string",
      default: "fashion-mnist",
      arg: "D",
      kind: "dataset name or folder:DIR",
      help: "dataset of every run (folder:DIR: DIR/train/<class>/*, DIR/test/<class>/*)",
      example: "--dataset cifar10",
    },
    preset: {
      type: "string",
      default: DEFAULT_ABLATION_PRESET,
      arg: "P",
      kind: ABLATION_PRESET_NAMES.join("|"),
      help: "grid size and GEOM configuration (see below)",
      example: "--preset smoke",
    },
    classes: COMMON_FLAGS.classes("the preset's", "--classes 0,6,8"),
    method: {
      type: "string",
      default: "geom",
      arg: "M",
      kind: Object.keys(ABLATION_METHODS).join("|"),
      help: "method trained on every set (goad: GOAD with the same presets, scores goad, " +
        "goad-eps0; runs and summaries under <root>/goad/<dataset>/)",
      example: "--method goad",
    },
    transforms: {
      type: "string",
      arg: "LIST",
      kind: "comma-separated transform set names",
      help: "transform sets to compare",
      defaultText: "all nine (rot-trans36 on request)",
      example: "--transforms geometric72,rot4",
    },
    shard: COMMON_FLAGS.shard(
      "run only the i-th of n disjoint parts of the grid (the summary merges all parts)",
      "0/1 (the whole grid)",
    ),
    root: COMMON_FLAGS.root(
      "results/ablation",
      "where runs and summaries go; must be inside the folders the task may write",
      "--root results/ablation-rerun",
    ),
    "keep-scores": {
      type: "boolean",
      default: false,
      help: "every run keeps its test scores beside its result, and the summary tests the " +
        "geometric set against each other set run by run on the same test images (DeLong's " +
        "paired test; counts also after Holm's correction over each score's tests); results " +
        "finished without them are reused as they are",
      example: "--keep-scores",
    },
    ...SWEEP_FLAGS,
    ...SLURM_FLAGS,
  },
  notes: [
    "presets:",
    ...ABLATION_PRESET_NAMES.map((n) => `  ${n}: ${ablationPreset(n).description}`),
  ],
} as const satisfies CommandSpec;

/** The flag values of {@link ABLATION_COMMAND}. */
type AblationValues = FlagValues<typeof ABLATION_COMMAND.flags>;

/** Checks the flags and resolves the data: the grid of runs, not yet started. */
async function ablationPlan(values: AblationValues) {
  const dataset = textFlag("dataset", values.dataset)!, presetName = values.preset;
  const preset = ablationPreset(presetName);
  const slurm = slurmOptions(values);
  if (slurm && values.shard !== undefined) throw new UsageError("--shard cannot go with --slurm");
  const jobs = jobsFlag(values.jobs);
  const shard = parseShard(values.shard);
  const precision = parsePrecision(values.precision);
  checkOutputFolder("root", values.root);
  checkSweepFlags(values);
  const method = ablationMethod(values.method);
  const grid = ablationGrid({
    dataset,
    method,
    preset: presetName,
    classes: intListFlag("classes", values.classes, { min: 0 }),
    seeds: values.seeds === undefined ? undefined : intFlag("seeds", values.seeds, 1, { min: 1 }),
    transforms: listFlag(values.transforms, "transforms"),
    root: values.root,
    ...dataOptionsOf(values),
    backend: values.backend,
    precision,
    ...(values["keep-scores"] ? { keepScores: true } : {}),
  });
  // Runs must match the data they would be run on now; --summary-only without --data-dir
  // summarises what is stored, wherever its data came from (the summary lists the sources).
  // On Slurm the array tasks resolve it where they run.
  const data = slurm || values["summary-only"] && values["data-dir"] === undefined
    ? undefined
    : await resolveSweepData(dataset, values["data-dir"]);
  if (data) { for (const spec of grid) spec.data = data; }
  const dir = ablationDir(values.root, dataset, method);
  return { dataset, method, presetName, preset, slurm, jobs, shard, precision, grid, data, dir };
}

async function main(): Promise<void> {
  const parsed = parseCommand(ABLATION_COMMAND, Deno.args);
  if (!parsed) return;
  const { values } = parsed;
  const plan = await ablationPlan(values);
  const { dataset, method, presetName, jobs, shard, grid, dir } = plan;
  const log = (line: string) => {
    if (!values.quiet) console.error(`ablation: ${line}`);
  };
  if (plan.slurm) {
    return await slurmSweep({
      command: "ablation",
      title: `${dataset}, preset ${presetName}`,
      specs: grid,
      dir,
      script: new URL(import.meta.url),
      gridArgs: forwardFlags(values, ["root", "data-dir"]),
      writeRoot: values.root!,
      slurm: plan.slurm,
      retryFailed: values["retry-failed"],
      ...(values.jobs !== undefined ? { jobs } : {}),
      log,
    });
  }
  const mine = shardOf(grid, shard);
  log(
    `${dataset}, preset ${presetName}: ${grid.length} runs in the grid` +
      (shard.count > 1 ? `, shard ${shard.index}/${shard.count}: ${mine.length}` : "") +
      ` -> ${dir}`,
  );
  const outcomes = await runSweep(mine, {
    jobs,
    script: new URL("./run.ts", import.meta.url),
    retryFailed: values["retry-failed"],
    label: "ablation",
    log,
    quiet: values.quiet,
    skipRuns: values["summary-only"],
  });
  if (values["no-summary"]) return failOnCrashed(outcomes, mine.length, dir);

  const summary = await buildSummary(dir, {
    dataset,
    method,
    dataDir: values["data-dir"],
    presetName,
    preset: { ...plan.preset },
    grid: gridOf(grid, mine, shard),
    outcomes,
    precision: plan.precision,
    data: plan.data,
  });
  await writeAblationSummary(dir, summary, { png: !values["no-png"] });
  const crashed = summary.runs.crashed.length;
  if (crashed > 0) {
    throw new RunError(
      `${crashed} of ${mine.length} runs ended without a result (see ${join(dir, "summary.md")});` +
        " run again to retry them",
    );
  }
}

/** The grid as the summary records it: sets of this shard, classes and seeds of all. */
function gridOf(
  grid: RunSpec[],
  mine: RunSpec[],
  shard: AblationSummary["grid"]["shard"],
): AblationSummary["grid"] {
  return {
    transforms: [...new Set(mine.map((s) => s.overrides!.transforms!))],
    classes: [...new Set(grid.map((s) => s.normalClass))],
    seeds: Math.max(...grid.map((s) => s.seed)) + 1,
    runs: mine.length,
    shard,
  };
}

/**
 * Writes the summary to `<dir>/summary.json`, `summary.md`, the report (`summary.html`, its
 * PNG and figures) and the paper tables, and prints its statements and where they went.
 */
async function writeAblationSummary(
  dir: string,
  summary: AblationSummary,
  options: { png: boolean },
): Promise<void> {
  await writeJsonAtomic(join(dir, "summary.json"), summary);
  await writeTextAtomic(join(dir, "summary.md"), ablationMarkdown(summary));
  const files = await writeReportFiles(join(dir, "summary"), ablationReport(summary), options);
  const tables = await writeTableFiles(join(dir, "summary"), ablationTables(summary), {
    comment: `deno task ablation: ${summary.dataset}, preset ${summary.preset.name}, ` +
      `generated ${summary.createdAt}`,
  });
  for (const s of summary.statements) console.log(`- ${s}`);
  console.log(`summary: ${join(dir, "summary.md")}, ${join(dir, "summary.json")}, ${files.html}`);
  for (const line of writtenLines(files, tables)) console.log(line);
}

/** With `--no-summary`: throws RunError when a run ended without a result. */
function failOnCrashed(outcomes: SweepOutcome[], runs: number, dir: string): void {
  const crashed = outcomes.filter((o) => o.status === "crashed");
  for (const o of crashed) console.error(`ablation: crashed: ${describeRun(o.spec)}: ${o.error}`);
  if (crashed.length > 0) {
    throw new RunError(
      `${crashed.length} of ${runs} runs ended without a result (in ${dir}); run again to retry`,
    );
  }
}

/** Merges every result of the preset found in `dir` into the summary record. */
async function buildSummary(
  dir: string,
  o: {
    dataset: string;
    method: AblationMethod;
    dataDir?: string;
    presetName: string;
    preset: Record<string, unknown>;
    grid: AblationSummary["grid"];
    outcomes: SweepOutcome[];
    precision: PrecisionRequest;
    data: DataOrigin | undefined;
  },
): Promise<AblationSummary> {
  const collected = await collectAblationRuns(dir, {
    dataset: o.dataset,
    preset: o.presetName,
    precision: o.precision,
    data: o.data,
    method: o.method,
  });
  const ok = collected.results.filter((x) => x.result.status === "ok");
  const nonGeometric = nonGeometricSets();
  const classNames = [...datasetClasses(o.dataset, { dataDir: o.dataDir }).classNames];
  const data = summarizeAblation(ok.map((x) => ablationRecord(x.result)), {
    nonGeometric,
    geometric: GEOMETRIC_SET,
    setOrder: ABLATION_TRANSFORMS,
    classNames,
    scoreOrder: ABLATION_METHODS[o.method].scores,
    scorePair: ABLATION_METHODS[o.method].pair,
  });
  const kept: KeptAblationRun[] = []; // one file at a time (see compare.ts)
  for (const { file, result } of ok) {
    kept.push({
      transforms: String(result.hyperparameters.transforms),
      normalClass: result.normalClass,
      seed: result.seed,
      ...await keptScoresOrWhy(join(dir, "runs", file), result.digest),
    });
  }
  const pairedSetsData = pairedSets(kept, GEOMETRIC_SET, data.scores);
  if (pairedSetsData) {
    data.statements.push(...pairedSetsStatements(pairedSetsData, data.scores, data.sets));
  }
  const setInfo: AblationSummary["setInfo"] = {};
  for (const set of data.sets) {
    const t = getTransformSet(set, { height: 32, width: 32 });
    setInfo[set] = { size: t.size, kind: t.kind };
  }
  return {
    schema: ABLATION_SCHEMA,
    version: ABLATION_VERSION,
    createdAt: new Date().toISOString(),
    dataset: o.dataset,
    classNames,
    preset: {
      name: o.presetName,
      ...o.preset,
      ...(o.method !== "geom" ? { method: o.method } : {}),
    },
    geometric: GEOMETRIC_SET,
    nonGeometric,
    setInfo,
    grid: o.grid,
    runs: runAccounting(dir, collected, o.outcomes),
    dataUsed: [
      ...new Set(ok.map(({ result: r }) => `${r.dataset} (${describeSource(r.data)})`)),
    ].sort(),
    secondsPerRun: secondsPerRun(ok.map((x) => x.result)),
    ...data,
    ...(pairedSetsData ? { pairedSets: pairedSetsData } : {}),
  };
}

/**
 * What became of every run: used, failed (result says so), crashed (no result), missing (no
 * file), ignored (another configuration), and files of other presets or unknown ones.
 */
function runAccounting(
  dir: string,
  collected: CollectedRuns,
  outcomes: SweepOutcome[],
): AblationSummary["runs"] {
  const found = new Set(collected.results.map((x) => join(dir, "runs", x.file)));
  const name = (path: string) => path.slice(path.lastIndexOf("/") + 1);
  return {
    used: collected.results.filter((x) => x.result.status === "ok").length,
    failed: collected.results
      .filter((x) => x.result.status === "failed")
      .map((x) => ({ file: x.file, reason: x.result.error ?? "failed" })),
    crashed: outcomes
      .filter((x) => x.status === "crashed")
      .map((x) => ({ file: name(x.spec.out), reason: `${describeRun(x.spec)}: ${x.error}` })),
    missing: outcomes.filter((x) => !found.has(x.spec.out)).map((x) => name(x.spec.out)),
    ignored: collected.ignored.map((x) => ({ file: x.file, reason: x.reason })),
    otherPresets: collected.otherPresets,
    unknown: collected.unknown,
  };
}

/** Mean wall time of a run per transform set. */
function secondsPerRun(results: RunResult[]): Record<string, number> {
  const seconds: Record<string, number[]> = {};
  for (const result of results) {
    const set = String(result.hyperparameters.transforms);
    (seconds[set] ??= []).push(result.timings.totalSeconds);
  }
  return Object.fromEntries(
    Object.entries(seconds).map(([k, v]) => [k, v.reduce((a, b) => a + b, 0) / v.length]),
  );
}

if (import.meta.main) runCli("ablation", main);
