/**
 * `deno task fidelity`: the same GEOM runs in fp32 and in bf16, compared per class (the
 * acceptance that lets `--precision auto` pick bf16). Resumable like every sweep: finished runs
 * are reused, so it can be stopped and started again.
 *
 *   deno task fidelity [--dataset fashion-mnist] [--preset quick] [--classes 0,1,...] [--seed 0]
 *     [--jobs 1] [--root results/fidelity] [--data-dir D] [--quiet]
 *
 * Writes `<root>/<dataset>/<preset>/summary.{json,md}`; exit 1 when a run failed or bf16 is
 * outside the limits.
 * @module
 */
import { join } from "node:path";
import { checkClassIndex, getDatasetSpec } from "../lib/data/registry.ts";
import {
  compareFidelity,
  FIDELITY_LIMITS,
  fidelityMarkdown,
} from "../lib/experiments/precision_fidelity.ts";
import type { RunResult } from "../lib/experiments/result.ts";
import {
  jobsFlag,
  planOf,
  resolveSweepData,
  type RunSpec,
  runSweep,
} from "../lib/experiments/sweep.ts";
import { specFor } from "../lib/experiments/run_flags.ts";
import { writeJsonAtomic, writeTextAtomic } from "../lib/util/atomic.ts";
import {
  type CommandSpec,
  COMMON_FLAGS,
  intListFlag,
  parseCommand,
  runCli,
  seedFlag,
  textFlag,
} from "../lib/util/cli.ts";
import { RunError } from "../lib/util/errors.ts";
import { checkOutputFolder } from "../lib/util/sandbox.ts";

/** The fidelity command line (`--help` prints it). */
const COMMAND = {
  command: "deno task fidelity",
  usage: "[--dataset D] [--preset P] [--classes 0,1] [--seed S] [--jobs N] [--root DIR] " +
    "[--data-dir D] [--quiet]",
  about: "The same GEOM runs in fp32 and in bf16 on the native backend, compared per class " +
    "(the acceptance that lets --precision auto pick bf16); resumable. Writes " +
    "<root>/<dataset>/<preset>/summary.{json,md}; exit 1 when a run failed or bf16 is " +
    "outside the limits.",
  flags: {
    dataset: {
      type: "string",
      default: "fashion-mnist",
      arg: "D",
      kind: "dataset name",
      help: "dataset",
      example: "--dataset cifar10",
    },
    preset: {
      type: "string",
      default: "quick",
      arg: "P",
      kind: "smoke|quick|paper",
      help: "GEOM preset",
      example: "--preset smoke",
    },
    classes: COMMON_FLAGS.classes(),
    seed: COMMON_FLAGS.seed("seed of every run", "--seed 1"),
    jobs: {
      type: "string",
      default: "1",
      arg: "N",
      kind: "integer >= 1",
      help: "runs (processes) at once",
      example: "--jobs 2",
    },
    root: COMMON_FLAGS.root(
      "results/fidelity",
      "where runs and summaries go; must be inside the folders the task may write",
      "--root results/fidelity-2",
    ),
    "data-dir": COMMON_FLAGS.dataDir(
      "folder with the dataset's official files, passed to every run",
    ),
    quiet: COMMON_FLAGS.quiet(),
  },
} as const satisfies CommandSpec;

async function main(): Promise<void> {
  const parsed = parseCommand(COMMAND, Deno.args);
  if (!parsed) return;
  const v = parsed.values;
  const dataset = textFlag("dataset", v.dataset)!, preset = v.preset;
  const spec = getDatasetSpec(dataset);
  const classes = intListFlag("classes", v.classes, { min: 0 }) ??
    spec.classNames.map((_, i) => i);
  for (const c of classes) checkClassIndex(spec, c);
  const seed = seedFlag(v.seed);
  checkOutputFolder("root", v.root);
  const dataDir = textFlag("data-dir", v["data-dir"]);
  const origin = await resolveSweepData(dataset, dataDir);
  const dir = join(v.root, dataset, preset);
  const specs: RunSpec[] = [];
  for (const normalClass of classes) {
    for (const precision of ["fp32", "bf16"] as const) {
      const out = join(dir, precision, `class-${normalClass}-seed-${seed}.json`);
      const shared = { dataset, preset, dataDir, backend: "native", precision, data: origin };
      specs.push(specFor({ method: "geom", normalClass, seed, out }, shared));
    }
  }
  specs.forEach((s) => planOf(s));
  const log = (line: string) => {
    if (!v.quiet) console.error(`fidelity: ${line}`);
  };
  const outcomes = await runSweep(specs, {
    jobs: jobsFlag(v.jobs),
    script: new URL("./run.ts", import.meta.url),
    label: "fidelity",
    log,
    quiet: v.quiet,
  });
  const of = (p: string) =>
    outcomes.filter((o) => o.spec.precision === p && o.result).map((o) => o.result!) as RunResult[];
  const cmp = compareFidelity(of("fp32"), of("bf16"));
  const md = `# bf16 vs fp32: GEOM ${preset} on ${dataset}, seed ${seed}\n\n` +
    `AUROC per class (native backend); limits: mean |diff| <= ${FIDELITY_LIMITS.meanAbs}, ` +
    `every class <= ${FIDELITY_LIMITS.maxAbs}.\n\n${fidelityMarkdown(cmp)}`;
  await writeJsonAtomic(join(dir, "summary.json"), {
    schema: "geomad/fidelity@1",
    dataset,
    preset,
    seed,
    limits: FIDELITY_LIMITS,
    ...cmp,
    createdAt: new Date().toISOString(),
  });
  await writeTextAtomic(join(dir, "summary.md"), md);
  console.log(md);
  console.log(`summary: ${join(dir, "summary.md")}`);
  const bad = outcomes.filter((o) => o.status === "failed" || o.status === "crashed");
  if (bad.length > 0) throw new RunError(`${bad.length} runs failed; run again to retry them`);
  const outside = cmp.scores.filter((s) => !s.pass).map((s) => s.score);
  if (outside.length > 0) {
    throw new RunError(
      cmp.rows.length === 0
        ? "no class has both precisions' results to compare"
        : `bf16 is outside the limits on ${outside.join(", ")} (see ${join(dir, "summary.md")})`,
    );
  }
}

if (import.meta.main) runCli("fidelity", main);
