/**
 * Small pieces of significance testing for summaries: Holm's step-down adjustment of p-values
 * for multiple comparisons, and the two-sided 5% critical value of Student's t (for a paired
 * t-test over a handful of seeds, where 2 standard errors would be far too lenient).
 * @module
 */

/**
 * Holm's (1979) adjusted p-values, in the order given: sorted ascending, the i-th smallest (from
 * 0) becomes max over j <= i of min(1, (m - j) p_(j)). Rejecting where the adjusted p < alpha
 * controls the family-wise error rate at alpha, for any dependence between the tests.
 *
 * @throws {RangeError} for a p-value outside [0, 1] or NaN.
 */
export function holm(p: readonly number[]): number[] {
  p.forEach((x, i) => {
    if (!(x >= 0 && x <= 1)) throw new RangeError(`Cannot adjust p-values: p[${i}] is ${x}`);
  });
  const m = p.length;
  const order = p.map((_, i) => i).sort((a, b) => p[a]! - p[b]!);
  const out = new Array<number>(m);
  let running = 0;
  order.forEach((idx, rank) => {
    running = Math.max(running, Math.min(1, (m - rank) * p[idx]!));
    out[idx] = running;
  });
  return out;
}

/** t_{0.975, df} for df = 1..30 (two-sided 5%). */
const T975 = [
  12.7062,
  4.3027,
  3.1824,
  2.7764,
  2.5706,
  2.4469,
  2.3646,
  2.306,
  2.2622,
  2.2281,
  2.201,
  2.1788,
  2.1604,
  2.1448,
  2.1314,
  2.1199,
  2.1098,
  2.1009,
  2.093,
  2.086,
  2.0796,
  2.0739,
  2.0687,
  2.0639,
  2.0595,
  2.0555,
  2.0518,
  2.0484,
  2.0452,
  2.0423,
];

/**
 * The two-sided 5% critical value of Student's t with `df` degrees of freedom: a table to 30,
 * beyond it the Cornish-Fisher expansion around the normal quantile (error below 1e-4).
 *
 * @throws {RangeError} for df not a positive integer.
 */
export function tCritical95(df: number): number {
  if (!(Number.isInteger(df) && df >= 1)) {
    throw new RangeError(`Cannot give t's critical value: df ${df} is not an integer >= 1`);
  }
  if (df <= T975.length) return T975[df - 1]!;
  const z = 1.959964;
  return z + (z ** 3 + z) / (4 * df) + (5 * z ** 5 + 16 * z ** 3 + 3 * z) / (96 * df ** 2);
}

/**
 * Each test with its Holm-adjusted p-value (`pHolm`), in the order given: adjusted over the
 * tests of its family (`family`; default one family, all of `tests`).
 */
export function withHolm<T extends { p: number }>(
  tests: readonly T[],
  family: (t: T) => string = () => "",
): Array<T & { pHolm: number }> {
  const families = new Map<string, number[]>();
  tests.forEach((t, i) => {
    const key = family(t);
    families.set(key, [...families.get(key) ?? [], i]);
  });
  const pHolm = new Array<number>(tests.length);
  for (const idx of families.values()) {
    holm(idx.map((i) => tests[i]!.p)).forEach((q, j) => pHolm[idx[j]!] = q);
  }
  return tests.map((t, i) => ({ ...t, pHolm: pHolm[i]! }));
}

/**
 * How many differences are resolved at `alpha` (default 0.05) above zero and how many below,
 * by the p-value `pOf` picks (raw or adjusted).
 */
export function resolvedBySign<T extends { diff: number }>(
  tests: readonly T[],
  pOf: (t: T) => number,
  alpha = 0.05,
): { above: number; below: number } {
  const resolved = tests.filter((t) => pOf(t) < alpha);
  return {
    above: resolved.filter((t) => t.diff > 0).length,
    below: resolved.filter((t) => t.diff < 0).length,
  };
}
