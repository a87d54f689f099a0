/**
 * `deno task geom`: GEOM on one one-vs-rest split, writing one versioned JSON result.
 *
 *   deno task geom --dataset fashion-mnist --normal 0 [--preset smoke|quick|paper]
 *     [--transforms geometric72] [--score dirichlet,simple,...] [--seed N] [--backend B]
 *     [--out FILE] [--data-dir D] [--train-limit N] [--test-limit N] [--epochs N] [--quiet]
 * @module
 */
import { initBackend, parseBackend } from "../lib/backend/mod.ts";
import { loadOneVsRest } from "../lib/data/mod.ts";
import { GeomDetector, parseGeomScores } from "../lib/detectors/geom.ts";
import { resultPath } from "../lib/experiments/result.ts";
import { geomRunConfig } from "../lib/experiments/geom_run.ts";
import { runDetector } from "../lib/experiments/run.ts";
import { formatMetricsTable } from "../lib/experiments/table.ts";
import { writeJsonAtomic } from "../lib/util/atomic.ts";
import { intFlag, listFlag, parseFlags, runCli } from "../lib/util/cli.ts";
import { RunError, UsageError } from "../lib/util/errors.ts";

const USAGE = "usage: deno task geom --dataset D --normal C [--preset smoke|quick|paper] " +
  "[--transforms SET] [--score dirichlet,simple,max-softmax,entropy] [--seed N] [--backend B] " +
  "[--out FILE] [--data-dir D] [--train-limit N] [--test-limit N] [--epochs N] [--quiet]";

async function main(): Promise<void> {
  const { values, positionals } = parseFlags(Deno.args, {
    dataset: { type: "string" },
    normal: { type: "string" },
    preset: { type: "string", default: "quick" },
    transforms: { type: "string" },
    score: { type: "string" },
    seed: { type: "string" },
    backend: { type: "string" },
    out: { type: "string" },
    "data-dir": { type: "string" },
    "train-limit": { type: "string" },
    "test-limit": { type: "string" },
    epochs: { type: "string" },
    quiet: { type: "boolean", default: false },
    help: { type: "boolean", default: false },
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  if (positionals.length > 0) throw new UsageError(`unexpected argument '${positionals[0]}'`);
  if (!values.dataset) throw new UsageError(`--dataset is required; ${USAGE}`);
  if (values.normal === undefined) throw new UsageError(`--normal is required; ${USAGE}`);
  const normal = intFlag("normal", values.normal, 0);
  const seed = intFlag("seed", values.seed, 0);
  const optionalInt = (name: string, v: string | undefined) =>
    v === undefined ? undefined : intFlag(name, v, 0);
  const config = geomRunConfig(values.preset!, {
    transforms: values.transforms,
    trainLimit: optionalInt("train-limit", values["train-limit"]),
    testLimit: optionalInt("test-limit", values["test-limit"]),
    epochs: optionalInt("epochs", values.epochs),
  });
  const scores = parseGeomScores(listFlag(values.score));
  const backendName = parseBackend(values.backend);

  const data = await loadOneVsRest(values.dataset, normal, {
    dataDir: values["data-dir"],
    trainLimit: config.trainLimit,
    testLimit: config.testLimit,
    seed,
  });
  const backend = await initBackend(backendName);
  const out = values.out ??
    resultPath("results", {
      method: "geom",
      dataset: data.meta.dataset,
      preset: values.preset!,
      normalClass: normal,
      seed,
    });
  // Fail early, before training, when the result cannot be written.
  await checkWritable(out);
  if (!values.quiet) {
    console.error(
      `geom: ${data.meta.dataset} class ${normal} (${data.meta.normalClassName}), ` +
        `train ${data.train.n}, test ${data.test.n}, source ${data.meta.source}, ` +
        `backend ${backend.name}, preset ${values.preset}`,
    );
  }
  const detector = new GeomDetector({ config, scores });
  const { result } = await runDetector(detector, data, {
    seed,
    preset: values.preset!,
    backend,
    quiet: values.quiet,
  });
  detector.dispose();
  await writeJsonAtomic(out, result);
  if (result.status !== "ok") throw new RunError(`${result.error} (result written to ${out})`);
  console.log(formatMetricsTable(result));
  console.log(`result: ${out}`);
}

async function checkWritable(path: string): Promise<void> {
  const dir = path.includes("/") ? path.slice(0, path.lastIndexOf("/")) : ".";
  try {
    await Deno.mkdir(dir, { recursive: true });
    const probe = `${dir}/.geomad-write-probe-${Deno.pid}`;
    await Deno.writeTextFile(probe, "");
    await Deno.remove(probe);
  } catch (err) {
    throw new UsageError(
      `cannot write result to ${path}: ${err instanceof Error ? err.message : err}`,
    );
  }
}

if (import.meta.main) runCli("geom", main);
