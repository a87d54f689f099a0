/**
 * Maximum-likelihood Dirichlet fit by Minka's fixed point, exactly as the GEOM paper runs it:
 * alpha <- psi^-1(psi(sum alpha) + mean log p), from the Wicker et al. initialisation, until
 * ||delta alpha||_2 < 1e-9 or 1000 iterations. Float64 throughout; probabilities are floored
 * first so that exact zeros (float32 softmax) cannot give log(0): by default at 1e-10 and
 * renormalised; the official code's behaviour is a floor at the smallest positive float32
 * ({@linkcode FLOAT32_MIN_POSITIVE}) without renormalisation, which touches exact zeros only.
 * @module
 */
import { digamma, EULER_GAMMA, inverseDigamma } from "./special.ts";

/** Default floor for probabilities before taking logs. */
export const DEFAULT_CLAMP = 1e-10;
/**
 * The smallest positive float32 (2^-149, a denormal, ~1.4e-45): every float32 softmax output
 * but an exact zero is at least this, so flooring here changes exact zeros only.
 */
export const FLOAT32_MIN_POSITIVE = 2 ** -149;

/** Sufficient statistics of K-dimensional probability vectors for a Dirichlet fit. */
export interface DirichletStats {
  /** Number of vectors. */
  n: number;
  /** Mean of each (clamped, renormalised) component. */
  meanP: Float64Array;
  /** Mean log of each (clamped, renormalised) component. */
  meanLogP: Float64Array;
}

/** Options for the fixed point. */
export interface DirichletFitOptions {
  /** Stop when the L2 norm of the change in alpha falls below this. Default 1e-9. */
  tolerance?: number;
  /** Stop after this many updates at most. Default 1000. */
  maxIterations?: number;
  /** Starting alpha; default {@linkcode initialDirichletAlpha}. */
  initialAlpha?: ArrayLike<number>;
}

/** A fitted Dirichlet. */
export interface DirichletFit {
  /** The estimate (the last update's result). */
  alpha: Float64Array;
  /** Updates performed. */
  iterations: number;
  /** Whether the last update moved alpha by less than the tolerance. */
  converged: boolean;
  /** L2 norm of the last update's change in alpha. */
  lastStep: number;
}

/**
 * Writes log of the clamped (and, unless `renormalise` is false, renormalised) row
 * `p[offset .. offset + k)` into `out` (and its probabilities into `probs` when given). Values
 * below `clamp` (zeros, negatives) become `clamp`; NaN stays NaN.
 */
export function clampedLogRow(
  p: ArrayLike<number>,
  offset: number,
  k: number,
  clamp: number,
  out: Float64Array,
  probs?: Float64Array,
  renormalise = true,
): void {
  let sum = 0;
  for (let j = 0; j < k; j++) {
    const v = p[offset + j]!;
    const q = v >= clamp ? v : (Number.isNaN(v) ? NaN : clamp);
    out[j] = q;
    sum += q;
  }
  if (!renormalise) sum = 1;
  const logSum = Math.log(sum);
  for (let j = 0; j < k; j++) {
    if (probs) probs[j] = out[j]! / sum;
    out[j] = Math.log(out[j]!) - logSum;
  }
}

/** Options for {@linkcode dirichletStats}. */
export interface DirichletStatsOptions {
  /** Dimension K of each vector (row length). */
  nClasses: number;
  /** Probability floor before logs. Default 1e-10. */
  clamp?: number;
  /** Renormalise each floored row to sum 1 (default true). */
  renormalise?: boolean;
}

/** Throws unless `clamp` is in (0, 1). */
export function checkClamp(clamp: number, action: string): void {
  if (!(clamp > 0 && clamp < 1)) {
    throw new RangeError(`Cannot ${action}: clamp ${clamp} is not in (0, 1)`);
  }
}

/**
 * Mean and mean log of each component of the row-major [n, K] probability vectors `samples`,
 * after clamping at `options.clamp` and renormalising each row.
 *
 * @throws {RangeError} on a shape mismatch, K < 2, fewer than 2 rows, or NaN values.
 */
export function dirichletStats(
  samples: ArrayLike<number>,
  options: DirichletStatsOptions,
): DirichletStats {
  const k = options.nClasses;
  const clamp = options.clamp ?? DEFAULT_CLAMP;
  const action = "compute Dirichlet statistics";
  checkClamp(clamp, action);
  if (!(Number.isInteger(k) && k >= 2)) {
    throw new RangeError(`Cannot ${action}: nClasses ${k} is not an integer >= 2`);
  }
  if (samples.length % k !== 0) {
    throw new RangeError(`Cannot ${action}: ${samples.length} values are not rows of ${k}`);
  }
  const n = samples.length / k;
  if (n < 2) throw new RangeError(`Cannot ${action}: need at least 2 vectors, got ${n}`);
  const meanP = new Float64Array(k), meanLogP = new Float64Array(k);
  const logs = new Float64Array(k), probs = new Float64Array(k);
  for (let i = 0; i < n; i++) {
    clampedLogRow(samples, i * k, k, clamp, logs, probs, options.renormalise ?? true);
    for (let j = 0; j < k; j++) {
      meanP[j]! += probs[j]!;
      meanLogP[j]! += logs[j]!;
    }
  }
  for (let j = 0; j < k; j++) {
    meanP[j]! /= n;
    meanLogP[j]! /= n;
    if (Number.isNaN(meanLogP[j]!)) {
      throw new RangeError(`Cannot ${action}: component ${j} contains NaN`);
    }
  }
  return { n, meanP, meanLogP };
}

/**
 * Wicker et al.'s starting point: alpha0 = meanP * s, with the approximate precision
 * s = (K - 1) * gamma_E / sum_k meanP_k (log meanP_k - meanLogP_k) (gamma_E = -psi(1)).
 * When the vectors have no spread (denominator <= 0, the MLE lies at infinity), s = K; the
 * fixed point then grows alpha until the iteration cap (finite, proportional to meanP).
 */
export function initialDirichletAlpha(stats: DirichletStats): Float64Array {
  const k = stats.meanP.length;
  let denom = 0;
  for (let j = 0; j < k; j++) {
    const f = stats.meanP[j]!;
    denom += f * (Math.log(f) - stats.meanLogP[j]!);
  }
  let s = ((k - 1) * EULER_GAMMA) / denom;
  if (!(denom > 0 && Number.isFinite(s))) s = k;
  const alpha = new Float64Array(k);
  for (let j = 0; j < k; j++) alpha[j] = stats.meanP[j]! * s;
  return alpha;
}

/**
 * Minka's fixed-point MLE from sufficient statistics: repeat
 * alpha_k <- psi^-1(psi(sum alpha) + meanLogP_k) (psi^-1 by 5 Newton steps) until
 * ||alpha_new - alpha_old||_2 < tolerance or maxIterations updates; returns the last update.
 *
 * @throws {RangeError} on bad options or a starting alpha of the wrong length.
 */
export function fitDirichletFromStats(
  stats: DirichletStats,
  options: DirichletFitOptions = {},
): DirichletFit {
  const tolerance = options.tolerance ?? 1e-9;
  const maxIterations = options.maxIterations ?? 1000;
  const k = stats.meanLogP.length;
  if (!(tolerance >= 0)) {
    throw new RangeError(`Cannot fit Dirichlet: tolerance ${tolerance} is not >= 0`);
  }
  if (!(Number.isInteger(maxIterations) && maxIterations >= 1)) {
    throw new RangeError(
      `Cannot fit Dirichlet: maxIterations ${maxIterations} is not an integer >= 1`,
    );
  }
  let alpha: Float64Array;
  if (options.initialAlpha) {
    if (options.initialAlpha.length !== k) {
      throw new RangeError(
        `Cannot fit Dirichlet: initialAlpha has ${options.initialAlpha.length} entries, not ${k}`,
      );
    }
    alpha = Float64Array.from(options.initialAlpha);
  } else {
    alpha = initialDirichletAlpha(stats);
  }
  const next = new Float64Array(k);
  let iterations = 0, lastStep = Infinity;
  while (iterations < maxIterations) {
    let sum = 0;
    for (let j = 0; j < k; j++) sum += alpha[j]!;
    const psiSum = digamma(sum);
    let step2 = 0;
    for (let j = 0; j < k; j++) {
      const a = inverseDigamma(psiSum + stats.meanLogP[j]!);
      next[j] = a;
      step2 += (a - alpha[j]!) ** 2;
    }
    alpha.set(next);
    iterations++;
    lastStep = Math.sqrt(step2);
    if (lastStep < tolerance) break;
  }
  return { alpha, iterations, converged: lastStep < tolerance, lastStep };
}

/** Options for {@linkcode fitDirichlet}. */
export interface FitDirichletOptions extends DirichletStatsOptions, DirichletFitOptions {}

/**
 * Maximum-likelihood Dirichlet for the row-major [n, K] probability vectors `samples`
 * (clamped at `options.clamp` and renormalised), by {@linkcode fitDirichletFromStats}.
 *
 * @example
 * ```ts
 * const fit = fitDirichlet(new Float64Array([0.2, 0.8, 0.5, 0.5, 0.3, 0.7]), { nClasses: 2 });
 * fit.alpha; // Float64Array [a1, a2]
 * ```
 * @throws {RangeError} on a shape mismatch, K < 2, fewer than 2 rows, NaN values, bad options.
 */
export function fitDirichlet(
  samples: ArrayLike<number>,
  options: FitDirichletOptions,
): DirichletFit {
  return fitDirichletFromStats(dirichletStats(samples, options), options);
}
