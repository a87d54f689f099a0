/**
 * How far an AUROC would move over another test set of the same size: its standard error from
 * the test set's sampling alone (not from training seeds). DeLong's estimate needs the scores;
 * Hanley & McNeil's approximation needs only the AUROC and the class counts, so it applies to
 * records that kept no scores.
 * @module
 */
import {
  binaryCounts,
  type BinaryMetricOptions,
  type LabelArray,
  type ScoreArray,
} from "./binary_curve.ts";

/** An AUROC and its standard error over test sets. */
export interface AurocWithSe {
  /** AUROC (ties count 1/2, as {@linkcode auroc} in roc.ts). */
  auroc: number;
  /** DeLong's standard error of it. */
  se: number;
}

/**
 * AUROC with DeLong, DeLong & Clarke-Pearson's (1988) standard error: from the structural
 * components, the fraction of negatives each positive outscores (V10) and of positives that
 * outscore each negative (V01), ties counting 1/2, var = s10 / nPos + s01 / nNeg with s10 and s01
 * their sample variances. Tied scores share their component, so one pass over the distinct
 * scores computes it (O(n log n)).
 *
 * @throws {RangeError} as `auroc`, and when a class has fewer than 2 samples (no variance).
 */
export function aurocDeLong(
  scores: ScoreArray,
  labels: LabelArray,
  options: BinaryMetricOptions = {},
): AurocWithSe {
  const action = "compute AUROC's standard error";
  const { fps, tps } = binaryCounts(scores, labels, { ...options, action });
  const m = fps.length;
  const nNeg = fps[m - 1]!, nPos = tps[m - 1]!;
  if (nPos < 2 || nNeg < 2) {
    throw new RangeError(
      `Cannot ${action}: need 2 samples of each class, have ${nPos} and ${nNeg}`,
    );
  }
  // Group g holds the samples scored thresholds[g]: dp positives and dn negatives.
  // A positive there outscores nNeg - fps[g] negatives and ties dn; a negative there is
  // outscored by tps[g - 1] positives and ties dp.
  const v10 = (g: number, dn: number) => (nNeg - fps[g]! + dn / 2) / nNeg;
  const v01 = (g: number, dp: number) => ((g > 0 ? tps[g - 1]! : 0) + dp / 2) / nPos;
  let sum = 0;
  for (let g = 0; g < m; g++) {
    const dp = tps[g]! - (g > 0 ? tps[g - 1]! : 0);
    const dn = fps[g]! - (g > 0 ? fps[g - 1]! : 0);
    sum += dp * v10(g, dn);
  }
  const auc = sum / nPos;
  let s10 = 0, s01 = 0;
  for (let g = 0; g < m; g++) {
    const dp = tps[g]! - (g > 0 ? tps[g - 1]! : 0);
    const dn = fps[g]! - (g > 0 ? fps[g - 1]! : 0);
    s10 += dp * (v10(g, dn) - auc) ** 2;
    s01 += dn * (v01(g, dp) - auc) ** 2;
  }
  const variance = s10 / (nPos - 1) / nPos + s01 / (nNeg - 1) / nNeg;
  return { auroc: auc, se: Math.sqrt(variance) };
}

/**
 * Hanley & McNeil's (1982) standard error of an AUROC from the AUROC and the class counts alone:
 * var = (A (1 - A) + (nPos - 1)(Q1 - A^2) + (nNeg - 1)(Q2 - A^2)) / (nPos nNeg), with
 * Q1 = A / (2 - A) and Q2 = 2 A^2 / (1 + A) (exact for exponentially distributed scores, an
 * approximation otherwise). `nPos` counts the class the AUROC ranks first (geomad: the normal).
 *
 * @throws {RangeError} when A is not in [0, 1] or a count is not an integer >= 1.
 */
export function hanleyMcNeilSe(auroc: number, nPos: number, nNeg: number): number {
  if (!(auroc >= 0 && auroc <= 1)) {
    throw new RangeError(`Cannot compute Hanley-McNeil SE: AUROC ${auroc} is not in [0, 1]`);
  }
  for (const [name, n] of [["nPos", nPos], ["nNeg", nNeg]] as const) {
    if (!Number.isSafeInteger(n) || n < 1) {
      throw new RangeError(`Cannot compute Hanley-McNeil SE: ${name} ${n} is not an integer >= 1`);
    }
  }
  const a = auroc, a2 = a * a;
  const q1 = a / (2 - a), q2 = (2 * a2) / (1 + a);
  const variance = (a * (1 - a) + (nPos - 1) * (q1 - a2) + (nNeg - 1) * (q2 - a2)) / (nPos * nNeg);
  return Math.sqrt(Math.max(0, variance));
}
