/**
 * `deno task demo`: the README's main job. GEOM (quick preset) on the embedded sample of real
 * Fashion-MNIST (no download): prints its metrics tables and writes, under results/demo/,
 *   result.json   the versioned run record
 *   report.html   self-contained report (plotly ROC curves, score histograms, montages)
 *   report.png    a screenshot of it, when a headless chromium is available
 *   montage-normal.png / montage-anomalous.png   most normal / most anomalous test images
 *
 *   deno task demo [--normal C] [--preset quick|smoke|paper] [--dataset D|folder:DIR] [--seed N]
 *     [--backend B] [--precision fp32|bf16|auto] [--out-dir DIR] [--quiet] [--data-dir DIR]
 *     [--image-size N] [--channels 1|3] [--no-verify]
 * @module
 */
import { DATA_DIR_FLAG, DATA_FLAGS, dataOptionsOf, describeSource } from "../lib/data/mod.ts";
import { parsePrecision } from "../lib/backend/precision.ts";
import { RUN_FLAGS } from "../lib/experiments/run_flags.ts";
import { runMethodKept } from "../lib/experiments/run_method.ts";
import { writeRunResult } from "../lib/experiments/result.ts";
import { extremeMontages, runReport } from "../lib/report/run_report.ts";
import { formatMetricsTable } from "../lib/experiments/table.ts";
import { writeReport } from "../lib/report/files.ts";
import { writeFileAtomic } from "../lib/util/atomic.ts";
import {
  type CommandSpec,
  COMMON_FLAGS,
  intFlag,
  parseCommand,
  runCli,
  seedFlag,
} from "../lib/util/cli.ts";
import { RunError } from "../lib/util/errors.ts";
import { checkOutputFolder } from "../lib/util/sandbox.ts";

/** The demo's command line (`--help` prints it). */
export const DEMO_COMMAND = {
  command: "deno task demo",
  usage: "[--normal C] [--preset quick|smoke|paper] [--dataset D|folder:DIR] [--seed N] " +
    "[--backend B] [--precision fp32|bf16|auto] [--out-dir DIR] [--quiet] [--data-dir DIR] " +
    "[--image-size N] [--channels 1|3] [--no-verify]",
  about: "GEOM on the embedded real Fashion-MNIST sample: prints its metrics tables and writes " +
    "result.json, report.html (and report.png with chromium) and two montages to --out-dir.",
  flags: {
    dataset: {
      type: "string",
      default: "fashion-mnist-sample",
      arg: "D",
      kind: "dataset name or folder:DIR",
      help: "dataset (folder:DIR: DIR/train/<class>/*, DIR/test/<class>/*)",
      example: "--dataset fashion-mnist",
    },
    normal: {
      type: "string",
      default: "0",
      arg: "C",
      kind: "integer >= 0 (class index)",
      help: "the normal class",
      example: "--normal 3",
    },
    preset: {
      type: "string",
      default: "quick",
      arg: "P",
      kind: "smoke|quick|paper",
      help: "GEOM preset",
      example: "--preset smoke",
    },
    seed: {
      type: "string",
      default: "0",
      arg: "N",
      kind: "integer in [0, 2^32)",
      help: "seed of the data subsets, initialisation and training order",
      example: "--seed 1",
    },
    backend: COMMON_FLAGS.backend(),
    precision: RUN_FLAGS.precision,
    "out-dir": {
      type: "string",
      default: "results/demo",
      arg: "DIR",
      kind: "folder under results/",
      help: "where the result, report and montages go",
      example: "--out-dir results/demo-class3",
    },
    quiet: COMMON_FLAGS.quiet("no header or progress lines"),
    ...DATA_DIR_FLAG,
    ...DATA_FLAGS,
  },
} as const satisfies CommandSpec;

async function main(): Promise<void> {
  const parsed = parseCommand(DEMO_COMMAND, Deno.args);
  if (!parsed) return;
  const { values } = parsed;
  const normal = intFlag("normal", values.normal, 0, { min: 0 });
  const seed = seedFlag(values.seed);
  checkOutputFolder("out-dir", values["out-dir"]);
  const dir = values["out-dir"]!;
  const log = (s: string) => values.quiet || console.error(s);
  const run = await runMethodKept("geom", { dataset: values.dataset!, normalClass: normal }, {
    preset: values.preset!,
    seed,
    backend: values.backend,
    precision: parsePrecision(values.precision),
    ...dataOptionsOf(values),
    quiet: values.quiet,
    onReady: ({ backend, train, test, meta }) =>
      log(
        `demo: GEOM ${values.preset} on ${meta.dataset} (${describeSource(meta)}), normal ` +
          `class ${normal} (${meta.normalClassName}): ${train} train, ${test} test images, ` +
          `backend ${backend.name}, ${backend.precision}`,
      ),
  });
  run.detector.dispose();
  const { result, scores, data } = run;
  await writeRunResult(`${dir}/result.json`, result);
  if (result.status !== "ok") throw new RunError(`${result.error} (see ${dir}/result.json)`);

  const main = scores.dirichlet ?? Object.values(scores)[0]!;
  const m = await extremeMontages(data.test, main, 32);
  await writeFileAtomic(`${dir}/montage-normal.png`, m.normal);
  await writeFileAtomic(`${dir}/montage-anomalous.png`, m.anomalous);
  const report = await runReport(result, scores, data.test, data.testLabels);
  const { png } = await writeReport(report, { html: `${dir}/report.html` });

  console.log(formatMetricsTable(result));
  console.log(
    `wrote ${dir}/result.json, ${dir}/report.html, ${dir}/montage-normal.png, ` +
      `${dir}/montage-anomalous.png${png?.ok ? `, ${dir}/report.png` : ""}`,
  );
  if (png && !png.ok) console.log(`(no report.png: ${png.reason})`);
}

if (import.meta.main) runCli("demo", main);
