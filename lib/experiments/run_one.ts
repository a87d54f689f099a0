/**
 * One run of any registered method: plan (preset + overrides), seeded data subsets, backend,
 * `runDetector`. What `deno task run` does, and what each process of a sweep does.
 * @module
 */
import { type BackendInfo, initBackend, parseBackend } from "../backend/mod.ts";
import { loadOneVsRest } from "../data/one_vs_rest.ts";
import { getMethod, type MethodOverrides, type MethodPlan } from "../detectors/registry.ts";
import { runDetector, type RunOutput } from "./run.ts";

/** Options for {@linkcode runMethod}. */
export interface RunMethodOptions {
  preset: string;
  seed?: number;
  overrides?: MethodOverrides;
  /** tfjs backend name (default auto). */
  backend?: string;
  dataDir?: string;
  quiet?: boolean;
  onProgress?: (line: string, final: boolean) => void;
  /** Called once data and backend are ready, before fitting (e.g. to print a header). */
  onReady?: (info: { plan: MethodPlan; backend: BackendInfo; train: number; test: number }) => void;
}

/**
 * Runs `method` on the one-vs-rest split of `normalClass` and returns the result record (status
 * failed with the reason when fit or score fails) and the scores. The detector is disposed.
 * @throws {UsageError} for an unknown method, preset, override or backend (before loading).
 * @throws {DataError} when the data cannot be read.
 */
export async function runMethod(
  method: string,
  run: { dataset: string; normalClass: number },
  options: RunMethodOptions,
): Promise<RunOutput> {
  const plan = getMethod(method).plan(options.preset, options.overrides);
  const backendName = parseBackend(options.backend);
  const seed = options.seed ?? 0;
  const data = await loadOneVsRest(run.dataset, run.normalClass, {
    dataDir: options.dataDir,
    trainLimit: plan.trainLimit,
    testLimit: plan.testLimit,
    seed,
  });
  const backend = await initBackend(backendName);
  options.onReady?.({ plan, backend, train: data.train.n, test: data.test.n });
  const { detector, afterFit } = plan.create();
  try {
    return await runDetector(detector, data, {
      seed,
      preset: options.preset,
      backend,
      quiet: options.quiet,
      onProgress: options.onProgress,
      afterFit,
    });
  } finally {
    detector.dispose();
  }
}
