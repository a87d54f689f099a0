/**
 * Seeded Gamma and Dirichlet sampling (Marsaglia-Tsang), for synthetic tests of the Dirichlet
 * estimator and for simulations.
 * @module
 */
import type { Rng } from "../util/rng.ts";

/**
 * One Gamma(shape, 1) variate by Marsaglia & Tsang (2000); for shape < 1 the boost
 * Gamma(shape + 1) * U^(1/shape).
 *
 * @throws {RangeError} when `shape` is not a positive finite number.
 */
export function sampleGamma(shape: number, rng: Rng): number {
  if (!(shape > 0 && Number.isFinite(shape))) {
    throw new RangeError(`Cannot sample Gamma: shape ${shape} is not a positive finite number`);
  }
  if (shape < 1) {
    let u = 0;
    while (u === 0) u = rng.next();
    return sampleGamma(shape + 1, rng) * Math.pow(u, 1 / shape);
  }
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number, v: number;
    do {
      x = rng.normal();
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = rng.next();
    const x2 = x * x;
    if (u < 1 - 0.0331 * x2 * x2) return d * v;
    if (Math.log(u) < 0.5 * x2 + d * (1 - v + Math.log(v))) return d * v;
  }
}

/** Options for {@linkcode sampleDirichlet}. */
export interface SampleDirichletOptions {
  /** Number of samples. */
  n: number;
  /** Source of randomness. */
  rng: Rng;
}

/**
 * `n` samples from Dirichlet(alpha), row-major [n, K] (each row: K Gamma(alpha_k) variates
 * divided by their sum).
 *
 * @throws {RangeError} when alpha has fewer than 2 entries or a non-positive entry, or n is not
 *   a non-negative integer.
 */
export function sampleDirichlet(
  alpha: ArrayLike<number>,
  options: SampleDirichletOptions,
): Float64Array {
  const k = alpha.length, n = options.n;
  if (k < 2) throw new RangeError(`Cannot sample Dirichlet: alpha has ${k} entries (need >= 2)`);
  if (!(Number.isInteger(n) && n >= 0)) {
    throw new RangeError(`Cannot sample Dirichlet: n ${n} is not a non-negative integer`);
  }
  const out = new Float64Array(n * k);
  for (let i = 0; i < n; i++) {
    let sum = 0;
    for (let j = 0; j < k; j++) {
      const g = sampleGamma(alpha[j]!, options.rng);
      out[i * k + j] = g;
      sum += g;
    }
    for (let j = 0; j < k; j++) out[i * k + j]! /= sum;
  }
  return out;
}
