/**
 * The one detector interface shared by GEOM and every baseline (after PyOD; docs/protocol.md,
 * "Detectors").
 *
 * - `fit(train, options)` learns from normal images only and resolves to the detector.
 * - `score(x)` returns ANOMALY scores: higher = more anomalous. Methods whose natural output is
 *   a normality score (GEOM's Dirichlet score, an OC-SVM decision value) negate it once, here at
 *   the boundary.
 * - `scoreAll(x)` (optional) returns every score variant a method has (e.g. GEOM's dirichlet,
 *   simple, max-softmax, entropy) from one pass, each with the same convention.
 * - Randomness comes only through `seed` in the options; fitted state is readable via `state()`.
 * - `selectsByTestLabels` says, for every detector, whether it picks hyperparameters by TEST
 *   labels (the paper's hindsight protocol for its OC-SVM baselines). Such a detector has
 *   `selectByTestLabels`, which the runner (lib/experiments/run_detector.ts) calls once after
 *   `fit` and before `score`; its fitted state records the selection. Every other detector
 *   never sees a test label.
 * @module
 */
import type { Images } from "../data/types.ts";
import type { RunCheckpoint } from "../train/checkpoint.ts";

/** Options every `fit` accepts. */
export interface FitOptions {
  /** Seed for every random choice of the fit. */
  seed?: number;
  /** Silence progress output. */
  quiet?: boolean;
  /** Called with a progress line (for notebooks); the CLI uses a progress bar on stderr. */
  onProgress?: (line: string, final: boolean) => void;
  /**
   * The run's checkpoint: a method that supports it (GEOM) saves its training and scoring
   * there every few minutes and resumes from what is saved; others ignore it.
   */
  checkpoint?: RunCheckpoint;
  /** Images `score` will be given after this fit (for the run's ETA in progress lines). */
  testSize?: number;
  /** The dataset's name (e.g. `cifar10`), for settings the paper gives per dataset (GOAD's
   * margin). */
  dataset?: string;
}

/** A fitted or unfitted anomaly detector. */
export interface Detector {
  /** Method name as used on the CLI and in results, e.g. `geom`, `raw-ocsvm`. */
  readonly name: string;
  /**
   * Every hyperparameter that shapes the result (recorded in result JSON). Known from
   * construction on and unchanged by `fit`: whether a stored result is this run's is decided
   * by comparing them (lib/experiments/reuse.ts).
   */
  readonly hyperparameters: Record<string, unknown>;
  /**
   * True when this detector selects hyperparameters by TEST labels (the paper's hindsight
   * protocol): the runner then calls `selectByTestLabels` after `fit`, before `score`.
   */
  readonly selectsByTestLabels: boolean;
  /**
   * Hindsight selection (only when `selectsByTestLabels`): picks among the fitted candidates
   * by the test images and their labels (1 / true = normal); resolves to what it chose.
   */
  selectByTestLabels?(x: Images, isNormal: ArrayLike<number | boolean>): Promise<unknown>;
  /** Learns from normal training images; resolves to `this`. */
  fit(train: Images, options?: FitOptions): Promise<this>;
  /** Anomaly scores for `x` (higher = more anomalous), one per image. */
  score(x: Images): Promise<Float64Array>;
  /** Every score variant (same convention), keyed by name. Default: `{ [name]: score(x) }`. */
  scoreAll?(x: Images): Promise<Record<string, Float64Array>>;
  /** Readable fitted state (small summary: sizes, losses, selected hyperparameters). */
  state(): Record<string, unknown>;
  /** Frees tensors or other resources. */
  dispose(): void;
}

/** A detector with hindsight selection (see {@linkcode Detector.selectsByTestLabels}). */
export type HindsightDetector = Detector & {
  readonly selectsByTestLabels: true;
  selectByTestLabels(x: Images, isNormal: ArrayLike<number | boolean>): Promise<unknown>;
};

/** Whether `d` selects hyperparameters by test labels (and can). */
export function selectsByTestLabels(d: Detector): d is HindsightDetector {
  return d.selectsByTestLabels && typeof d.selectByTestLabels === "function";
}

/** All score variants of a detector (falls back to its single score). */
export async function scoreAllOf(d: Detector, x: Images): Promise<Record<string, Float64Array>> {
  if (d.scoreAll) return await d.scoreAll(x);
  return { [d.name]: await d.score(x) };
}
