/**
 * Comparing two scorings of the same images by rank: rank percentiles, Spearman's rank
 * correlation, and the images the two rank most differently (e.g. GEOM's Dirichlet versus
 * simple score). Rank percentile 0 = lowest score, 1 = highest; for anomaly scores, 1 = most
 * anomalous.
 * @module
 */

function checkFinite(scores: ArrayLike<number>, action: string): void {
  for (let i = 0; i < scores.length; i++) {
    if (!Number.isFinite(scores[i]!)) {
      throw new RangeError(`Cannot ${action}: score ${i} is ${scores[i]}`);
    }
  }
}

function checkPair(a: ArrayLike<number>, b: ArrayLike<number>, action: string): void {
  if (a.length !== b.length) {
    throw new RangeError(`Cannot ${action}: ${a.length} scores versus ${b.length}`);
  }
}

/** 1-based ranks (1 = lowest score); tied scores share their average rank. */
export function averageRanks(scores: ArrayLike<number>): Float64Array {
  checkFinite(scores, "rank scores");
  const n = scores.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((i, j) => scores[i]! - scores[j]!);
  const ranks = new Float64Array(n);
  for (let start = 0; start < n;) {
    let end = start + 1;
    while (end < n && scores[order[end]!] === scores[order[start]!]) end++;
    const rank = (start + 1 + end) / 2; // mean of ranks start+1 .. end
    for (let k = start; k < end; k++) ranks[order[k]!] = rank;
    start = end;
  }
  return ranks;
}

/**
 * Ranks scaled to [0, 1]: (rank - 1) / (n - 1), ties averaged; 0.5 for a single score.
 * Throws RangeError on a non-finite score.
 */
export function rankPercentiles(scores: ArrayLike<number>): Float64Array {
  const ranks = averageRanks(scores);
  const n = ranks.length;
  for (let i = 0; i < n; i++) ranks[i] = n > 1 ? (ranks[i]! - 1) / (n - 1) : 0.5;
  return ranks;
}

/**
 * Spearman's rank correlation (Pearson's correlation of the average ranks), in [-1, 1];
 * NaN when either scoring is constant. Throws RangeError when the lengths differ, fewer than
 * 2 scores are given, or a score is not finite.
 */
export function rankCorrelation(a: ArrayLike<number>, b: ArrayLike<number>): number {
  checkPair(a, b, "correlate ranks");
  if (a.length < 2) {
    throw new RangeError(`Cannot correlate ranks: need at least 2 scores, got ${a.length}`);
  }
  const ra = averageRanks(a), rb = averageRanks(b);
  const mean = (ra.length + 1) / 2; // mean rank, ties or not
  let sab = 0, saa = 0, sbb = 0;
  for (let i = 0; i < ra.length; i++) {
    const da = ra[i]! - mean, db = rb[i]! - mean;
    sab += da * db;
    saa += da * da;
    sbb += db * db;
  }
  return saa > 0 && sbb > 0 ? sab / Math.sqrt(saa * sbb) : NaN;
}

/** One image ranked differently by two scorings. */
export interface RankDisagreement {
  /** Index of the image in the scored set. */
  index: number;
  /** Rank percentile under scoring a (0 = lowest score). */
  rankA: number;
  /** Rank percentile under scoring b. */
  rankB: number;
  /** rankB - rankA: positive when b ranks the image higher (more anomalous) than a does. */
  shift: number;
}

/** Options for {@linkcode rankDisagreements}. */
export interface RankDisagreementsOptions {
  /** How many images to return (default 10). */
  k?: number;
  /**
   * Which disagreements: "any" (largest |shift|, the default), "b-higher" (b ranks the image
   * higher than a: shift > 0), "a-higher" (shift < 0).
   */
  where?: "any" | "b-higher" | "a-higher";
}

/**
 * The `k` images whose rank percentiles under `a` and `b` differ most, largest difference
 * first (ties by index). Throws RangeError when the lengths differ, a score is not finite or
 * k < 0.
 */
export function rankDisagreements(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  options: RankDisagreementsOptions = {},
): RankDisagreement[] {
  checkPair(a, b, "compare ranks");
  const k = options.k ?? 10;
  if (!Number.isInteger(k) || k < 0) {
    throw new RangeError(`Cannot compare ranks: k must be an integer >= 0, got ${k}`);
  }
  const where = options.where ?? "any";
  const ra = rankPercentiles(a), rb = rankPercentiles(b);
  const rows: RankDisagreement[] = [];
  for (let i = 0; i < ra.length; i++) {
    const shift = rb[i]! - ra[i]!;
    if ((where === "b-higher" && !(shift > 0)) || (where === "a-higher" && !(shift < 0))) continue;
    rows.push({ index: i, rankA: ra[i]!, rankB: rb[i]!, shift });
  }
  rows.sort((x, y) => Math.abs(y.shift) - Math.abs(x.shift) || x.index - y.index);
  return rows.slice(0, k);
}
