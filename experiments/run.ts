/**
 * `deno task run`: any registered method (lib/detectors/registry.ts) on one one-vs-rest split,
 * writing one versioned JSON result atomically. The ablation and comparison pools start one of
 * these per run; `deno task geom` is this command with the method fixed to geom.
 *
 *   deno task run --method M --dataset D|folder:DIR --normal C [--preset smoke|quick|paper]
 *     [--seed S] [--transforms SET] [--epochs N] [--model NAME] [--score a,b]
 *     [--train-limit N] [--test-limit N] [--out FILE] [--force] [--data-dir D]
 *     [--image-size N] [--channels 1|3] [--no-verify] [--backend B]
 *     [--precision fp32|bf16|auto] [--quiet] [--checkpoint-interval S] [--keep-checkpoint]
 *
 * GEOM saves its state every S seconds (default 300) and at each epoch end in `<out>.ckpt/`;
 * the same command run again resumes from there. The checkpoint is removed once the result
 * is written, unless --keep-checkpoint.
 *
 * `--out` is checked before any work: it must lie in the folders the task may write (links
 * followed), not be a folder or a link, and not hold another run's result or any other file
 * (`--force` overwrites). `--help` lists every flag with its type, default and an example.
 * Exit 0 with status ok, 1 with status failed (the result is still written, with the reason),
 * 2 for bad usage.
 * @module
 */
import { parsePrecision } from "../lib/backend/precision.ts";
import { parseBackend } from "../lib/backend/select.ts";
import { DATA_FLAGS, dataOptionsOf } from "../lib/data/flags.ts";
import { datasetKey } from "../lib/data/folder_scan.ts";
import { describeSource } from "../lib/data/provenance.ts";
import { getMethod, methodNames } from "../lib/detectors/registry.ts";
import { dieWithParent } from "../lib/experiments/pool.ts";
import { RESULT_SCHEMA, resultPath, runKey, writeRunResult } from "../lib/experiments/result.ts";
import { runMethod } from "../lib/experiments/run_one.ts";
import { formatMetricsTable } from "../lib/experiments/table.ts";
import { checkpointRoot, DEFAULT_CHECKPOINT_SECONDS } from "../lib/train/checkpoint.ts";
import { assertWritable } from "../lib/util/atomic.ts";
import {
  type CommandSpec,
  type FlagTable,
  type FlagValues,
  intFlag,
  listFlag,
  parseCommand,
  runCli,
  seedFlag,
  textFlag,
} from "../lib/util/cli.ts";
import { oneLine, RunError, UsageError } from "../lib/util/errors.ts";
import { checkOutputFile } from "../lib/util/sandbox.ts";

/** The flags of `deno task run` (and `deno task geom`, which has no --method). */
export const RUN_FLAGS = {
  method: {
    type: "string",
    arg: "M",
    kind: "method name (required)",
    help: "method to run",
    example: "--method raw-ocsvm",
  },
  dataset: {
    type: "string",
    arg: "D",
    kind: "dataset name or folder:DIR (required)",
    help: "dataset (one-vs-rest splits of its classes); folder:DIR reads DIR/train/<class>/* " +
      "and DIR/test/<class>/*, classes in sorted name order",
    example: "--dataset fashion-mnist",
  },
  normal: {
    type: "string",
    arg: "C",
    kind: "integer >= 0 (class index, required)",
    help: "the normal class; every other class is anomalous",
    example: "--normal 3",
  },
  preset: {
    type: "string",
    default: "quick",
    arg: "P",
    kind: "smoke|quick|paper (GEOM also catsvsdogs-paper|catsvsdogs-quick|catsvsdogs-smoke)",
    help: "configuration preset of the method",
    example: "--preset smoke",
  },
  seed: {
    type: "string",
    arg: "S",
    kind: "integer in [0, 2^32)",
    help: "seed of the data subsets, initialisation and training order",
    defaultText: "0",
    example: "--seed 3",
  },
  transforms: {
    type: "string",
    arg: "SET",
    kind: "transform set name",
    help: "GEOM, GOAD: transform set instead of the preset's",
    defaultText: "the preset's (geometric72)",
    example: "--transforms rot4",
  },
  epochs: {
    type: "string",
    arg: "N",
    kind: "integer >= 1",
    help: "GEOM, GOAD, rot-trans: training epochs instead of the preset's",
    defaultText: "the preset's",
    example: "--epochs 2",
  },
  model: {
    type: "string",
    arg: "NAME",
    kind: "network name",
    help: "GEOM, GOAD, rot-trans: network instead of the preset's",
    defaultText: "the preset's",
    example: "--model small-cnn",
  },
  score: {
    type: "string",
    arg: "LIST",
    kind: "comma-separated score names",
    help:
      "GEOM (GOAD: goad,goad-eps0; rot-trans: heads,heads-log): scores to compute, the first one primary",
    defaultText: "dirichlet,simple,max-softmax,entropy",
    example: "--score dirichlet,simple",
  },
  "train-limit": {
    type: "string",
    arg: "N",
    kind: "integer >= 1",
    help: "use a seeded subset of N normal training images",
    defaultText: "the preset's",
    example: "--train-limit 500",
  },
  "test-limit": {
    type: "string",
    arg: "N",
    kind: "integer >= 1",
    help: "use a seeded, stratified subset of N test images",
    defaultText: "the preset's",
    example: "--test-limit 2000",
  },
  out: {
    type: "string",
    arg: "FILE",
    kind: "path of a .json file under results/",
    help: "where the result record goes (checked before any work)",
    defaultText: "results/<method>/<dataset>/<preset>/class-<c>/seed-<s>.json",
    example: "--out results/mine/r.json",
  },
  force: {
    type: "boolean",
    default: false,
    help: "overwrite --out even when it holds another run's result or another file",
    example: "--force",
  },
  "data-dir": {
    type: "string",
    arg: "DIR",
    kind: "folder",
    help: "folder with the dataset's official files (or holding a relative folder:DIR)",
    defaultText: "GEOMAD_DATA_DIR, data/cache, system packages, else the embedded sample",
    example: "--data-dir /srv/fashion-mnist",
  },
  ...DATA_FLAGS,
  backend: {
    type: "string",
    arg: "B",
    kind: "auto|tensorflow|native|wasm|cpu|webgpu",
    help: "tfjs backend",
    defaultText: "auto",
    example: "--backend wasm",
  },
  precision: {
    type: "string",
    arg: "P",
    kind: "fp32|bf16|auto",
    help: "arithmetic precision (bf16 only on the native backend); recorded in the result",
    defaultText: "auto",
    example: "--precision bf16",
  },
  quiet: {
    type: "boolean",
    default: false,
    help: "no header or progress lines",
    example: "--quiet",
  },
  "checkpoint-interval": {
    type: "string",
    arg: "S",
    kind: "integer >= 0 (seconds)",
    help:
      "GEOM, GOAD, rot-trans: save the run's state every S seconds and at each epoch end in <out>.ckpt/; " +
      "the same command run again resumes from there",
    defaultText: String(DEFAULT_CHECKPOINT_SECONDS),
    example: "--checkpoint-interval 60",
  },
  "keep-checkpoint": {
    type: "boolean",
    default: false,
    help: "keep <out>.ckpt/ after the result is written",
    example: "--keep-checkpoint",
  },
} as const satisfies FlagTable;

/** The command line of `deno task run`, or of `deno task <method>` (no --method flag). */
export function runCommandSpec(fixedMethod?: string): CommandSpec {
  const { method: _, ...rest } = RUN_FLAGS;
  const task = fixedMethod ?? "run";
  return {
    command: `deno task ${task}`,
    usage: `${fixedMethod ? "" : "--method M "}--dataset D --normal C [--preset P] [--seed S] ` +
      "[--out FILE] [flags]",
    about: `${fixedMethod ? `One ${fixedMethod} run` : "One run of any method"} on one ` +
      "one-vs-rest split, writing one versioned JSON result atomically. Exit 0 with status ok, " +
      "1 with status failed (the result is still written, with the reason), 2 for bad usage.",
    flags: fixedMethod ? rest : RUN_FLAGS,
    ...(fixedMethod ? {} : { notes: [`methods: ${methodNames().join(", ")}`] }),
  };
}

/**
 * Checks `--out` before any work: inside the folders the task may write (links followed), not
 * a folder or a link, and not holding another run's result or any other file unless `force`.
 * @throws {UsageError}
 */
export function checkOut(out: string, key: string, force: boolean): void {
  checkOutputFile("out", out);
  try {
    assertWritable(out);
  } catch (err) {
    throw new UsageError(`cannot write result to ${out}: ${oneLine(err)}`);
  }
  if (force) return;
  let text: string;
  try {
    text = Deno.readTextFileSync(out);
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return;
    throw new UsageError(`cannot read --out ${out}: ${oneLine(err)}`);
  }
  let stored: string | undefined;
  try {
    const r = JSON.parse(text);
    if (r?.schema === RESULT_SCHEMA) stored = runKey(r);
  } catch {
    stored = undefined;
  }
  if (stored === undefined) {
    throw new UsageError(
      `--out ${out} exists and is not a geomad result; pass --force to overwrite`,
    );
  }
  if (stored !== key) {
    throw new UsageError(
      `--out ${out} holds the result of another run (${stored}, not ${key}); ` +
        "pass --force to overwrite it",
    );
  }
}

/**
 * The `run` command; with `fixedMethod` (e.g. "geom") the command for that one method, which
 * takes no `--method` flag.
 */
export async function runCommand(args: string[], fixedMethod?: string): Promise<void> {
  dieWithParent();
  const parsed = parseCommand(runCommandSpec(fixedMethod), args);
  if (!parsed) return;
  const values = parsed.values as FlagValues<typeof RUN_FLAGS>;
  const method = fixedMethod ?? values.method;
  if (method === undefined) throw new UsageError("--method is required");
  for (const key of ["dataset", "normal"] as const) {
    if (values[key] === undefined) throw new UsageError(`--${key} is required`);
  }
  const dataset = textFlag("dataset", values.dataset)!, preset = values.preset;
  const normalClass = intFlag("normal", values.normal, 0, { min: 0 });
  const seed = seedFlag(values.seed);
  const overrides = {
    transforms: textFlag("transforms", values.transforms),
    model: textFlag("model", values.model),
    scores: listFlag(values.score, "score"),
    epochs: optionalInt("epochs", values.epochs),
    trainLimit: optionalInt("train-limit", values["train-limit"]),
    testLimit: optionalInt("test-limit", values["test-limit"]),
  };
  const backend = values.backend === undefined
    ? undefined
    : parseBackend(textFlag("backend", values.backend));
  const dataOptions = dataOptionsOf(values);
  const precision = parsePrecision(values.precision);
  const interval = intFlag(
    "checkpoint-interval",
    values["checkpoint-interval"],
    DEFAULT_CHECKPOINT_SECONDS,
    { min: 0 },
  );
  getMethod(method).plan(preset, overrides); // unknown method, preset or override: usage error
  // folder:DIR is stored (and keyed) under its path-safe name, folder-<name>
  const stored = { method, dataset: datasetKey(dataset), preset, normalClass, seed };
  const key = runKey(stored);
  const out = values.out ?? resultPath("results", stored);
  checkOut(out, key, values.force);
  const { result } = await runMethod(method, { dataset, normalClass }, {
    preset,
    seed,
    overrides,
    backend,
    precision,
    ...dataOptions,
    quiet: values.quiet,
    checkpoint: {
      dir: checkpointRoot(out),
      intervalSeconds: interval,
      keep: values["keep-checkpoint"],
    },
    // written before the checkpoint is removed: a kill in between loses nothing
    onResult: (result) => writeRunResult(out, result),
    onReady: ({ backend, train, test, meta }) => {
      if (values.quiet) return;
      console.error(
        `${
          fixedMethod ? `${fixedMethod}:` : `run: ${method}`
        } ${meta.dataset} class ${normalClass} ` +
          `(${meta.normalClassName}) seed ${seed} preset ${preset}, train ${train}, ` +
          `test ${test}, source ${describeSource(meta)}, backend ${backend.name} ` +
          backend.precision,
      );
    },
  });
  if (result.status !== "ok") throw new RunError(`${result.error} (result written to ${out})`);
  console.log(formatMetricsTable(result));
  console.log(`result: ${out}`);
}

function optionalInt(name: string, value: string | undefined): number | undefined {
  return value === undefined ? undefined : intFlag(name, value, 0, { min: 1 });
}

if (import.meta.main) runCli("run", () => runCommand(Deno.args));
