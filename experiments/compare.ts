/**
 * `deno task compare`: GEOM and its baselines on the same one-vs-rest splits, side by side.
 * Runs (one process each, `--jobs` at once) or reuses the finished results at their canonical
 * paths (results/<method>/<dataset>/<preset>/class-<c>/seed-<s>.json, the same files
 * `deno task run` and `deno task geom` write), then writes results/compare/<dataset>/
 * summary.json, summary.md (rows = classes + mean, columns = methods, the paper's published
 * numbers beside them), summary.html / summary.png (grouped bars) and summary.tex / summary.csv
 * (the table for papers and spreadsheets; summary-2.csv, the paired table, with kept scores).
 *
 *   deno task compare --dataset D|folder:DIR [--classes 0,1,...] [--methods geom,raw-ocsvm,...]
 *     [--preset smoke|quick|paper] [--seeds N] [--jobs N] [--root results]
 *     [--retry-failed] [--summary-only] [--no-png] [--data-dir D] [--image-size N]
 *     [--channels 1|3] [--no-verify] [--backend B]
 *     [--precision fp32|bf16|auto] [--keep-scores] [--quiet]
 *
 * `--keep-scores` keeps every run's test scores beside its result. The summary tests each method
 * against the first, class by class and seed by seed, on the same test images, wherever it finds
 * kept scores (DeLong's paired test, lib/experiments/compare_paired.ts; p per test and
 * Holm-adjusted over all the summary's tests, `paired` and `pHolm`, with a figure in summary.html);
 * results finished without them are reused as they are and listed as not paired. With
 * `--seeds N` (N >= 2) the summary also pairs each method with the first seed by seed on the same
 * data, with a paired t-test over seeds (`seedPaired`, lib/experiments/compare_seeds.ts).
 *
 * A run that fails (status failed, e.g. a NaN loss) is shown as failed with its reason and the
 * comparison goes on. Exit 1 when a run crashed without a result (the summary is still
 * written), 2 for bad usage (e.g. an unknown method: the message lists the methods).
 *
 * `--shard i/n` runs a disjoint part of the runs; `--no-summary` only runs. `--slurm` writes
 * Slurm batch scripts under <root>/compare/<dataset>/slurm/ instead of running (a job array
 * whose task i runs `--shard i/K` with this same command, and a summary job); `--submit`
 * submits them, `--status` shows every run's state, `--retry-failed` with `--slurm` resubmits
 * only what failed or is missing (see lib/experiments/slurm_sweep.ts and `deno task ablation`).
 * @module
 */
import { join } from "node:path";
import { parsePrecision } from "../lib/backend/precision.ts";
import { datasetClasses } from "../lib/data/dataset_classes.ts";
import { dataOptionsOf } from "../lib/data/flags.ts";
import { describeSource } from "../lib/data/provenance.ts";
import { checkClassIndex } from "../lib/data/registry.ts";
import { getMethod, type MethodEntry, methodNames } from "../lib/detectors/catalogue.ts";
import {
  compareFigure,
  compareMarkdown,
  type CompareSummaryData,
  compareSummaryRecord,
  type CompareSummaryRun,
  compareTable,
  summarizeCompare,
} from "../lib/experiments/compare_summary.ts";
import { pairedFigure } from "../lib/experiments/compare_paired.ts";
import { writeReportFiles, writtenLines } from "../lib/report/files.ts";
import { compareTables } from "../lib/report/paper_tables.ts";
import { writeTableFiles } from "../lib/report/table_files.ts";
import { resultPath } from "../lib/experiments/result.ts";
import {
  checkSweepFlags,
  describeRun,
  jobsFlag,
  parseShard,
  planOf,
  resolveSweepData,
  type RunSpec,
  runSweep,
  shardOf,
  SWEEP_FLAGS,
  type SweepOutcome,
} from "../lib/experiments/sweep.ts";
import { specFor, type SweepRunOptions } from "../lib/experiments/run_flags.ts";
import { SLURM_FLAGS, SLURM_USAGE, slurmOptions } from "../lib/experiments/slurm.ts";
import { forwardFlags, slurmSweep } from "../lib/experiments/slurm_sweep.ts";
import { writeJsonAtomic, writeTextAtomic } from "../lib/util/atomic.ts";
import { formatTable } from "../lib/experiments/table.ts";
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
import { RunError, UsageError } from "../lib/util/errors.ts";
import { keptScoresOrWhy, type ScoresFile } from "../lib/experiments/scores_file.ts";

/** Schema of the comparison summary. */
export const COMPARE_SCHEMA = "geomad.compare/v1";

/** The comparison command line (`--help` prints it). */
export const COMPARE_COMMAND = {
  command: "deno task compare",
  usage: "--dataset D [--classes 0,1,...] [--methods a,b,...] [--preset smoke|quick|paper] " +
    `[--seeds N] [--jobs N] [--root DIR] [--shard i/n] [flags] ${SLURM_USAGE}`,
  about: "GEOM and its baselines on the same one-vs-rest splits: runs (one process each) or " +
    "reuses results at results/<method>/<dataset>/<preset>/class-<c>/seed-<s>.json, then " +
    "writes <root>/compare/<dataset>/summary.{json,md,html,png} with the paper's numbers. " +
    "Exit 1 when a run crashed, 2 for bad usage.",
  flags: {
    dataset: {
      type: "string",
      arg: "D",
      kind: "dataset name or folder:DIR (required)",
      help: "dataset of every run (folder:DIR: DIR/train/<class>/*, DIR/test/<class>/*)",
      example: "--dataset fashion-mnist",
    },
    classes: COMMON_FLAGS.classes(),
    methods: {
      type: "string",
      arg: "LIST",
      kind: "comma-separated method names",
      help: "methods to compare",
      defaultText: "every method but cae-ocsvm-fair (it trains CAE-OC-SVM's autoencoder again)",
      example: "--methods geom,raw-ocsvm",
    },
    preset: {
      type: "string",
      default: "quick",
      arg: "P",
      kind: "smoke|quick|paper",
      help: "preset of every method",
      example: "--preset smoke",
    },
    root: COMMON_FLAGS.root(
      "results",
      "results root (runs and compare/); must be inside the folders the task may write",
      "--root results/compare-test",
    ),
    shard: COMMON_FLAGS.shard(
      "run only the i-th of n disjoint parts of the runs",
      "0/1 (all runs)",
    ),
    "keep-scores": {
      type: "boolean",
      default: false,
      help: "every run keeps its test scores beside its result, and the summary tests each " +
        "method against the first on the same test images (DeLong's paired test; counts also " +
        "after Holm's correction); results " +
        "finished without them are reused as they are",
      example: "--keep-scores",
    },
    ...SWEEP_FLAGS,
    ...SLURM_FLAGS,
  },
  notes: [`methods: ${methodNames().join(", ")}`],
} as const satisfies CommandSpec;

/** The flag values of {@link COMPARE_COMMAND}. */
type CompareValues = FlagValues<typeof COMPARE_COMMAND.flags>;

/** What a compare command line asks for, every flag checked, before anything runs. */
interface ComparePlan {
  dataset: string;
  preset: string;
  root: string;
  methods: MethodEntry[];
  classes: number[];
  classNames: readonly string[];
  seeds: number;
  jobs: number;
  slurm: ReturnType<typeof slurmOptions>;
  shard: ReturnType<typeof parseShard>;
  /** Every run of the comparison (all shards), every preset checked. */
  grid: RunSpec[];
  /** Where the summary goes: `<root>/compare/<dataset key>`. */
  dir: string;
}

/** Checks the flags and resolves the data; the runs of the comparison, not yet started. */
async function comparePlan(values: CompareValues): Promise<ComparePlan> {
  if (values.dataset === undefined) throw new UsageError("--dataset is required");
  const dataset = textFlag("dataset", values.dataset)!, preset = values.preset, root = values.root;
  checkOutputFolder("root", root);
  checkSweepFlags(values);
  const dataOptions = dataOptionsOf(values);
  const spec = datasetClasses(dataset, dataOptions);
  const key = spec.name; // path-safe: folder:DIR is stored as folder-<name>
  const methods = (listFlag(values.methods, "methods") ?? defaultMethods()).map(getMethod);
  const classes = intListFlag("classes", values.classes, { min: 0 }) ??
    spec.classNames.map((_, i) => i);
  for (const c of classes) checkClassIndex(spec, c);
  const seeds = intFlag("seeds", values.seeds, 1, { min: 1 });
  const jobs = jobsFlag(values.jobs);
  const slurm = slurmOptions(values);
  if (slurm && values.shard !== undefined) throw new UsageError("--shard cannot go with --slurm");
  const shard = parseShard(values.shard);
  // Runs must match the data they would be run on now; --summary-only without --data-dir
  // summarises what is stored, wherever its data came from.
  // On Slurm the array tasks resolve it where they run.
  const origin = slurm || values["summary-only"] && values["data-dir"] === undefined
    ? undefined
    : await resolveSweepData(dataset, values["data-dir"]);

  const shared = {
    dataset,
    preset,
    ...dataOptions,
    backend: values.backend,
    precision: parsePrecision(values.precision),
    data: origin,
    ...(values["keep-scores"] ? { keepScores: true } : {}),
  };
  const grid = compareGrid(methods, classes, seeds, root, key, shared);
  grid.forEach((s) => planOf(s)); // every preset checked before anything runs
  const dir = join(root, "compare", key);
  return {
    dataset,
    preset,
    root,
    methods,
    classes,
    classNames: spec.classNames,
    seeds,
    jobs,
    slurm,
    shard,
    grid,
    dir,
  };
}

async function main(): Promise<void> {
  const parsed = parseCommand(COMPARE_COMMAND, Deno.args);
  if (!parsed) return;
  const { values } = parsed;
  const plan = await comparePlan(values);
  const { dataset, preset, methods, classes, seeds, jobs, shard, grid, dir } = plan;
  const log = (line: string) => {
    if (!values.quiet) console.error(`compare: ${line}`);
  };
  if (plan.slurm) {
    return await slurmSweep({
      command: "compare",
      title: `${dataset}, preset ${preset}`,
      specs: grid,
      dir,
      script: new URL(import.meta.url),
      gridArgs: forwardFlags(values, ["root", "data-dir"]),
      writeRoot: plan.root,
      slurm: plan.slurm,
      retryFailed: values["retry-failed"],
      ...(values.jobs !== undefined ? { jobs } : {}),
      log,
    });
  }
  const specs = shardOf(grid, shard);
  log(
    `${dataset}, preset ${preset}: ${methods.map((m) => m.name).join(", ")} x ` +
      `${classes.length} classes x ${seeds} seeds` +
      (shard.count > 1
        ? `, shard ${shard.index}/${shard.count}: ${specs.length} of ${grid.length} runs`
        : ""),
  );
  const outcomes = await runSweep(specs, {
    jobs,
    script: new URL("./run.ts", import.meta.url),
    retryFailed: values["retry-failed"],
    label: "compare",
    log,
    quiet: values.quiet,
    skipRuns: values["summary-only"],
  });
  const crashed = outcomes.filter((o) => o.status === "crashed");
  for (const o of crashed) log(`crashed: ${describeRun(o.spec)}: ${o.error}`);
  if (!values["no-summary"]) {
    await writeCompareSummary(dir, outcomes, { ...plan, png: !values["no-png"] });
  }
  if (crashed.length > 0) {
    throw new RunError(
      `${crashed.length} of ${specs.length} runs ended without a result; ` +
        "run again to retry them",
    );
  }
}

/** Every run of a comparison: methods x seeds x classes, at their canonical result paths. */
function compareGrid(
  methods: MethodEntry[],
  classes: number[],
  seeds: number,
  root: string,
  key: string,
  shared: SweepRunOptions,
): RunSpec[] {
  const { preset } = shared;
  const grid: RunSpec[] = [];
  for (const m of methods) {
    for (let seed = 0; seed < seeds; seed++) {
      for (const normalClass of classes) {
        const out = resultPath(root, { method: m.name, dataset: key, preset, normalClass, seed });
        grid.push(specFor({ method: m.name, normalClass, seed, out }, shared));
      }
    }
  }
  return grid;
}

/**
 * Summarises the outcomes into `<dir>/summary.json`, `summary.md` and the chart
 * (`summary.html`, `summary.png`), and prints the table.
 */
async function writeCompareSummary(
  dir: string,
  outcomes: SweepOutcome[],
  o: {
    dataset: string;
    preset: string;
    seeds: number;
    methods: MethodEntry[];
    classes: number[];
    classNames: readonly string[];
    png: boolean;
  },
): Promise<void> {
  const { dataset, preset, seeds, classNames } = o;
  const data = summarizeOutcomes(await withKeptScores(outcomes), o);
  const createdAt = new Date().toISOString();
  const dataUsed = dataSources(outcomes);
  const meta = {
    schema: COMPARE_SCHEMA,
    createdAt,
    dataset,
    preset,
    seeds,
    classNames: [...classNames],
  };
  await writeJsonAtomic(
    join(dir, "summary.json"),
    compareSummaryRecord(data, meta, outcomes.map(summaryRun)),
  );
  await writeTextAtomic(
    join(dir, "summary.md"),
    compareMarkdown(data, { dataset, preset, seeds, classNames, createdAt, dataUsed }),
  );
  const files = await writeReportFiles(join(dir, "summary"), {
    title: `Method comparison: ${dataset}, preset ${preset}`,
    meta: [`generated ${createdAt}`, ...dataUsed.map((d) => `data: ${d}`)],
    sections: [
      {
        title: "AUROC per class",
        figures: [compareFigure(data, { dataset, classNames })],
      },
      ...(data.paired?.pairs.length
        ? [{
          title: "Paired against the first method, on the same test images",
          figures: [pairedFigure(data.paired, data.methods, { ...o, dataset })],
        }]
        : []),
    ],
  }, { png: o.png });
  const tables = await writeTableFiles(
    join(dir, "summary"),
    compareTables(data, { dataset, preset, seeds, classNames }),
    { comment: `deno task compare: ${dataset}, preset ${preset}, generated ${createdAt}` },
  );
  const t = compareTable(data, { dataset, classNames });
  console.log(formatTable(t.header, t.rows));
  console.log(`summary: ${join(dir, "summary.md")}, ${join(dir, "summary.json")}, ${files.html}`);
  for (const line of writtenLines(files, tables)) console.log(line);
}

/**
 * The outcomes with the scores their finished runs kept (`<out stem>.scores.json.gz`, when it is
 * that record's), or why a run has none.
 */
async function withKeptScores(
  outcomes: SweepOutcome[],
): Promise<Array<SweepOutcome & { scores?: ScoresFile; noScores?: string }>> {
  // One file at a time: a large sweep's files unzipped at once would hold gigabytes at the peak.
  const out: Array<SweepOutcome & { scores?: ScoresFile; noScores?: string }> = [];
  for (const x of outcomes) {
    out.push(
      x.result?.status === "ok"
        ? { ...x, ...await keptScoresOrWhy(x.spec.out, x.result.digest) }
        : x,
    );
  }
  return out;
}

/** The comparison's cells (method x class, and the mean row) from the sweep's outcomes. */
function summarizeOutcomes(
  outcomes: Array<SweepOutcome & { scores?: ScoresFile; noScores?: string }>,
  o: { dataset: string; methods: MethodEntry[]; classes: number[]; classNames: readonly string[] },
): CompareSummaryData {
  return summarizeCompare(
    outcomes.map((x) => ({
      method: x.spec.method,
      normalClass: x.spec.normalClass,
      seed: x.spec.seed,
      status: x.status,
      result: x.result,
      error: x.error,
      scores: x.scores,
      noScores: x.noScores,
    })),
    {
      methods: o.methods.map((m) => ({ ...m })),
      classes: o.classes,
      dataset: o.dataset,
      allClasses: o.classNames.length,
    },
  );
}

/** The data sources the results were computed on, each once, sorted. */
function dataSources(outcomes: SweepOutcome[]): string[] {
  return [
    ...new Set(outcomes.flatMap((x) => x.result ? [describeSource(x.result.data)] : [])),
  ].sort();
}

/** One run's line of summary.json: what ran, how it ended, where its result is. */
function summaryRun(x: SweepOutcome): CompareSummaryRun {
  return {
    method: x.spec.method,
    normalClass: x.spec.normalClass,
    seed: x.spec.seed,
    status: x.result?.status === "failed" ? "failed" : x.status,
    file: x.spec.out,
    ...(x.error ? { error: x.error } : {}),
  };
}

/** Every method of the catalogue but the variants that retrain another's networks. */
export function defaultMethods(): string[] {
  return methodNames().filter((m) => !getMethod(m).variantOf);
}

if (import.meta.main) runCli("compare", main);
