/**
 * `deno task run`: any registered method (lib/detectors/catalogue.ts) on one one-vs-rest split,
 * writing one versioned JSON result atomically. The ablation and comparison pools start one of
 * these per run; `deno task geom` is this command with the method fixed to geom.
 *
 *   deno task run --method M --dataset D|folder:DIR --normal C [--preset smoke|quick|paper]
 *     [--seed S] [--transforms SET] [--epochs N] [--model NAME] [--score a,b]
 *     [--train-limit N] [--test-limit N] [--out FILE] [--force] [--data-dir D]
 *     [--image-size N] [--channels 1|3] [--no-verify] [--backend B]
 *     [--precision fp32|bf16|auto] [--quiet] [--checkpoint-interval S] [--keep-checkpoint]
 *     [--keep-scores]
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
import { dataOptionsOf } from "../lib/data/flags.ts";
import { datasetKey } from "../lib/data/folder_scan.ts";
import { describeSource } from "../lib/data/provenance.ts";
import { getMethod, methodNames } from "../lib/detectors/catalogue.ts";
import { dieWithParent } from "../lib/experiments/process_pool.ts";
import { RESULT_SCHEMA, resultPath, runKey, writeRunResult } from "../lib/experiments/result.ts";
import { runMethod } from "../lib/experiments/run_method.ts";
import { formatMetricsTable } from "../lib/experiments/table.ts";
import { scoresPathOf } from "../lib/experiments/scores_file.ts";
import { checkpointRoot, DEFAULT_CHECKPOINT_SECONDS } from "../lib/train/checkpoint.ts";
import { assertWritable } from "../lib/util/atomic.ts";
import {
  RUN_FLAGS,
  type RunFlagValues,
  type RunSpec,
  runSpecOf,
} from "../lib/experiments/run_flags.ts";
import { storedState } from "../lib/experiments/reuse.ts";
import { type CommandSpec, intFlag, parseCommand, runCli } from "../lib/util/cli.ts";
import { oneLine, RunError, UsageError } from "../lib/util/errors.ts";
import { checkOutputFile } from "../lib/util/sandbox.ts";

export { RUN_FLAGS };

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
 * a folder or a link, and not holding another run's result or any other file unless `force`
 * (and {@linkcode checkSameSettings}: not this run made otherwise).
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
 * Refuses to replace a stored result of this run (same key) that this command would not make
 * again: other overrides, data limits, precision request or hyperparameters, or a record of an
 * older geomad that lacks one (the check sweeps use to reuse a result, {@linkcode storedState}).
 * A damaged record is left to the run to replace, as before.
 * @throws {UsageError}
 */
async function checkSameSettings(spec: RunSpec): Promise<void> {
  const stored = await storedState(spec);
  if (stored.state !== "stale") return;
  throw new UsageError(
    `--out ${spec.out} holds this run, made otherwise (${stored.reason}); ` +
      "pass --out FILE to keep both, or --force to replace it",
  );
}

/**
 * The `run` command; with `fixedMethod` (e.g. "geom") the command for that one method, which
 * takes no `--method` flag.
 */
export async function runCommand(args: string[], fixedMethod?: string): Promise<void> {
  dieWithParent();
  const parsed = parseCommand(runCommandSpec(fixedMethod), args);
  if (!parsed) return;
  const values = parsed.values as RunFlagValues;
  const spec = runSpecOf(fixedMethod ? { ...values, method: fixedMethod } : values);
  const { method, dataset, normalClass, seed, preset, overrides } = spec;
  const interval = intFlag(
    "checkpoint-interval",
    values["checkpoint-interval"],
    DEFAULT_CHECKPOINT_SECONDS,
    { min: 0 },
  );
  const entry = getMethod(method);
  entry.plan(preset, overrides); // unknown method, preset or override: usage error
  // folder:DIR is stored (and keyed) under its path-safe name, folder-<name>
  const stored = { method, dataset: datasetKey(dataset), preset, normalClass, seed };
  const key = runKey(stored);
  const out = values.out ?? resultPath("results", stored);
  checkOut(out, key, spec.force ?? false);
  const askedCheckpoint = values["checkpoint-interval"] !== undefined || values["keep-checkpoint"];
  if (askedCheckpoint && !entry.resumable) {
    const resumable = methodNames().filter((m) => getMethod(m).resumable).join(", ");
    console.error(
      `run: ${method} keeps no checkpoint (only ${resumable} do): a killed run starts again`,
    );
  }
  if (!spec.force) await checkSameSettings({ ...spec, out });
  const { result } = await runMethod(method, { dataset, normalClass }, {
    preset,
    seed,
    overrides,
    backend: spec.backend,
    precision: spec.precision ?? "auto",
    ...dataOptionsOf(values),
    quiet: values.quiet,
    checkpoint: {
      dir: checkpointRoot(out),
      intervalSeconds: interval,
      keep: values["keep-checkpoint"],
    },
    // written before the checkpoint is removed: a kill in between loses nothing
    onResult: (result) => writeRunResult(out, result),
    ...(values["keep-scores"] ? { scoresPath: scoresPathOf(out) } : {}),
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
  if (values["keep-scores"]) console.log(`scores: ${scoresPathOf(out)}`);
}

if (import.meta.main) runCli("run", () => runCommand(Deno.args));
