/**
 * How far an AUROC would move over another test set of the same size: its standard error from
 * the test set's sampling alone (not from training seeds), and the same for the difference of two
 * scores' AUROCs on the same test images. DeLong's estimates need the scores; Hanley & McNeil's
 * approximation needs only the AUROC and the class counts, so it applies to records that kept no
 * scores.
 * @module
 */
import {
  type BinaryMetricOptions,
  type LabelArray,
  positiveMask,
  type ScoreArray,
} from "./binary_curve.ts";

/** An AUROC and its standard error over test sets. */
export interface AurocWithSe {
  /** AUROC (ties count 1/2, as {@linkcode auroc} in roc.ts). */
  auroc: number;
  /** DeLong's standard error of it. */
  se: number;
}

/** Two AUROCs of the same test images and DeLong's paired test of their difference. */
export interface PairedAurocs {
  /** AUROC of the first scores. */
  a: number;
  /** AUROC of the second scores. */
  b: number;
  /** a - b. */
  diff: number;
  /** DeLong's standard error of a - b (0 when the two rank every pair alike). */
  se: number;
  /** Two-sided p-value of a - b = 0 from the normal approximation (1 when se and diff are 0). */
  p: number;
}

/**
 * DeLong's structural components, one per sample: a positive's fraction of the negatives it
 * outscores, a negative's fraction of the positives that outscore it, ties counting 1/2. The
 * AUROC is the mean over either class.
 */
function placements(scores: ScoreArray, isPos: Uint8Array, nPos: number): Float64Array {
  const n = scores.length, nNeg = n - nPos;
  const order = Array.from({ length: n }, (_, i) => i).sort((i, j) => {
    const si = scores[i]!, sj = scores[j]!;
    return sj > si ? 1 : sj < si ? -1 : 0; // descending; infinities tie with themselves
  });
  const v = new Float64Array(n);
  let posAbove = 0, negAbove = 0;
  for (let r = 0; r < n;) {
    let end = r, dp = 0;
    while (end < n && scores[order[end]!]! === scores[order[r]!]!) dp += isPos[order[end++]!]!;
    const dn = end - r - dp;
    const vPos = (nNeg - negAbove - dn / 2) / nNeg; // outscores those below, ties dn
    const vNeg = (posAbove + dp / 2) / nPos; // outscored by those above, ties dp
    for (let k = r; k < end; k++) v[order[k]!] = isPos[order[k]!] ? vPos : vNeg;
    posAbove += dp;
    negAbove += dn;
    r = end;
  }
  return v;
}

/** Checks and counts the classes; DeLong needs 2 samples of each. */
function classes(
  scores: ScoreArray,
  labels: LabelArray,
  options: BinaryMetricOptions,
  action: string,
): { isPos: Uint8Array; nPos: number; nNeg: number } {
  const isPos = positiveMask(scores, labels, options.positive ?? 1, action);
  const nPos = isPos.reduce((a, b) => a + b, 0), nNeg = scores.length - nPos;
  if (nPos < 2 || nNeg < 2) {
    throw new RangeError(
      `Cannot ${action}: need 2 samples of each class, have ${nPos} and ${nNeg}`,
    );
  }
  return { isPos, nPos, nNeg };
}

/** Means and the covariance of two components over one class (n - 1 in the denominator). */
function covariance(x: Float64Array, y: Float64Array, isPos: Uint8Array, pos: number) {
  let n = 0, mx = 0, my = 0;
  for (let i = 0; i < x.length; i++) {
    if (isPos[i] !== pos) continue;
    n++;
    mx += x[i]!;
    my += y[i]!;
  }
  mx /= n;
  my /= n;
  let c = 0;
  for (let i = 0; i < x.length; i++) if (isPos[i] === pos) c += (x[i]! - mx) * (y[i]! - my);
  return { mx, my, c: c / (n - 1), n };
}

/**
 * AUROC with DeLong, DeLong & Clarke-Pearson's (1988) standard error: var = s10 / nPos + s01 /
 * nNeg, the sample variances of the structural components of the positives and of the negatives.
 * O(n log n).
 *
 * @throws {RangeError} as `auroc`, and when a class has fewer than 2 samples (no variance).
 */
export function aurocDeLong(
  scores: ScoreArray,
  labels: LabelArray,
  options: BinaryMetricOptions = {},
): AurocWithSe {
  const { isPos, nPos } = classes(scores, labels, options, "compute AUROC's standard error");
  const v = placements(scores, isPos, nPos);
  const p = covariance(v, v, isPos, 1), q = covariance(v, v, isPos, 0);
  return { auroc: p.mx, se: Math.sqrt(p.c / p.n + q.c / q.n) };
}

/**
 * DeLong's paired test of two scores' AUROCs on the same samples: var(a - b) = (s10_aa + s10_bb -
 * 2 s10_ab) / nPos + (s01_aa + s01_bb - 2 s01_ab) / nNeg, with s10 and s01 the covariances of the
 * two scores' structural components over the positives and over the negatives. Two scores that
 * rank alike have correlated errors, so their difference is known far better than the AUROCs.
 *
 * @throws {RangeError} as {@linkcode aurocDeLong}, and when the two score arrays differ in length.
 */
export function aurocDeLongPaired(
  a: ScoreArray,
  b: ScoreArray,
  labels: LabelArray,
  options: BinaryMetricOptions = {},
): PairedAurocs {
  const action = "compare two AUROCs";
  if (a.length !== b.length) {
    throw new RangeError(`Cannot ${action}: ${a.length} and ${b.length} scores (must match)`);
  }
  const { isPos, nPos } = classes(a, labels, options, action);
  classes(b, labels, options, action); // checks b's values
  const va = placements(a, isPos, nPos), vb = placements(b, isPos, nPos);
  const part = (pos: number) => {
    const aa = covariance(va, va, isPos, pos), bb = covariance(vb, vb, isPos, pos);
    const ab = covariance(va, vb, isPos, pos);
    return { a: aa.mx, b: bb.mx, v: (aa.c + bb.c - 2 * ab.c) / aa.n };
  };
  const pos = part(1), neg = part(0);
  const diff = pos.a - pos.b;
  const se = Math.sqrt(Math.max(0, pos.v + neg.v));
  // erfc's fit is 1 + 3e-8 at 0: a p-value stays in [0, 1]
  const p = se > 0 ? Math.min(1, erfc(Math.abs(diff) / se / Math.SQRT2)) : diff === 0 ? 1 : 0;
  return { a: pos.a, b: pos.b, diff, se, p };
}

/**
 * The complementary error function, Numerical Recipes' Chebyshev fit (`erfcc`): fractional error
 * below 1.2e-7 everywhere, ample for a p-value.
 */
export function erfc(x: number): number {
  const z = Math.abs(x), t = 1 / (1 + 0.5 * z);
  const r = t * Math.exp(
    -z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 +
                      t *
                        (0.27886807 +
                          t *
                            (-1.13520398 +
                              t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
  );
  return x >= 0 ? r : 2 - r;
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
