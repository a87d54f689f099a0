/**
 * Runs one detector on one one-vs-rest split: fit, score every variant, evaluate, and build the
 * versioned result record. The CLI tasks, the ablation and the comparison all go through here.
 * @module
 */
import type { BackendInfo } from "../backend/select.ts";
import type { OneVsRestData } from "../data/one_vs_rest.ts";
import { type Detector, scoreAllOf, selectsByTestLabels } from "../detectors/detector.ts";
import { aurocByClass, comparePaired, evaluate } from "../metrics/mod.ts";
import type { RunCheckpoint } from "../train/checkpoint.ts";
import { oneLine } from "../util/errors.ts";
import { RESULT_SCHEMA, type RunResult, runtimeVersions, type ScoreMetrics } from "./result.ts";

/**
 * The data a run needs (what `loadOneVsRest` returns). With `testClasses` and `classNames`, the
 * record also holds the AUROC against each anomalous class.
 */
export type RunData =
  & Pick<OneVsRestData, "train" | "test" | "testLabels" | "meta">
  & Partial<Pick<OneVsRestData, "testClasses" | "classNames">>;

/** Each test image's class, to break a run's AUROC down by anomalous class. */
export interface TestClasses {
  /** The class of each test image, aligned with the scores. */
  classes: ArrayLike<number>;
  normalClass: number;
  classNames: readonly string[];
}

/** Options for {@linkcode runDetector}. */
export interface RunDetectorOptions {
  seed: number;
  preset: string;
  backend: BackendInfo;
  quiet?: boolean;
  onProgress?: (line: string, final: boolean) => void;
  /** The run's checkpoint (GEOM saves and resumes training and scoring there). */
  checkpoint?: RunCheckpoint;
}

/** Everything a run produced: the record plus the raw scores (for plots and montages). */
export interface RunOutput {
  result: RunResult;
  /** Anomaly scores per variant (higher = more anomalous), aligned with the test images. */
  scores: Record<string, Float64Array>;
}

/**
 * Evaluates each score variant against the test labels, against each anomalous class on its own
 * (`byClass`) when the test images' classes are given, and every variant but the first against the
 * first on the same images (`vsFirst`, DeLong's paired test).
 */
export function evaluateAll(
  scores: Record<string, Float64Array>,
  testLabels: Uint8Array,
  testClasses?: TestClasses,
): Record<string, ScoreMetrics> {
  const out: Record<string, ScoreMetrics> = {};
  const [first] = Object.keys(scores);
  for (const [name, s] of Object.entries(scores)) {
    const m = evaluate(s, testLabels);
    out[name] = {
      auroc: m.auroc,
      ...(m.aurocSe !== undefined ? { aurocSe: m.aurocSe } : {}),
      auprNormal: m.auprNormal,
      auprAnomaly: m.auprAnomaly,
      fpr95: m.fpr95,
      roc: m.rocPoints,
      ...(testClasses ? byClassOf(s, testClasses) : {}),
      ...(name !== first ? vsFirstOf(s, first!, scores[first!]!, testLabels) : {}),
    };
  }
  return out;
}

/**
 * A score's AUROC against the run's first score on the same images (normal = positive, as
 * `auroc`), or nothing when it cannot be computed (a class with one test image).
 */
function vsFirstOf(
  scores: Float64Array,
  firstName: string,
  first: Float64Array,
  testLabels: Uint8Array,
): Pick<ScoreMetrics, "vsFirst"> {
  try {
    const { diff, se, p } = comparePaired(scores, first, testLabels);
    return { vsFirst: { score: firstName, diff, se, p } };
  } catch {
    return {};
  }
}

/**
 * The breakdown by anomalous class, or nothing when it cannot be computed (a diagnostic must
 * not turn a finished run into a failed one; the pooled metrics were computed already).
 */
function byClassOf(scores: Float64Array, c: TestClasses): Pick<ScoreMetrics, "byClass"> {
  try {
    return { byClass: aurocByClass(scores, c.classes, c.normalClass, c.classNames) };
  } catch {
    return {};
  }
}

/** The test images' classes of `data`, when it has them. */
function testClassesOf(data: RunData): TestClasses | undefined {
  if (!data.testClasses || !data.classNames) return undefined;
  return {
    classes: data.testClasses,
    normalClass: data.meta.normalClass,
    classNames: data.classNames,
  };
}

/**
 * Fits `detector` on `data.train`, scores `data.test`, and evaluates every score variant.
 * A failure inside fit or score (e.g. a NaN loss) is returned as a result with status "failed"
 * and the reason, so a sweep can go on.
 */
export async function runDetector(
  detector: Detector,
  data: RunData,
  options: RunDetectorOptions,
): Promise<RunOutput> {
  const t0 = performance.now();
  const base = resultHeader(detector, data, options);
  let fitSeconds = 0, scoreSeconds = 0;
  try {
    await detector.fit(data.train, {
      seed: options.seed,
      quiet: options.quiet,
      onProgress: options.onProgress,
      checkpoint: options.checkpoint,
      testSize: data.test.n,
      dataset: data.meta.dataset,
    });
    fitSeconds = (performance.now() - t0) / 1000;
    // The paper's hindsight protocol, for the detectors that declare it (Detector contract).
    if (selectsByTestLabels(detector)) {
      await detector.selectByTestLabels(data.test, data.testLabels);
    }
    const t1 = performance.now();
    const scores = await scoreAllOf(detector, data.test);
    scoreSeconds = (performance.now() - t1) / 1000;
    const metrics = evaluateAll(scores, data.testLabels, testClassesOf(data));
    const result: RunResult = {
      ...base,
      status: "ok",
      timings: { fitSeconds, scoreSeconds, totalSeconds: (performance.now() - t0) / 1000 },
      metrics,
      state: detector.state(),
      createdAt: new Date().toISOString(),
    };
    return { result, scores };
  } catch (err) {
    const result: RunResult = {
      ...base,
      status: "failed",
      error: oneLine(err),
      timings: { fitSeconds, scoreSeconds, totalSeconds: (performance.now() - t0) / 1000 },
      metrics: {},
      state: safeState(detector),
      createdAt: new Date().toISOString(),
    };
    return { result, scores: {} };
  }
}

/** The fields of a run's result record that are known before it runs. */
function resultHeader(detector: Detector, data: RunData, options: RunDetectorOptions) {
  return {
    schema: RESULT_SCHEMA,
    method: detector.name,
    dataset: data.meta.dataset,
    normalClass: data.meta.normalClass,
    normalClassName: data.meta.normalClassName,
    seed: options.seed,
    preset: options.preset,
    hyperparameters: detector.hyperparameters,
    backend: options.backend,
    versions: runtimeVersions(options.backend.tfjsVersion),
    data: data.meta,
  } as const;
}

function safeState(d: Detector): Record<string, unknown> {
  try {
    return d.state();
  } catch {
    return {};
  }
}
