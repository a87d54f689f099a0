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
 *   deno task ablation [--dataset fashion-mnist] [--preset hour|quick|paper|smoke]
 *     [--classes 0,6,8] [--seeds N] [--transforms a,b,...] [--jobs N] [--shard i/n]
 *     [--root results/ablation] [--retry-failed] [--summary-only] [--no-png]
 *     [--data-dir D] [--image-size N] [--channels 1|3] [--no-verify] [--backend B]
 *     [--precision fp32|bf16|auto] [--quiet] [--no-summary]
 *     [--slurm [--submit] [--runs-per-task N] [--max-parallel N] [--partition P] [--time T]
 *      [--cpus-per-task N] [--mem M] [--gres G] [--account A] [--slurm-template FILE]]
 *     [--status]
 *
 * Writes <root>/<dataset>/{runs/*.json, summary.json, summary.md, summary.html, summary.png,
 * summary.tex, summary.csv, summary-2.csv}.
 * Exit 1 when a run crashed (the summary is still written), 2 for bad usage.
 * @module
 */
import { join } from "node:path";
import { datasetClasses } from "../lib/data/dataset_classes.ts";
import { dataOptionsOf } from "../lib/data/flags.ts";
import { describeSource } from "../lib/data/provenance.ts";
import { ablationMarkdown, ablationReport } from "../lib/report/ablation_report.ts";
import { writeReportFiles } from "../lib/report/files.ts";
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
import { parsePrecision, type PrecisionRequest } from "../lib/backend/precision.ts";
import {
  type CommandSpec,
  COMMON_FLAGS,
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
  DEFAULT_ABLATION_PRESET,
  GEOMETRIC_SET,
  nonGeometricSets,
} from "./ablation_grid.ts";

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
    ...SWEEP_FLAGS,
    ...SLURM_FLAGS,
  },
  notes: [
    "presets:",
    ...ABLATION_PRESET_NAMES.map((n) => `  ${n}: ${ablationPreset(n).description}`),
  ],
} as const satisfies CommandSpec;

async function main(): Promise<void> {
  const parsed = parseCommand(ABLATION_COMMAND, Deno.args);
  if (!parsed) return;
  const { values } = parsed;
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
  });
  // Runs must match the data they would be run on now; --summary-only without --data-dir
  // summarises what is stored, wherever its data came from (the summary lists the sources).
  // On Slurm the array tasks resolve it where they run.
  const data = slurm || values["summary-only"] && values["data-dir"] === undefined
    ? undefined
    : await resolveSweepData(dataset, values["data-dir"]);
  if (data) { for (const spec of grid) spec.data = data; }
  const mine = shardOf(grid, shard);
  const dir = ablationDir(values.root, dataset, method);
  const log = (line: string) => {
    if (!values.quiet) console.error(`ablation: ${line}`);
  };
  if (slurm) {
    return await slurmSweep({
      command: "ablation",
      title: `${dataset}, preset ${presetName}`,
      specs: grid,
      dir,
      script: new URL(import.meta.url),
      gridArgs: forwardFlags(values, ["root", "data-dir"]),
      writeRoot: values.root!,
      slurm,
      retryFailed: values["retry-failed"],
      ...(values.jobs !== undefined ? { jobs } : {}),
      log,
    });
  }
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
    preset: { ...preset },
    grid: {
      transforms: [...new Set(mine.map((s) => s.overrides!.transforms!))],
      classes: [...new Set(grid.map((s) => s.normalClass))],
      seeds: Math.max(...grid.map((s) => s.seed)) + 1,
      runs: mine.length,
      shard,
    },
    outcomes,
    precision,
    data,
  });
  await writeJsonAtomic(join(dir, "summary.json"), summary);
  await writeTextAtomic(join(dir, "summary.md"), ablationMarkdown(summary));
  const files = await writeReportFiles(join(dir, "summary"), ablationReport(summary), {
    png: !values["no-png"],
  });
  const tables = await writeTableFiles(join(dir, "summary"), ablationTables(summary), {
    comment: `deno task ablation: ${dataset}, preset ${presetName}, generated ${summary.createdAt}`,
  });
  for (const s of summary.statements) console.log(`- ${s}`);
  console.log(`summary: ${join(dir, "summary.md")}, ${join(dir, "summary.json")}, ${files.html}`);
  console.log(`tables: ${tables.tex}, ${tables.csv.join(", ")}`);
  if (files.png) {
    console.log(files.png.ok ? `figure: ${files.png.path}` : `no PNG: ${files.png.reason}`);
  }
  if (files.figures) {
    console.log(
      files.figures.ok
        ? `figures (SVG, PDF, PNG): ${files.figures.dir}/`
        : `no SVG/PDF figures: ${files.figures.reason}`,
    );
  }
  const crashed = summary.runs.crashed.length;
  if (crashed > 0) {
    throw new RunError(
      `${crashed} of ${mine.length} runs ended without a result (see ${join(dir, "summary.md")});` +
        " run again to retry them",
    );
  }
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
  const setInfo: AblationSummary["setInfo"] = {};
  const seconds: Record<string, number[]> = {};
  for (const set of data.sets) {
    const t = getTransformSet(set, { height: 32, width: 32 });
    setInfo[set] = { size: t.size, kind: t.kind };
  }
  for (const { result } of ok) {
    const set = String(result.hyperparameters.transforms);
    (seconds[set] ??= []).push(result.timings.totalSeconds);
  }
  const found = new Set(collected.results.map((x) => join(dir, "runs", x.file)));
  const name = (path: string) => path.slice(path.lastIndexOf("/") + 1);
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
    runs: {
      used: ok.length,
      failed: collected.results
        .filter((x) => x.result.status === "failed")
        .map((x) => ({ file: x.file, reason: x.result.error ?? "failed" })),
      crashed: o.outcomes
        .filter((x) => x.status === "crashed")
        .map((x) => ({ file: name(x.spec.out), reason: `${describeRun(x.spec)}: ${x.error}` })),
      missing: o.outcomes.filter((x) => !found.has(x.spec.out)).map((x) => name(x.spec.out)),
      ignored: collected.ignored.map((x) => ({ file: x.file, reason: x.reason })),
      otherPresets: collected.otherPresets,
      unknown: collected.unknown,
    },
    dataUsed: [
      ...new Set(ok.map(({ result: r }) => `${r.dataset} (${describeSource(r.data)})`)),
    ].sort(),
    secondsPerRun: Object.fromEntries(
      Object.entries(seconds).map(([k, v]) => [k, v.reduce((a, b) => a + b, 0) / v.length]),
    ),
    ...data,
  };
}

if (import.meta.main) runCli("ablation", main);
