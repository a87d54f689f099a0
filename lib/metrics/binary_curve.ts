/**
 * Counts of true and false positives at every distinct score threshold: the shared core of the
 * ROC and precision-recall curves (the same construction as scikit-learn's `_binary_clf_curve`).
 * @module
 */

/** Scores: any array-like of numbers (Float64Array, Float32Array, number[]). */
export type ScoreArray = ArrayLike<number>;

/** Labels: numbers or booleans (`true` counts as 1, `false` as 0). */
export type LabelArray = ArrayLike<number | boolean>;

/** Options shared by the ranking metrics. */
export interface BinaryMetricOptions {
  /** The label value that counts as positive; every other value is negative. Default 1. */
  positive?: number;
}

/** True/false positive counts per distinct threshold, thresholds in decreasing order. */
export interface BinaryCounts {
  /** fps[i]: negatives with score >= thresholds[i] (non-decreasing; last = number of negatives). */
  fps: Float64Array;
  /** tps[i]: positives with score >= thresholds[i] (non-decreasing; last = number of positives). */
  tps: Float64Array;
  /** The distinct score values, decreasing. */
  thresholds: Float64Array;
}

/**
 * Validates scores and labels and counts true/false positives at every distinct score,
 * visiting scores from highest to lowest.
 *
 * @param action what the caller computes, for error messages ("compute AUROC").
 * @throws {RangeError} on a length mismatch, no samples, a NaN score or label, more than two
 *   distinct label values, or labels that hold only one class.
 */
export function binaryCounts(
  scores: ScoreArray,
  labels: LabelArray,
  options: BinaryMetricOptions & { action?: string } = {},
): BinaryCounts {
  const action = options.action ?? "compute binary metric";
  const isPos = positiveMask(scores, labels, options.positive ?? 1, action);
  const n = scores.length;
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  order.sort((a, b) => {
    const sa = scores[a]!, sb = scores[b]!;
    return sb > sa ? 1 : sb < sa ? -1 : 0;
  });
  const fps: number[] = [];
  const tps: number[] = [];
  const thresholds: number[] = [];
  let tp = 0;
  for (let r = 0; r < n; r++) {
    const i = order[r]!;
    tp += isPos[i]!;
    const s = scores[i]!;
    // Close a threshold group where the next score differs (or at the end).
    if (r === n - 1 || scores[order[r + 1]!]! !== s) {
      tps.push(tp);
      fps.push(r + 1 - tp);
      thresholds.push(s);
    }
  }
  return {
    fps: Float64Array.from(fps),
    tps: Float64Array.from(tps),
    thresholds: Float64Array.from(thresholds),
  };
}

/**
 * Checks `scores` and `labels` as {@link binaryCounts} documents and marks the samples whose
 * label is `positive` with 1.
 */
export function positiveMask(
  scores: ScoreArray,
  labels: LabelArray,
  positive: number,
  action: string,
): Uint8Array {
  const n = scores.length;
  if (labels.length !== n) {
    throw new RangeError(
      `Cannot ${action}: ${n} scores but ${labels.length} labels (lengths must match)`,
    );
  }
  if (n === 0) throw new RangeError(`Cannot ${action}: no samples`);
  const isPos = new Uint8Array(n);
  const distinct = new Set<number>();
  let nPos = 0;
  for (let i = 0; i < n; i++) {
    const s = scores[i]!;
    if (Number.isNaN(s)) throw new RangeError(`Cannot ${action}: score ${i} is NaN`);
    const raw = labels[i]!;
    const l = typeof raw === "boolean" ? (raw ? 1 : 0) : raw;
    if (Number.isNaN(l)) throw new RangeError(`Cannot ${action}: label ${i} is NaN`);
    if (distinct.size < 3) distinct.add(l);
    if (l === positive) {
      isPos[i] = 1;
      nPos++;
    }
  }
  if (distinct.size > 2) {
    throw new RangeError(`Cannot ${action}: labels hold more than two distinct values`);
  }
  if (nPos === 0) {
    throw new RangeError(
      `Cannot ${action}: no sample has the positive label ${positive} (need both classes)`,
    );
  }
  if (nPos === n) {
    throw new RangeError(
      `Cannot ${action}: every sample has the positive label ${positive} (need both classes)`,
    );
  }
  return isPos;
}
