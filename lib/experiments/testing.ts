/**
 * Test helpers: hand-made result records that match a method's plan (as a real run of it
 * would), for tests of resuming, merging and summaries without training anything.
 * @module
 */
import { getMethod, type MethodPlan } from "../detectors/catalogue.ts";
import {
  type DataRecord,
  RESULT_SCHEMA,
  type RunResult,
  type ScoreMetrics,
  withDigest,
} from "./result.ts";
import { SCORES_SCHEMA, type ScoresFile } from "./scores_file.ts";

/** Options for {@linkcode fakeResult}. */
export interface FakeResultOptions {
  dataset: string;
  normalClass: number;
  seed: number;
  /** AUROC per score; a failed result when `error` is set. */
  auroc?: Record<string, number>;
  error?: string;
  /** Where the data was read from (default: source `system`, root `test`). */
  origin?: { source: DataRecord["source"]; root: string };
  /** Extra fitted state (e.g. `{ selection: "hindsight-test-auroc" }`). */
  state?: Record<string, unknown>;
}

/**
 * A result record of `plan` on one class and seed, with the given AUROCs or error, and its
 * content digest (as a run writes it; change a field after and readers reject the record).
 */
export function fakeResult(plan: MethodPlan, options: FakeResultOptions): RunResult {
  const metrics: Record<string, ScoreMetrics> = {};
  for (const [k, auroc] of Object.entries(options.auroc ?? {})) {
    metrics[k] = { auroc, auprNormal: auroc, auprAnomaly: auroc, fpr95: 1 - auroc };
  }
  return withDigest({
    schema: RESULT_SCHEMA,
    status: options.error ? "failed" : "ok",
    ...(options.error ? { error: options.error } : {}),
    method: plan.method,
    dataset: options.dataset,
    normalClass: options.normalClass,
    normalClassName: `class ${options.normalClass}`,
    seed: options.seed,
    preset: plan.preset,
    hyperparameters: structuredClone(plan.expected),
    backend: {
      name: "cpu",
      requested: "cpu",
      skipped: [],
      tfjsVersion: "test",
      extensions: [],
      precision: "fp32",
      precisionRequested: "auto",
    },
    versions: { geomad: "test" },
    data: {
      dataset: options.dataset,
      requested: options.dataset,
      source: options.origin?.source ?? "system",
      root: options.origin?.root ?? "test",
      files: [],
      sizes: { train: 0, test: 0 },
      normalClass: options.normalClass,
      normalClassName: `class ${options.normalClass}`,
      seed: options.seed,
      trainLimit: plan.trainLimit ?? null,
      testLimit: plan.testLimit ?? null,
      used: { train: 0, test: 0 },
      preprocessing: "test",
    },
    timings: { fitSeconds: 1, scoreSeconds: 1, totalSeconds: 2 },
    metrics,
    state: options.state ?? {},
    createdAt: "2026-01-01T00:00:00.000Z",
  });
}

/**
 * A paper-preset record of `method` on Fashion-MNIST class `normalClass` with the given AUROCs and
 * fitted state, made at `createdAt`, whose hyperparameters are what a real run asked for exactly
 * these scores writes (the built detector's, through JSON), with its digest.
 */
function fakePaperResult(
  method: string,
  normalClass: number,
  auroc: Record<string, number>,
  createdAt: string,
  state?: Record<string, unknown>,
): RunResult {
  const plan = getMethod(method).plan("paper");
  const r = fakeResult(plan, { dataset: "fashion-mnist", normalClass, seed: 0, auroc, state });
  const hyperparameters = JSON.parse(JSON.stringify(plan.create().hyperparameters));
  return withDigest({
    ...r,
    hyperparameters: { ...hyperparameters, scores: Object.keys(auroc) },
    createdAt,
  });
}

/**
 * A paper-preset GOAD record (see {@linkcode fakePaperResult}) with AUROCs `goad` and `goad-eps0`,
 * the Fashion-MNIST margin, and a trainer that reports `trainSeconds` (its sum over sessions).
 */
export function fakePaperGoadResult(
  normalClass: number,
  auroc: { goad: number; "goad-eps0": number },
  createdAt: string,
  trainSeconds = 7200,
): RunResult {
  return fakePaperResult("goad", normalClass, auroc, createdAt, {
    training: { train: { seconds: trainSeconds } },
    timings: { trainSeconds: 1.5 },
    margin: 1,
  });
}

/** A paper-preset GEOM record (see {@linkcode fakePaperResult}) with Dirichlet AUROC `dirichlet`. */
export function fakePaperGeomResult(
  normalClass: number,
  dirichlet: number,
  createdAt: string,
): RunResult {
  return fakePaperResult("geom", normalClass, { dirichlet }, createdAt);
}

/**
 * A hand-made kept-scores file: `labels` (1 = normal) for test images 0..n-1, class 0 normal and
 * 1 anomalous, the given scores; `testDigest` names the images (equal digests = same images).
 */
export function fakeScoresFile(
  labels: number[],
  scores: Record<string, number[]>,
  o: { run?: string; testDigest?: string } = {},
): ScoresFile {
  return {
    schema: SCORES_SCHEMA,
    run: o.run ?? "r",
    recordDigest: "r",
    testDigest: o.testDigest ?? "d",
    testIndices: labels.map((_, i) => i),
    labels,
    classes: labels.map((l) => l ? 0 : 1),
    scores,
  };
}
