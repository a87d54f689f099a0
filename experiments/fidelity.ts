/**
 * `deno task fidelity`: the same GEOM runs in fp32 and in bf16, compared per class (the
 * acceptance that lets `--precision auto` pick bf16). Resumable like every sweep: finished runs
 * are reused, so it can be stopped and started again.
 *
 *   deno task fidelity [--dataset fashion-mnist] [--preset quick] [--classes 0,1,...] [--seed 0]
 *     [--jobs 1] [--root results/fidelity] [--data-dir D] [--quiet]
 *
 * Writes `<root>/<dataset>/<preset>/summary.{json,md}`; exit 1 when a run failed.
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
import { jobsFlag, planOf, type RunSpec, runSweep } from "../lib/experiments/sweep.ts";
import { writeJsonAtomic, writeTextAtomic } from "../lib/util/atomic.ts";
import { intFlag, listFlag, parseFlags, runCli } from "../lib/util/cli.ts";
import { RunError, UsageError } from "../lib/util/errors.ts";

const USAGE = "usage: deno task fidelity [--dataset D] [--preset P] [--classes 0,1] [--seed S] " +
  "[--jobs N] [--root DIR] [--data-dir D] [--quiet]";

async function main(): Promise<void> {
  const { values: v, positionals } = parseFlags(Deno.args, {
    dataset: { type: "string", default: "fashion-mnist" },
    preset: { type: "string", default: "quick" },
    classes: { type: "string" },
    seed: { type: "string" },
    jobs: { type: "string", default: "1" },
    root: { type: "string", default: "results/fidelity" },
    "data-dir": { type: "string" },
    quiet: { type: "boolean", default: false },
    help: { type: "boolean", default: false },
  });
  if (v.help) return console.log(USAGE);
  if (positionals.length > 0) throw new UsageError(`unexpected argument '${positionals[0]}'`);
  const dataset = v.dataset!, preset = v.preset!;
  const spec = getDatasetSpec(dataset);
  const classes = listFlag(v.classes)?.map((c) => intFlag("classes", c, 0)) ??
    spec.classNames.map((_, i) => i);
  for (const c of classes) checkClassIndex(spec, c);
  const seed = intFlag("seed", v.seed, 0);
  const dir = join(v.root!, dataset, preset);
  const specs: RunSpec[] = [];
  for (const normalClass of classes) {
    for (const precision of ["fp32", "bf16"] as const) {
      specs.push({
        method: "geom",
        dataset,
        normalClass,
        seed,
        preset,
        precision,
        backend: "native",
        out: join(dir, precision, `class-${normalClass}-seed-${seed}.json`),
        ...(v["data-dir"] !== undefined ? { dataDir: v["data-dir"] } : {}),
      });
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
}

if (import.meta.main) runCli("fidelity", main);
