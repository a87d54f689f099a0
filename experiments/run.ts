/**
 * `deno task run`: any registered method (lib/detectors/registry.ts) on one one-vs-rest split,
 * writing one versioned JSON result atomically. The ablation and comparison pools start one of
 * these per run; `deno task geom` is this command with the method fixed to geom.
 *
 *   deno task run --method M --dataset D --normal C [--preset smoke|quick|paper] [--seed S]
 *     [--transforms SET] [--epochs N] [--model NAME] [--score a,b] [--train-limit N]
 *     [--test-limit N] [--out FILE] [--data-dir D] [--backend B] [--precision fp32|bf16|auto]
 *     [--quiet] [--checkpoint-interval S] [--keep-checkpoint]
 *
 * GEOM saves its state every S seconds (default 300) and at each epoch end in `<out>.ckpt/`;
 * the same command run again resumes from there. The checkpoint is removed once the result
 * is written, unless --keep-checkpoint.
 *
 * Exit 0 with status ok, 1 with status failed (the result is still written, with the reason),
 * 2 for bad usage.
 * @module
 */
import { parsePrecision } from "../lib/backend/precision.ts";
import { methodNames } from "../lib/detectors/registry.ts";
import { dieWithParent } from "../lib/experiments/pool.ts";
import { resultPath } from "../lib/experiments/result.ts";
import { runMethod } from "../lib/experiments/run_one.ts";
import { formatMetricsTable } from "../lib/experiments/table.ts";
import { checkpointRoot, DEFAULT_CHECKPOINT_SECONDS } from "../lib/train/checkpoint.ts";
import { assertWritable, writeJsonAtomic } from "../lib/util/atomic.ts";
import { intFlag, listFlag, parseFlags, runCli } from "../lib/util/cli.ts";
import { oneLine, RunError, UsageError } from "../lib/util/errors.ts";

const OPTIONS = "--dataset D --normal C [--preset P] [--seed S] [--transforms SET] [--epochs N] " +
  "[--model NAME] [--score dirichlet,simple,max-softmax,entropy] [--train-limit N] " +
  "[--test-limit N] [--out FILE] [--data-dir D] [--backend B] [--precision fp32|bf16|auto] " +
  "[--quiet] [--checkpoint-interval S] [--keep-checkpoint]";

function optionalInt(name: string, value: string | undefined): number | undefined {
  return value === undefined ? undefined : intFlag(name, value, 0);
}

/**
 * The `run` command; with `fixedMethod` (e.g. "geom") the command for that one method, which
 * takes no `--method` flag.
 */
export async function runCommand(args: string[], fixedMethod?: string): Promise<void> {
  dieWithParent();
  const task = fixedMethod ?? "run";
  const USAGE = `usage: deno task ${task} ${fixedMethod ? "" : "--method M "}${OPTIONS}`;
  const { values, positionals } = parseFlags(args, {
    ...(fixedMethod ? {} : { method: { type: "string" as const } }),
    dataset: { type: "string" },
    normal: { type: "string" },
    preset: { type: "string", default: "quick" },
    seed: { type: "string" },
    transforms: { type: "string" },
    epochs: { type: "string" },
    model: { type: "string" },
    score: { type: "string" },
    "train-limit": { type: "string" },
    "test-limit": { type: "string" },
    out: { type: "string" },
    "data-dir": { type: "string" },
    backend: { type: "string" },
    precision: { type: "string" },
    quiet: { type: "boolean", default: false },
    "checkpoint-interval": { type: "string" },
    "keep-checkpoint": { type: "boolean", default: false },
    help: { type: "boolean", default: false },
  });
  if (values.help) {
    console.log(fixedMethod ? USAGE : `${USAGE}\nmethods: ${methodNames().join(", ")}`);
    return;
  }
  if (positionals.length > 0) throw new UsageError(`unexpected argument '${positionals[0]}'`);
  const method = fixedMethod ?? (values as { method?: string }).method;
  if (method === undefined) throw new UsageError(`--method is required; ${USAGE}`);
  for (const key of ["dataset", "normal"] as const) {
    if (values[key] === undefined) throw new UsageError(`--${key} is required; ${USAGE}`);
  }
  const dataset = values.dataset!, preset = values.preset!;
  const normalClass = intFlag("normal", values.normal, 0);
  const seed = intFlag("seed", values.seed, 0);
  const precision = parsePrecision(values.precision);
  const out = values.out ??
    resultPath("results", { method, dataset, preset, normalClass, seed });
  const interval = intFlag(
    "checkpoint-interval",
    values["checkpoint-interval"],
    DEFAULT_CHECKPOINT_SECONDS,
  );
  if (interval < 0) throw new UsageError(`--checkpoint-interval must be >= 0, got ${interval}`);
  const { result } = await runMethod(method, { dataset, normalClass }, {
    preset,
    seed,
    overrides: {
      transforms: values.transforms,
      model: values.model,
      scores: listFlag(values.score),
      epochs: optionalInt("epochs", values.epochs),
      trainLimit: optionalInt("train-limit", values["train-limit"]),
      testLimit: optionalInt("test-limit", values["test-limit"]),
    },
    backend: values.backend,
    precision,
    dataDir: values["data-dir"],
    quiet: values.quiet,
    checkpoint: {
      dir: checkpointRoot(out),
      intervalSeconds: interval,
      keep: values["keep-checkpoint"],
    },
    // written before the checkpoint is removed: a kill in between loses nothing
    onResult: (result) => writeJsonAtomic(out, result),
    onReady: ({ backend, train, test, meta }) => {
      try {
        assertWritable(out); // fail before training, not after
      } catch (err) {
        throw new UsageError(`cannot write result to ${out}: ${oneLine(err)}`);
      }
      if (values.quiet) return;
      console.error(
        `${fixedMethod ? `${task}:` : `run: ${method}`} ${meta.dataset} class ${normalClass} ` +
          `(${meta.normalClassName}) seed ${seed} preset ${preset}, train ${train}, ` +
          `test ${test}, source ${meta.source}, backend ${backend.name} ${backend.precision}`,
      );
    },
  });
  if (result.status !== "ok") throw new RunError(`${result.error} (result written to ${out})`);
  console.log(formatMetricsTable(result));
  console.log(`result: ${out}`);
}

if (import.meta.main) runCli("run", () => runCommand(Deno.args));
