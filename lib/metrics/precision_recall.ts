/**
 * Precision-recall curve, average precision and the trapezoidal PR area, matching
 * scikit-learn's `precision_recall_curve`, `average_precision_score` and
 * `auc(recall, precision)` for binary labels.
 * @module
 */
import {
  binaryCounts,
  type BinaryMetricOptions,
  type LabelArray,
  type ScoreArray,
} from "./binary_curve.ts";
import { trapezoid } from "./roc.ts";

/** A precision-recall curve in scikit-learn's layout (thresholds increasing). */
export interface PrecisionRecallCurve {
  /** precision[i] for predicting positive when score >= thresholds[i]; last element 1. */
  precision: Float64Array;
  /** recall[i] likewise, decreasing; last element 0. */
  recall: Float64Array;
  /** The distinct scores, increasing; one fewer than precision/recall. */
  thresholds: Float64Array;
}

/**
 * The precision-recall curve with one point per distinct score, as scikit-learn 1.2's
 * `precision_recall_curve`: increasing thresholds, then a final (recall 0, precision 1) point.
 *
 * @throws {RangeError} on length mismatch, NaN scores, one class only, or > 2 label values.
 */
export function precisionRecallCurve(
  scores: ScoreArray,
  labels: LabelArray,
  options: BinaryMetricOptions = {},
): PrecisionRecallCurve {
  const { fps, tps, thresholds } = binaryCounts(scores, labels, {
    ...options,
    action: "compute precision-recall curve",
  });
  const m = thresholds.length;
  const nPos = tps[m - 1]!;
  const precision = new Float64Array(m + 1);
  const recall = new Float64Array(m + 1);
  const thr = new Float64Array(m);
  for (let i = 0; i < m; i++) {
    const j = m - 1 - i; // reverse: increasing thresholds
    const tp = tps[j]!, fp = fps[j]!;
    precision[i] = tp + fp === 0 ? 0 : tp / (tp + fp);
    recall[i] = tp / nPos;
    thr[i] = thresholds[j]!;
  }
  precision[m] = 1;
  recall[m] = 0;
  return { precision, recall, thresholds: thr };
}

/**
 * Average precision, equal to scikit-learn's `average_precision_score`:
 * sum over thresholds of (R_i - R_{i-1}) * P_i (a step function, no interpolation).
 *
 * @throws {RangeError} on length mismatch, NaN scores, one class only, or > 2 label values.
 */
export function averagePrecision(
  scores: ScoreArray,
  labels: LabelArray,
  options: BinaryMetricOptions = {},
): number {
  const { fps, tps } = binaryCounts(scores, labels, {
    ...options,
    action: "compute average precision",
  });
  const nPos = tps[tps.length - 1]!;
  let ap = 0, prevTp = 0;
  for (let i = 0; i < tps.length; i++) {
    const tp = tps[i]!, fp = fps[i]!;
    if (tp > prevTp) ap += (tp - prevTp) / nPos * (tp / (tp + fp));
    prevTp = tp;
  }
  return ap;
}

/**
 * Trapezoidal area under the precision-recall curve, `auc(recall, precision)` in
 * scikit-learn: what the official GEOM code reports as AUPR (it differs from
 * {@linkcode averagePrecision}, which is a step sum).
 *
 * @throws {RangeError} on length mismatch, NaN scores, one class only, or > 2 label values.
 */
export function prAuc(
  scores: ScoreArray,
  labels: LabelArray,
  options: BinaryMetricOptions = {},
): number {
  const { precision, recall } = precisionRecallCurve(scores, labels, options);
  // recall decreases along the curve; integrate in increasing recall. Rounding in the float
  // sum can put a perfect curve's area an ulp or two above 1 (9 positives ranked above 1
  // negative: 1.0000000000000002), which result records must not hold: clamp to [0, 1].
  return Math.min(1, Math.max(0, -trapezoid(recall, precision)));
}
