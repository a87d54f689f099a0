/**
 * Summaries over repeated runs (the paper reports mean and standard error over 5 runs).
 * @module
 */

/** Mean and standard error of the mean of repeated measurements. */
export interface MeanSem {
  /** Arithmetic mean. */
  mean: number;
  /**
   * Standard error of the mean: sample SD (n - 1 denominator, as `scipy.stats.sem`) / sqrt(n).
   * 0 for a single value, as the official GEOM code reports it.
   */
  sem: number;
  /** Number of values. */
  n: number;
}

/**
 * Mean and standard error of the mean of `values` (e.g. AUROCs of 5 runs).
 *
 * @example
 * ```ts
 * meanSem([0.9, 0.92, 0.94]); // { mean: ~0.92, sem: ~0.011547, n: 3 }
 * ```
 * @throws {RangeError} when `values` is empty or holds a non-finite value.
 */
export function meanSem(values: ArrayLike<number>): MeanSem {
  const n = values.length;
  if (n === 0) throw new RangeError("Cannot summarise runs: no values");
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const v = values[i]!;
    if (!Number.isFinite(v)) throw new RangeError(`Cannot summarise runs: value ${i} is ${v}`);
    sum += v;
  }
  const mean = sum / n;
  if (n === 1) return { mean, sem: 0, n };
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (values[i]! - mean) ** 2;
  return { mean, sem: Math.sqrt(ss / (n - 1)) / Math.sqrt(n), n };
}
