/**
 * The transformation / score ablation as data (typed and versioned): which GEOM configuration
 * each preset trains, on which transform sets, classes and seeds, and where each run's result
 * goes. Every run trains ONE model and records all four scores (dirichlet, simple,
 * max-softmax, entropy), so scores are compared on the same network.
 *
 * Training length is equalised across transform sets: with `passes` P a set of T
 * transformations trains ceil(P / T) epochs over its n*T (image, transformation) pairs, i.e.
 * about P*n samples whatever T (the paper's rule ceil(200 / T) is the same idea with P = 200).
 *
 * | preset | GEOM config | train / test images | passes | classes | seeds | runs (9 sets) |
 * | --- | --- | --- | --- | --- | --- | --- |
 * | hour (default) | small-cnn, Adam 1e-3, batch 128 | 150 / 1000 | 72 | 0, 2, 4, 6, 8 | 3 | 135 |
 * | quick | GEOM `quick` preset | its limits | 72 | all 10 | 3 | 270 |
 * | paper | GEOM `paper` (WRN-10-4, all data) | all / all | 200 (paper rule) | all 10 | 5 | 450 |
 * | smoke | GEOM `smoke` (tiny-cnn) | 32 / 50 | 1 epoch each | 0 | 1 | 9 |
 *
 * `hour` is sized to finish within an hour with 2 processes on a 2-core machine. Measured on
 * real Fashion-MNIST with the native backend on an otherwise idle machine: about 26 s per run
 * per process (geometric72 ~45 s, the others 20-35 s); the whole grid, 135 runs, 28 min 51 s.
 * A stored run is reused only when its record matches the run's plan (lib/experiments/reuse.ts:
 * method, data, class, seed, limits, precision and the detector's hyperparameters), so a
 * changed preset reruns its runs by itself, never mixes them in. {@linkcode ABLATION_VERSION}
 * only labels summary.json; bump it when the grid's definitions change.
 * @module
 */
import { basename, join } from "node:path";
import { datasetClasses } from "../lib/data/dataset_classes.ts";
import { datasetKey } from "../lib/data/folder_scan.ts";
import { checkClassIndex } from "../lib/data/registry.ts";
import type { GeomPresetName } from "../lib/detectors/geom_presets.ts";
import type { PrecisionRequest } from "../lib/backend/precision.ts";
import { getMethod, type MethodOverrides } from "../lib/detectors/catalogue.ts";
import { planMismatch } from "../lib/experiments/reuse.ts";
import { readRunResult, type RunResult } from "../lib/experiments/result.ts";
import { dataMismatch, type DataOrigin, type RunSpec } from "../lib/experiments/sweep.ts";
import { specFor } from "../lib/experiments/run_flags.ts";
import {
  getTransformSet,
  isTransformSetName,
  TRANSFORM_SETS,
  type TransformSetName,
} from "../lib/transforms/registry.ts";
import { oneLine, UsageError } from "../lib/util/errors.ts";

/** Schema of the ablation summary. */
export const ABLATION_SCHEMA = "geomad.ablation/v1";
/** Version of the definitions below, recorded in summary.json (reuse does not read it). */
export const ABLATION_VERSION = 1;

/** One ablation preset. */
export interface AblationPreset {
  description: string;
  /** The GEOM preset the runs start from. */
  geomPreset: GeomPresetName;
  /** Network override (undefined: the GEOM preset's). */
  model?: string;
  /** Normal training images (undefined: the GEOM preset's limit). */
  trainLimit?: number;
  /** Test images, stratified (undefined: the GEOM preset's limit). */
  testLimit?: number;
  /** Training length: ceil(passes / T) epochs per set, or "preset" for the preset's epochs. */
  passes: number | "preset";
  /** Default normal classes (undefined: every class of the dataset). */
  classes?: readonly number[];
  /** Default number of seeds (seeds 0 .. n-1). */
  seeds: number;
}

/** Names of the ablation presets. */
export const ABLATION_PRESET_NAMES = ["hour", "quick", "paper", "smoke"] as const;
/** An ablation preset name. */
export type AblationPresetName = (typeof ABLATION_PRESET_NAMES)[number];
/** The preset used without `--preset`. */
export const DEFAULT_ABLATION_PRESET: AblationPresetName = "hour";

/** Every ablation preset (see the module doc for sizes). */
export const ABLATION_PRESETS: Readonly<Record<AblationPresetName, AblationPreset>> = {
  hour: {
    description: "about 30 min on 2 idle cores: small-cnn, 150 training / 1000 test images, " +
      "72 passes, every other class (0, 2, 4, 6, 8; 6 = Shirt, the paper's hardest), 3 seeds",
    geomPreset: "quick",
    model: "small-cnn",
    trainLimit: 150,
    testLimit: 1000,
    passes: 72,
    classes: [0, 2, 4, 6, 8],
    seeds: 3,
  },
  quick: {
    description: "GEOM quick preset per run, 72 passes, every class, 3 seeds",
    geomPreset: "quick",
    passes: 72,
    seeds: 3,
  },
  paper: {
    description: "GEOM paper preset (WRN-10-4, all data, ceil(200 / T) epochs), every class, " +
      "5 seeds: the full grid",
    geomPreset: "paper",
    passes: "preset",
    seeds: 5,
  },
  smoke: {
    description: "GEOM smoke preset (tiny-cnn, 32 / 50 images, 1 epoch per set), class 0, " +
      "1 seed: seconds per run, for tests",
    geomPreset: "smoke",
    trainLimit: 32,
    testLimit: 50,
    passes: "preset",
    classes: [0],
    seeds: 1,
  },
};

/**
 * The transform sets of the ablation, in table order: every set of lib/transforms except
 * `rot-trans36` (the multi-head detector's set; `--transforms rot-trans36` adds it).
 */
export const ABLATION_TRANSFORMS: readonly TransformSetName[] = TRANSFORM_SETS.filter((s) =>
  s !== "rot-trans36"
);

/**
 * Methods the ablation trains (each run: one model, every score variant): GEOM, and GOAD on
 * the same transform sets (docs/protocol.md, section 12). `scores` orders the tables and
 * `pair` is the score comparison of the summary.
 */
export const ABLATION_METHODS = {
  geom: {
    scores: ["dirichlet", "simple", "max-softmax", "entropy"],
    pair: ["dirichlet", "simple"],
  },
  goad: { scores: ["goad", "goad-eps0"], pair: ["goad", "goad-eps0"] },
} as const satisfies Record<string, { scores: readonly string[]; pair: readonly [string, string] }>;
/** A method the ablation trains. */
export type AblationMethod = keyof typeof ABLATION_METHODS;

/** Checks `--method` of the ablation (default geom). */
export function ablationMethod(name: string | undefined): AblationMethod {
  const m = name ?? "geom";
  if (!(m in ABLATION_METHODS)) {
    throw new UsageError(
      `the ablation trains ${Object.keys(ABLATION_METHODS).join(" or ")}, not '${m}'`,
    );
  }
  return m as AblationMethod;
}

/** The geometric set under test. */
export const GEOMETRIC_SET: TransformSetName = "geometric72";

/** Sets whose kind is non-geometric (noise, blur, sharpen, gamma), from lib/transforms. */
export function nonGeometricSets(): TransformSetName[] {
  return ABLATION_TRANSFORMS.filter((s) =>
    getTransformSet(s, { height: 32, width: 32 }).kind === "non-geometric"
  );
}

/** The preset of `name`. Unknown name -> UsageError listing the presets. */
export function ablationPreset(name: string): AblationPreset {
  if (!(ABLATION_PRESET_NAMES as readonly string[]).includes(name)) {
    throw new UsageError(
      `unknown ablation preset '${name}' (choose from ${ABLATION_PRESET_NAMES.join(", ")})`,
    );
  }
  return ABLATION_PRESETS[name as AblationPresetName];
}

/** The GEOM overrides of one run of `preset` on `transforms`. */
export function ablationOverrides(preset: AblationPreset, transforms: string): MethodOverrides {
  const o: MethodOverrides = { transforms };
  if (preset.model !== undefined) o.model = preset.model;
  if (preset.trainLimit !== undefined) o.trainLimit = preset.trainLimit;
  if (preset.testLimit !== undefined) o.testLimit = preset.testLimit;
  if (preset.passes !== "preset") {
    o.epochs = Math.ceil(
      preset.passes / getTransformSet(transforms, { height: 32, width: 32 }).size,
    );
  }
  return o;
}

/** Options for {@linkcode ablationGrid}. */
export interface AblationGridOptions {
  dataset: string;
  /** Method trained on every set (default geom). */
  method?: string;
  /** Preset name (default {@linkcode DEFAULT_ABLATION_PRESET}). */
  preset?: string;
  /** Normal classes (default: the preset's, else every class). */
  classes?: readonly number[];
  /** Number of seeds (default: the preset's). */
  seeds?: number;
  /** Transform sets (default {@linkcode ABLATION_TRANSFORMS}). */
  transforms?: readonly string[];
  /** Results root (default `results/ablation`). */
  root?: string;
  dataDir?: string;
  backend?: string;
  /** Precision request of every run (and of the reuse check). */
  precision?: PrecisionRequest;
  /** Folder datasets: --image-size, --channels; false: --no-verify (passed to each run). */
  imageSize?: number;
  channels?: 1 | 3;
  verify?: boolean;
  /** Every run keeps its test scores (--keep-scores; the summary pairs sets on them). */
  keepScores?: boolean;
}

/** `<root>/<dataset>`: where runs/, summary.json and summary.md of an ablation live (a folder
 * dataset's path-safe name, `folder-<name>`, for `folder:DIR`); `<root>/<method>/<dataset>` for
 * a method other than GEOM. */
export function ablationDir(root: string, dataset: string, method: string = "geom"): string {
  return method === "geom"
    ? join(root, datasetKey(dataset))
    : join(root, method, datasetKey(dataset));
}

/** The result file of one run: `<dir>/runs/<preset>__<set>__class-<c>__seed-<s>.json`. */
export function ablationRunPath(
  dir: string,
  run: { preset: string; transforms: string; normalClass: number; seed: number },
): string {
  const name = `${run.preset}__${run.transforms}__class-${run.normalClass}__seed-${run.seed}.json`;
  return join(dir, "runs", name);
}

/**
 * The runs of an ablation, ordered seed, class, set (so finished (class, seed) slices fill in
 * first). Throws UsageError for an unknown preset, dataset, class or set, or seeds < 1.
 */
export function ablationGrid(options: AblationGridOptions): RunSpec[] {
  const presetName = options.preset ?? DEFAULT_ABLATION_PRESET;
  const preset = ablationPreset(presetName);
  const spec = datasetClasses(options.dataset, options);
  const classes = options.classes ?? preset.classes ??
    spec.classNames.map((_, i) => i);
  for (const c of classes) checkClassIndex(spec, c);
  if (new Set(classes).size !== classes.length) throw new UsageError("--classes has duplicates");
  const seeds = options.seeds ?? preset.seeds;
  if (!Number.isInteger(seeds) || seeds < 1) {
    throw new UsageError(`--seeds must be an integer >= 1, got ${seeds}`);
  }
  const sets = options.transforms ?? ABLATION_TRANSFORMS;
  for (const s of sets) getTransformSet(s, { height: 32, width: 32 }); // validates names
  if (new Set(sets).size !== sets.length) throw new UsageError("--transforms has duplicates");
  const method = ablationMethod(options.method);
  const dir = ablationDir(options.root ?? "results/ablation", options.dataset, method);
  const shared = { ...options, preset: preset.geomPreset };
  const runs: RunSpec[] = [];
  for (let seed = 0; seed < seeds; seed++) {
    for (const normalClass of classes) {
      for (const transforms of sets) {
        const out = ablationRunPath(dir, { preset: presetName, transforms, normalClass, seed });
        const overrides = ablationOverrides(preset, transforms);
        runs.push(specFor({ method, normalClass, seed, out, overrides }, shared));
      }
    }
  }
  return runs;
}

/** A stored result file that does not count for a summary, and why. */
export interface IgnoredRun {
  file: string;
  reason: string;
}

/** Results of one ablation preset found in `<dir>/runs`, whatever grid or shard wrote them. */
export interface CollectedRuns {
  /** Valid results of this preset (status ok or failed), sorted by file name. */
  results: Array<{ file: string; result: RunResult }>;
  /**
   * Files of this preset that are invalid (damaged, changed, a record under another run's
   * name) or whose configuration or data differs (stale), with the reason; a sweep reruns them.
   */
  ignored: IgnoredRun[];
  /** Result files of other presets (left alone). */
  otherPresets: number;
  /** Other files in runs/ (not named `<preset>__<set>__class-<c>__seed-<s>.json`): listed. */
  unknown: string[];
}

/**
 * The names in a sweep's `runs/` folder, sorted, without writers' temp files and the
 * checkpoint folders of unfinished runs; undefined when the folder does not exist.
 */
async function runFileNames(runsDir: string): Promise<string[] | undefined> {
  try {
    return (await Array.fromAsync(Deno.readDir(runsDir)))
      // temp files of writers, checkpoint folders of unfinished runs (`<result>.ckpt/`), scores
      // kept beside a result (`<stem>.scores.json.gz`, a run rerun by hand with --keep-scores)
      .filter((e) =>
        !/^\..+\.tmp$/.test(e.name) && !(e.isDirectory && e.name.endsWith(".ckpt")) &&
        !e.name.endsWith(".scores.json.gz")
      )
      .map((e) => e.name).sort();
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return undefined;
    throw err;
  }
}

/** Which runs {@linkcode collectAblationRuns} keeps: the sweep's dataset, preset, data, method. */
interface CollectOptions {
  dataset: string;
  preset: string;
  precision?: PrecisionRequest;
  data?: DataOrigin;
  /** Method of the runs (default geom). */
  method?: string;
}

/**
 * Why the record in `file` does not count for this sweep (an unknown transform set, a file
 * named for another run, a configuration or data other than the sweep's), or undefined.
 */
function whyNotUsed(
  dir: string,
  file: string,
  result: RunResult,
  options: CollectOptions,
): string | undefined {
  const preset = ablationPreset(options.preset);
  const method = ablationMethod(options.method);
  const transforms = result.hyperparameters.transforms;
  if (typeof transforms !== "string" || !isTransformSetName(transforms)) {
    return `unknown transforms ${JSON.stringify(transforms)}`;
  }
  const own = basename(ablationRunPath(dir, { ...result, preset: options.preset, transforms }));
  if (own !== file) {
    return `the record is run ${own}, not ${file}`;
  }
  const plan = getMethod(method).plan(preset.geomPreset, ablationOverrides(preset, transforms));
  const why = planMismatch(result, plan, {
    dataset: options.dataset,
    normalClass: result.normalClass,
    seed: result.seed,
    precision: options.precision,
  }) ?? (result.preset !== plan.preset ? `preset ${result.preset} is not ${plan.preset}` : "");
  const data = options.data ? dataMismatch(result, options.data) : undefined;
  return why || data ? `stale: ${why || data}` : undefined;
}

/**
 * Reads every `<dir>/runs/<preset>__*.json` and keeps the results that are valid records
 * (lib/experiments/result.ts), stored under their own run's name, and match the preset's
 * current definition for their transform set, class and seed (and, with `data`, were computed
 * on that data). Temp files and checkpoint folders are skipped; any other file is listed in
 * `unknown`.
 */
export async function collectAblationRuns(
  dir: string,
  options: CollectOptions,
): Promise<CollectedRuns> {
  const out: CollectedRuns = { results: [], ignored: [], otherPresets: 0, unknown: [] };
  const runsDir = join(dir, "runs");
  const names = await runFileNames(runsDir);
  if (!names) return out;
  const named = /^([a-z0-9]+)__([a-z0-9-]+)__class-(0|[1-9][0-9]*)__seed-(0|[1-9][0-9]*)\.json$/;
  for (const file of names) {
    const m = named.exec(file);
    if (!m || !(ABLATION_PRESET_NAMES as readonly string[]).includes(m[1]!)) {
      out.unknown.push(file);
      continue;
    }
    if (m[1] !== options.preset) {
      out.otherPresets++;
      continue;
    }
    let result: RunResult;
    try {
      result = await readRunResult(join(runsDir, file));
    } catch (err) {
      out.ignored.push({ file, reason: oneLine(err).replace(/^Cannot read [^:]*: /, "") });
      continue;
    }
    const reason = whyNotUsed(dir, file, result, options);
    if (reason) out.ignored.push({ file, reason });
    else out.results.push({ file, result });
  }
  return out;
}
