/**
 * GEOM on one one-vs-rest split in one call, keeping the fitted detector: what notebooks need
 * to train, score and then look inside the model (its Dirichlet alphas, its softmax outputs).
 * A thin layer over the method registry's `geom` entry (lib/experiments/run_method.ts).
 * @module
 */
import type { BackendInfo } from "../backend/mod.ts";
import type { OneVsRestData } from "../data/one_vs_rest.ts";
import type { GeomDetector } from "../detectors/geom.ts";
import type { PrecisionRequest } from "../backend/precision.ts";
import type { GeomConfig } from "../detectors/geom_presets.ts";
import { RunError } from "../util/errors.ts";
import type { RunOutput } from "./run_detector.ts";
import { runMethodKept, type RunMethodOptions } from "./run_method.ts";

/** Options for {@linkcode runGeom}. */
export interface RunGeomOptions {
  /** GEOM preset: smoke, quick or paper (default "smoke"). */
  preset?: string;
  /** Seed for the data subsets, initialisation and training (default 0). */
  seed?: number;
  /** tfjs backend: auto, tensorflow, native, wasm, cpu, webgpu (default "auto"). */
  backend?: string;
  /** Arithmetic precision: fp32, bf16 or auto (default auto; bf16 only on the native backend). */
  precision?: PrecisionRequest;
  /** Network overriding the preset's (e.g. "wrn-10-4", "small-cnn"). */
  model?: string;
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
  /** Folder datasets (`folder:DIR`): resize and centre-crop to N x N. */
  imageSize?: number;
  /** Folder datasets: 1 (grayscale) or 3 (RGB). */
  channels?: 1 | 3;
  /** False: accept files whose checksums differ from the official ones (recorded `unchecked`). */
  verify?: boolean;
  /** Silence progress output. */
  quiet?: boolean;
  /** Progress lines (e.g. `liveProgress().onProgress` in a notebook). */
  onProgress?: (line: string, final: boolean) => void;
  /** Checkpoint and resume the run (see `runMethod`); removed at the end unless `keep`. */
  checkpoint?: RunMethodOptions["checkpoint"];
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
 * Trains GEOM on the normal class `normalClass` of `dataset` and scores the test split with
 * every requested score variant (the same steps as `deno task geom`, through the method
 * registry). Throws UsageError for a bad preset, backend, transform set or score name (before
 * loading anything), DataError when the data cannot be read, and RunError when the run fails
 * (the reason from the result record).
 */
export async function runGeom(
  dataset: string,
  normalClass: number,
  options: RunGeomOptions = {},
): Promise<GeomRun> {
  const run = await runMethodKept("geom", { dataset, normalClass }, {
    preset: options.preset ?? "smoke",
    seed: options.seed,
    overrides: {
      transforms: options.transforms,
      trainLimit: options.trainLimit,
      testLimit: options.testLimit,
      epochs: options.epochs,
      scores: options.scores,
      model: options.model,
    },
    backend: options.backend,
    precision: options.precision,
    dataDir: options.dataDir,
    imageSize: options.imageSize,
    channels: options.channels,
    verify: options.verify,
    quiet: options.quiet,
    onProgress: options.onProgress,
    checkpoint: options.checkpoint,
  });
  if (run.result.status !== "ok") {
    run.detector.dispose();
    throw new RunError(
      `Cannot run GEOM on ${run.data.meta.dataset} class ${normalClass}: ${run.result.error}`,
    );
  }
  const detector = run.detector as GeomDetector;
  return {
    result: run.result,
    scores: run.scores,
    detector,
    data: run.data,
    config: detector.config,
    backend: run.backend,
  };
}
