/**
 * One run of any registered method: plan (preset + overrides), seeded data subsets, backend,
 * `runDetector`. What `deno task run` and `deno task geom` do, what each process of a sweep
 * does, and (keeping the fitted detector) what `runGeom` does for notebooks.
 * @module
 */
import { type BackendInfo, initBackend, parseBackend } from "../backend/mod.ts";
import type { PrecisionRequest } from "../backend/precision.ts";
import type { Detector } from "../detectors/detector.ts";
import type { DataOptions } from "../data/flags.ts";
import { loadOneVsRest, type OneVsRestData } from "../data/one_vs_rest.ts";
import {
  getMethod,
  type MethodEntry,
  type MethodOverrides,
  type MethodPlan,
} from "../detectors/catalogue.ts";
import { RunCheckpoint } from "../train/checkpoint.ts";
import { oneLine, RunError, UsageError } from "../util/errors.ts";
import type { RunResult } from "./result.ts";
import { runDetector, type RunOutput } from "./run_detector.ts";
import { scoresFileOf, writeScoresFile } from "./scores_file.ts";

/** What a run knows once its data and backend are ready. */
export interface ReadyInfo {
  plan: MethodPlan;
  backend: BackendInfo;
  /** Normal training images loaded. */
  train: number;
  /** Test images loaded. */
  test: number;
  /** The split's description (class name, where the files were found, ...). */
  meta: OneVsRestData["meta"];
}

/** Options for {@linkcode runMethod}; the data options (`dataDir`, `imageSize`, `channels`,
 * `verify`) are those of the data flags (lib/data/flags.ts). */
export interface RunMethodOptions extends DataOptions {
  preset: string;
  seed?: number;
  overrides?: MethodOverrides;
  /** tfjs backend name (default auto). */
  backend?: string;
  /** Arithmetic precision (default auto; bf16 only on the native backend). */
  precision?: PrecisionRequest;
  quiet?: boolean;
  onProgress?: (line: string, final: boolean) => void;
  /** Called once data and backend are ready, before fitting (e.g. to print a header). */
  onReady?: (info: ReadyInfo) => void;
  /**
   * Checkpoint the run in `dir` (`checkpointRoot(resultPath)`: beside the result file) every
   * `intervalSeconds` (default 300) and resume from what is saved there for the same
   * configuration ({@linkcode checkpointConfig}). GEOM, GOAD and the heads checkpoint
   * (`MethodEntry.resumable`); the baselines run as usual.
   * The checkpoint is removed once the run ends (after `onResult`) unless `keep`.
   */
  checkpoint?: {
    dir: string;
    intervalSeconds?: number;
    keep?: boolean;
    /** One-line checkpoint messages (default: stderr). */
    log?: (line: string) => void;
  };
  /** Called with the result when the run ends, before its checkpoint is removed (to save it). */
  onResult?: (result: RunResult) => Promise<void> | void;
  /**
   * Write the per-image test scores of a finished run here ({@linkcode writeScoresFile}), after
   * `onResult` and before the checkpoint is removed.
   */
  scoresPath?: string;
}

/**
 * What a checkpoint is keyed by: the whole configuration of the run, i.e. every option of
 * `options` (any added later included) except callbacks, the checkpoint's own settings,
 * where the data files lie and whether their checksums were checked (`verify`: the data
 * themselves are checked by their digest, and the record says how they were loaded), plus the plan
 * (preset, limits, every hyperparameter) and the backend in use: the backend and precision
 * actually chosen (name, precision, ISA, versions) stand for the ones asked for (`auto`).
 */
export function checkpointConfig(
  method: string,
  run: { dataset: string; normalClass: number },
  options: RunMethodOptions,
  plan: MethodPlan,
  backend: BackendInfo,
): Record<string, unknown> {
  const {
    quiet: _q,
    onProgress: _p,
    onReady: _r,
    onResult: _o,
    scoresPath: _sp,
    checkpoint: _c,
    dataDir: _d,
    verify: _v,
    backend: _b,
    precision: _pr,
    ...rest
  } = options;
  const { requested: _req, skipped: _s, precisionRequested: _preq, ...inUse } = backend;
  return {
    method,
    ...run,
    ...rest,
    seed: options.seed ?? 0,
    backend: inUse,
    plan: JSON.parse(JSON.stringify(plan)),
  };
}

/** A finished run with its fitted detector kept (the caller disposes it). */
export interface KeptRun extends RunOutput {
  detector: Detector;
  /** The split it was trained and scored on (test images align with the scores). */
  data: OneVsRestData;
  plan: MethodPlan;
  backend: BackendInfo;
}

/**
 * The one-vs-rest split a run uses: the preset's subsets of it, at the preset's image size.
 * @throws {UsageError} when the images are not of the size a preset is built for.
 */
async function loadRunData(
  method: string,
  run: { dataset: string; normalClass: number },
  options: RunMethodOptions,
  plan: MethodPlan,
  seed: number,
): Promise<OneVsRestData> {
  const data = await loadOneVsRest(run.dataset, run.normalClass, {
    dataDir: options.dataDir,
    // A preset built for one size (catsvsdogs: 64) resizes folder images to it by default.
    imageSize: options.imageSize ?? plan.imageSize,
    channels: options.channels,
    verify: options.verify,
    quiet: options.quiet,
    trainLimit: plan.trainLimit,
    testLimit: plan.testLimit,
    seed,
  });
  if (plan.imageSize !== undefined && data.train.height !== plan.imageSize) {
    throw new UsageError(
      `Cannot run ${method} preset ${options.preset} on ${data.meta.dataset}: the preset is for ` +
        `${plan.imageSize}x${plan.imageSize} images, these are ${data.train.height}x` +
        `${data.train.width}` +
        (data.meta.folder ? ` (drop --image-size or pass --image-size ${plan.imageSize})` : ""),
    );
  }
  return data;
}

/**
 * Like {@linkcode runMethod} but keeps the fitted detector and the data for inspection. On a
 * failed run (status failed) the detector is kept as well; the caller disposes it either way.
 */
export async function runMethodKept(
  methodOrEntry: string | MethodEntry,
  run: { dataset: string; normalClass: number },
  options: RunMethodOptions,
): Promise<KeptRun> {
  const entry = typeof methodOrEntry === "string" ? getMethod(methodOrEntry) : methodOrEntry;
  const method = entry.name;
  const plan = entry.plan(options.preset, options.overrides);
  const backendName = parseBackend(options.backend);
  const seed = options.seed ?? 0;
  const data = await loadRunData(method, run, options, plan, seed);
  const backend = await initBackend(backendName, { precision: options.precision });
  options.onReady?.({ plan, backend, train: data.train.n, test: data.test.n, meta: data.meta });
  const c = options.checkpoint;
  const checkpoint = c
    ? await RunCheckpoint.open(c.dir, checkpointConfig(method, run, options, plan, backend), {
      intervalSeconds: c.intervalSeconds,
      log: c.log,
    })
    : undefined;
  const detector = plan.create();
  try {
    const out = await runDetector(detector, data, {
      seed,
      preset: options.preset,
      backend,
      quiet: options.quiet,
      onProgress: options.onProgress,
      checkpoint,
    });
    await options.onResult?.(out.result);
    if (options.scoresPath && out.result.status === "ok") {
      try {
        await writeScoresFile(options.scoresPath, scoresFileOf(out.result, out.scores, data));
      } catch (err) {
        throw new RunError(
          `the result is written, not its scores (${options.scoresPath}): ${oneLine(err)}; ` +
            "the checkpoint is kept, so the same command rescores the run",
        );
      }
    }
    if (checkpoint && !c!.keep) await checkpoint.remove();
    return { ...out, detector, data, plan, backend };
  } catch (err) {
    detector.dispose();
    throw err;
  }
}

/**
 * Runs `method` (a catalogue name, or an entry not in the catalogue, such as a new method under
 * test) on the one-vs-rest split of `normalClass` and returns the result record (status
 * failed with the reason when fit or score fails) and the scores. The detector is disposed.
 * @throws {UsageError} for an unknown method, preset, override or backend (before loading).
 * @throws {DataError} when the data cannot be read.
 */
export async function runMethod(
  method: string | MethodEntry,
  run: { dataset: string; normalClass: number },
  options: RunMethodOptions,
): Promise<RunOutput> {
  const { detector, result, scores } = await runMethodKept(method, run, options);
  detector.dispose();
  return { result, scores };
}
