/**
 * ROC curve and the area under it (AUROC), matching scikit-learn's `roc_curve` and
 * `roc_auc_score` for binary labels, ties included.
 * @module
 */
import {
  binaryCounts,
  type BinaryMetricOptions,
  type LabelArray,
  type ScoreArray,
} from "./binary_curve.ts";

/** A ROC curve: false and true positive rates at decreasing thresholds. */
export interface RocCurve {
  /** False positive rates, starting at 0 and ending at 1. */
  fpr: Float64Array;
  /** True positive rates, starting at 0 and ending at 1. */
  tpr: Float64Array;
  /**
   * thresholds[i]: predict positive when score >= thresholds[i]. thresholds[0] is `Infinity`
   * (nothing predicted positive), as in scikit-learn >= 1.3 (1.2 used max score + 1).
   */
  thresholds: Float64Array;
}

/**
 * The ROC curve with one point per distinct score (scikit-learn's
 * `roc_curve(..., drop_intermediate=False)`), plus the (0, 0) start point.
 * Tied scores form one step, so the curve joins tied positives and negatives by a diagonal.
 *
 * @param scores higher = more likely positive.
 * @param labels `options.positive` (default 1) marks positives; the other value negatives.
 * @throws {RangeError} on length mismatch, NaN scores, one class only, or > 2 label values.
 */
export function rocCurve(
  scores: ScoreArray,
  labels: LabelArray,
  options: BinaryMetricOptions = {},
): RocCurve {
  const { fps, tps, thresholds } = binaryCounts(scores, labels, {
    ...options,
    action: "compute ROC curve",
  });
  const m = thresholds.length;
  const nNeg = fps[m - 1]!, nPos = tps[m - 1]!;
  const fpr = new Float64Array(m + 1);
  const tpr = new Float64Array(m + 1);
  const thr = new Float64Array(m + 1);
  thr[0] = Infinity;
  for (let i = 0; i < m; i++) {
    fpr[i + 1] = fps[i]! / nNeg;
    tpr[i + 1] = tps[i]! / nPos;
    thr[i + 1] = thresholds[i]!;
  }
  return { fpr, tpr, thresholds: thr };
}

/** Trapezoidal area under a curve given by points (x[i], y[i]) with x monotone. */
export function trapezoid(x: ArrayLike<number>, y: ArrayLike<number>): number {
  if (x.length !== y.length) {
    throw new RangeError(`Cannot integrate curve: ${x.length} x values but ${y.length} y values`);
  }
  let area = 0;
  for (let i = 1; i < x.length; i++) area += (x[i]! - x[i - 1]!) * (y[i]! + y[i - 1]!) / 2;
  return area;
}

/**
 * Area under the ROC curve, equal to scikit-learn's `roc_auc_score` for binary labels: the
 * trapezoid over distinct thresholds, so a tie between a positive and a negative counts 1/2
 * (the Mann-Whitney statistic with average ranks).
 *
 * geomad's detectors return ANOMALY scores and datasets label normal = 1; for the paper's
 * "normal as positive" AUROC use {@linkcode evaluate} (which negates the scores) or pass
 * `-score` yourself.
 *
 * @throws {RangeError} on length mismatch, NaN scores, one class only, or > 2 label values.
 */
export function auroc(
  scores: ScoreArray,
  labels: LabelArray,
  options: BinaryMetricOptions = {},
): number {
  const { fps, tps } = binaryCounts(scores, labels, { ...options, action: "compute AUROC" });
  const m = fps.length;
  const nNeg = fps[m - 1]!, nPos = tps[m - 1]!;
  // Integrate in counts (exact integers up to 2^53), divide once.
  let area2 = 0, prevF = 0, prevT = 0;
  for (let i = 0; i < m; i++) {
    const f = fps[i]!, t = tps[i]!;
    area2 += (f - prevF) * (t + prevT);
    prevF = f;
    prevT = t;
  }
  return area2 / (2 * nNeg * nPos);
}
