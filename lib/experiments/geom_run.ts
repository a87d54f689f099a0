/**
 * GEOM on one one-vs-rest split in one call, keeping the fitted detector: what notebooks need
 * to train, score and then look inside the model (its Dirichlet alphas, its softmax outputs).
 * Same steps as `deno task geom`: preset, overrides, seeded data subsets, backend, runDetector.
 * @module
 */
import { type BackendInfo, initBackend, parseBackend } from "../backend/mod.ts";
import { loadOneVsRest, type OneVsRestData } from "../data/one_vs_rest.ts";
import { GeomDetector, parseGeomScores } from "../detectors/geom.ts";
import { type GeomConfig, geomPreset } from "../detectors/geom_presets.ts";
import { getTransformSet } from "../transforms/registry.ts";
import { RunError, UsageError } from "../util/errors.ts";
import { runDetector, type RunOutput } from "./run.ts";

/** Options for {@linkcode runGeom}. */
export interface RunGeomOptions {
  /** GEOM preset: smoke, quick or paper (default "smoke"). */
  preset?: string;
  /** Seed for the data subsets, initialisation and training (default 0). */
  seed?: number;
  /** tfjs backend: auto, tensorflow, wasm, cpu, webgpu (default "auto"). */
  backend?: string;
  /** Transform set overriding the preset's (e.g. "geometric72", "rot4"). */
  transforms?: string;
  /** Normal training images (overrides the preset's limit). */
  trainLimit?: number;
  /** Test images, a stratified subset (overrides the preset's limit). */
  testLimit?: number;
  /** Epochs (overrides the preset's). */
  epochs?: number;
  /** Score variants (default all: dirichlet, simple, max-softmax, entropy). */
  scores?: string[];
  /** Where the dataset files are (default: the usual search, see lib/data). */
  dataDir?: string;
  /** Silence progress output. */
  quiet?: boolean;
  /** Progress lines (e.g. `liveProgress().onProgress` in a notebook). */
  onProgress?: (line: string, final: boolean) => void;
}

/** A finished GEOM run: the record and scores, plus the fitted detector and its data. */
export interface GeomRun extends RunOutput {
  /** The fitted detector (call `dispose()` when done with it). */
  detector: GeomDetector;
  /** The split it was trained and scored on (test images align with the scores). */
  data: OneVsRestData;
  /** The configuration used (preset plus overrides). */
  config: GeomConfig;
  backend: BackendInfo;
}

/**
 * A preset's configuration with a run's overrides applied and checked (transform set name,
 * positive integer limits and epochs). Used by {@linkcode runGeom} and `deno task geom`.
 * @throws {UsageError} for an unknown preset or transform set, or a bad limit or epoch count.
 */
export function geomRunConfig(
  preset: string,
  overrides: Pick<RunGeomOptions, "transforms" | "trainLimit" | "testLimit" | "epochs">,
): GeomConfig {
  const config = geomPreset(preset);
  if (overrides.transforms !== undefined) {
    getTransformSet(overrides.transforms, { height: 32, width: 32 }); // validates the name
    config.transforms = overrides.transforms;
  }
  for (const key of ["trainLimit", "testLimit", "epochs"] as const) {
    const v = overrides[key];
    if (v === undefined) continue;
    if (!Number.isInteger(v) || v < 1) {
      throw new UsageError(`Cannot run GEOM: ${key} must be an integer >= 1, got ${v}`);
    }
    config[key] = v;
  }
  return config;
}

/**
 * Trains GEOM on the normal class `normalClass` of `dataset` and scores the test split with
 * every requested score variant. Throws UsageError for a bad preset, backend, transform set
 * or score name (before loading anything), DataError when the data cannot be read, and
 * RunError when the run fails (the reason from the result record).
 */
export async function runGeom(
  dataset: string,
  normalClass: number,
  options: RunGeomOptions = {},
): Promise<GeomRun> {
  const preset = options.preset ?? "smoke";
  const seed = options.seed ?? 0;
  const config = geomRunConfig(preset, options);
  const backendName = parseBackend(options.backend);
  const scores = parseGeomScores(options.scores);
  const data = await loadOneVsRest(dataset, normalClass, {
    dataDir: options.dataDir,
    trainLimit: config.trainLimit,
    testLimit: config.testLimit,
    seed,
  });
  const backend = await initBackend(backendName);
  const detector = new GeomDetector({ config, scores });
  const out = await runDetector(detector, data, {
    seed,
    preset,
    backend,
    quiet: options.quiet,
    onProgress: options.onProgress,
  });
  if (out.result.status !== "ok") {
    detector.dispose();
    throw new RunError(
      `Cannot run GEOM on ${data.meta.dataset} class ${normalClass}: ${out.result.error}`,
    );
  }
  return { ...out, detector, data, config, backend };
}
