/**
 * Evaluation metrics as pure functions on arrays, in float64: AUROC, ROC and precision-recall
 * curves, average precision, FPR at a TPR, and run summaries. Ties are handled exactly as
 * scikit-learn does (checked against committed scikit-learn numbers).
 *
 * Convention: detectors return ANOMALY scores (higher = more anomalous) and datasets label
 * normal = 1; `evaluate` turns those into the paper's normal-as-positive metrics.
 *
 * @example
 * ```ts
 * import { evaluate, meanSem } from "geomad/metrics/mod.ts";
 * const m = evaluate(new Float64Array([0.1, 0.9, 0.2, 0.8]), [1, 0, 1, 0]);
 * console.log(m.auroc, m.fpr95); // 1 0
 * console.log(meanSem([0.93, 0.94, 0.95]).sem);
 * ```
 * @module
 */
export type { BinaryMetricOptions, LabelArray, ScoreArray } from "./binary_curve.ts";
export { auroc, type RocCurve, rocCurve, trapezoid } from "./roc.ts";
export {
  aurocDeLong,
  aurocDeLongPaired,
  type AurocWithSe,
  erfc,
  hanleyMcNeilSe,
  type PairedAurocs,
} from "./auroc_se.ts";
export {
  averagePrecision,
  prAuc,
  type PrecisionRecallCurve,
  precisionRecallCurve,
} from "./precision_recall.ts";
export {
  comparePaired,
  type CurvePoints,
  downsampleRoc,
  evaluate,
  type EvaluateOptions,
  type Evaluation,
  fprAtTpr,
  type FprAtTprOptions,
} from "./evaluate.ts";
export { aurocByClass, type ClassAuroc } from "./by_class.ts";
export { type MeanSem, meanSem } from "./summary.ts";
export { holm, tCritical95 } from "./significance.ts";
