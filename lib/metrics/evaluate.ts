/**
 * One call for every metric geomad reports per run: AUROC with normal as positive (the paper's
 * convention) with its standard error, AUPR both ways, FPR at 95% TPR and a small ROC curve for
 * plotting.
 * @module
 */
import type { BinaryMetricOptions, LabelArray, ScoreArray } from "./binary_curve.ts";
import { averagePrecision, prAuc } from "./precision_recall.ts";
import { auroc, rocCurve } from "./roc.ts";
import { aurocDeLong, aurocDeLongPaired, type PairedAurocs } from "./auroc_se.ts";

/** Options for {@linkcode fprAtTpr}. */
export interface FprAtTprOptions extends BinaryMetricOptions {
  /** Target true positive rate in (0, 1]. Default 0.95. */
  tpr?: number;
}

/**
 * False positive rate at the first ROC operating point whose true positive rate reaches
 * `options.tpr` (default 0.95): the highest threshold with TPR >= target, so the lowest FPR
 * that achieves it. No interpolation between points; ties move together.
 *
 * @throws {RangeError} on a target outside (0, 1] or bad scores/labels (see `rocCurve`).
 */
export function fprAtTpr(
  scores: ScoreArray,
  labels: LabelArray,
  options: FprAtTprOptions = {},
): number {
  const target = options.tpr ?? 0.95;
  if (!(target > 0 && target <= 1)) {
    throw new RangeError(`Cannot compute FPR at TPR: target ${target} is outside (0, 1]`);
  }
  const { fpr, tpr } = rocCurve(scores, labels, options);
  for (let i = 0; i < tpr.length; i++) if (tpr[i]! >= target) return fpr[i]!;
  return 1; // unreachable: the last point has TPR 1
}

/** A curve as plain arrays (JSON-friendly), e.g. for plotly. */
export interface CurvePoints {
  /** False positive rates. */
  fpr: number[];
  /** True positive rates. */
  tpr: number[];
}

/**
 * Thins a ROC curve to at most `maxPoints` points spaced evenly along its length (the curve is
 * monotone, so its L1 length so far is fpr + tpr, from 0 to 2): the first point, the first
 * point in each of maxPoints - 1 equal slices of that length, and the last point. Curves with
 * at most `maxPoints` points are returned whole.
 */
export function downsampleRoc(
  curve: { fpr: ArrayLike<number>; tpr: ArrayLike<number> },
  maxPoints = 200,
): CurvePoints {
  if (!(Number.isInteger(maxPoints) && maxPoints >= 2)) {
    throw new RangeError(
      `Cannot downsample ROC curve: maxPoints ${maxPoints} is not an integer >= 2`,
    );
  }
  const m = curve.fpr.length;
  if (curve.tpr.length !== m) {
    throw new RangeError(
      `Cannot downsample ROC curve: ${m} fpr values but ${curve.tpr.length} tpr`,
    );
  }
  const fpr: number[] = [], tpr: number[] = [];
  if (m <= maxPoints) {
    for (let i = 0; i < m; i++) {
      fpr.push(curve.fpr[i]!);
      tpr.push(curve.tpr[i]!);
    }
    return { fpr, tpr };
  }
  const step = 2 / (maxPoints - 1);
  let lastBucket = -1;
  for (let i = 0; i < m; i++) {
    const f = curve.fpr[i]!, t = curve.tpr[i]!;
    const bucket = Math.min(maxPoints - 2, Math.floor((f + t) / step));
    if (i === m - 1 || bucket > lastBucket) {
      fpr.push(f);
      tpr.push(t);
      lastBucket = bucket;
    }
  }
  return { fpr, tpr };
}

/** Options for {@linkcode evaluate}. */
export interface EvaluateOptions {
  /** Most points kept in `rocPoints`. Default 200. */
  maxRocPoints?: number;
}

/** Every per-run metric, with normal = positive unless the name says otherwise. */
export interface Evaluation {
  /** AUROC with normal as positive (the paper's headline number), from -anomalyScore. */
  auroc: number;
  /**
   * DeLong's standard error of `auroc` over test sets of this size (test-set sampling only, not
   * training seeds); absent when a class has a single sample.
   */
  aurocSe?: number;
  /** Trapezoidal PR area, normal positive (ranked by -anomalyScore), as the official code. */
  auprNormal: number;
  /** Trapezoidal PR area, anomaly positive (ranked by anomalyScore), as the official code. */
  auprAnomaly: number;
  /** Average precision (scikit-learn's step sum), normal positive. */
  apNormal: number;
  /** Average precision, anomaly positive. */
  apAnomaly: number;
  /**
   * FPR at 95% TPR, normal positive (OOD-literature convention): the fraction of anomalies
   * accepted as normal at the highest normality threshold that accepts >= 95% of the normals.
   */
  fpr95: number;
  /** Number of normal test samples. */
  nNormal: number;
  /** Number of anomalous test samples. */
  nAnomaly: number;
  /** The ROC curve (normal positive) thinned for plotting. */
  rocPoints: CurvePoints;
}

/**
 * Evaluates ANOMALY scores (higher = more anomalous, what detectors return) against
 * `isNormal` labels (1 or `true` = normal, 0 or `false` = anomaly), reporting the paper's
 * normal-as-positive metrics by ranking on -score.
 *
 * @example
 * ```ts
 * const m = evaluate(new Float64Array([0.1, 0.9, 0.2]), [1, 0, 1]);
 * // m.auroc === 1
 * ```
 * @throws {RangeError} on length mismatch, NaN scores, a label not in {0, 1, false, true},
 *   or only one class present.
 */
export function evaluate(
  anomalyScores: ScoreArray,
  isNormal: LabelArray,
  options: EvaluateOptions = {},
): Evaluation {
  const n = anomalyScores.length;
  if (isNormal.length !== n) {
    throw new RangeError(
      `Cannot evaluate scores: ${n} scores but ${isNormal.length} labels (lengths must match)`,
    );
  }
  const normal = new Uint8Array(n);
  const normality = new Float64Array(n);
  let nNormal = 0;
  for (let i = 0; i < n; i++) {
    const l = isNormal[i]!;
    if (l === 1 || l === true) {
      normal[i] = 1;
      nNormal++;
    } else if (l !== 0 && l !== false) {
      throw new RangeError(`Cannot evaluate scores: label ${i} is ${l} (expected 0/1 or boolean)`);
    }
    normality[i] = -anomalyScores[i]!;
  }
  const roc = rocCurve(normality, normal);
  const nAnomaly = n - nNormal;
  return {
    auroc: auroc(normality, normal),
    ...(nNormal > 1 && nAnomaly > 1 ? { aurocSe: aurocDeLong(normality, normal).se } : {}),
    auprNormal: prAuc(normality, normal),
    auprAnomaly: prAuc(anomalyScores, normal, { positive: 0 }),
    apNormal: averagePrecision(normality, normal),
    apAnomaly: averagePrecision(anomalyScores, normal, { positive: 0 }),
    fpr95: fprAtTpr(normality, normal, { tpr: 0.95 }),
    nNormal,
    nAnomaly,
    rocPoints: downsampleRoc(roc, options.maxRocPoints ?? 200),
  };
}

/**
 * DeLong's paired test of two ANOMALY scores of the same test images, in {@linkcode evaluate}'s
 * convention (normal = positive, ranked by -score): `a` and `b` are the two AUROCs as `evaluate`
 * reports them, `diff` = a - b, with its standard error and two-sided p.
 *
 * @throws {RangeError} as `aurocDeLongPaired` (lengths differ, NaN scores, bad labels, a class
 *   with fewer than 2 samples).
 */
export function comparePaired(
  anomalyA: ScoreArray,
  anomalyB: ScoreArray,
  isNormal: LabelArray,
): PairedAurocs {
  const neg = (s: ScoreArray) => Float64Array.from(s, (x) => -x);
  return aurocDeLongPaired(neg(anomalyA), neg(anomalyB), isNormal);
}
