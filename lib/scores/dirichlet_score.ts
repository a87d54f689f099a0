/**
 * GEOM's Dirichlet normality score: per transformation t, a Dirichlet alpha_t fitted by MLE to
 * the softmax vectors of the normal training images under T_t; the score of x is
 * mean_t sum_k (alpha_t,k - 1) log p_k(T_t(x)) (normalising log-Gamma terms dropped).
 * Higher = more normal; detectors negate it to get anomaly scores.
 * @module
 */
import {
  checkClamp,
  clampedLogRow,
  DEFAULT_CLAMP,
  type DirichletFitOptions,
  fitDirichletFromStats,
} from "./dirichlet_mle.ts";
import {
  checkScores,
  countImages,
  type ProbArray,
  type TransformShapeOptions,
} from "./transform_probs.ts";

/** A fitted Dirichlet scorer (plain data: safe to store and reload). */
export interface DirichletScorer {
  /** Number of transformations T. */
  nTransforms: number;
  /** Row-major [T, T]: alphas[t * T + k] = alpha_t,k. */
  alphas: Float64Array;
  /** Probability floor used in the fit; scoring uses the same. */
  clamp: number;
  /** Whether floored rows were renormalised to sum 1 (absent = true, the older default). */
  renormalise?: boolean;
  /** Fixed-point updates per transformation. */
  iterations: number[];
  /** Whether each transformation's fit met the tolerance. */
  converged: boolean[];
  /** Number of training images. */
  nImages: number;
}

/** Options for {@linkcode fitDirichletScorer}. */
export interface FitDirichletScorerOptions
  extends TransformShapeOptions, Omit<DirichletFitOptions, "initialAlpha"> {
  /** Probability floor before logs. Default 1e-10. */
  clamp?: number;
  /**
   * Renormalise each floored row to sum 1 (default true). The official GEOM code takes the log
   * of the raw softmax: `{ clamp: FLOAT32_MIN_POSITIVE, renormalise: false }` matches it
   * wherever it is finite.
   */
  renormalise?: boolean;
}

/**
 * Fits one Dirichlet per transformation to training softmax outputs, laid out
 * [nImages, T, T] (see transform_probs.ts). Pass an array of chunks (whole images each) to
 * avoid one large buffer; statistics are accumulated in float64 in one pass.
 *
 * @throws {RangeError} on a bad layout, fewer than 2 images, NaN probabilities or bad options.
 */
export function fitDirichletScorer(
  trainProbs: ProbArray | readonly ProbArray[],
  options: FitDirichletScorerOptions,
): DirichletScorer {
  const action = "fit Dirichlet scorer";
  const nT = options.nTransforms;
  const clamp = options.clamp ?? DEFAULT_CLAMP;
  const renormalise = options.renormalise ?? true;
  checkClamp(clamp, action);
  const chunks = ArrayBuffer.isView(trainProbs) ? [trainProbs as ProbArray] : trainProbs;
  const per = nT * nT;
  const sumP = new Float64Array(per), sumLog = new Float64Array(per);
  const logs = new Float64Array(nT), probs = new Float64Array(nT);
  let nImages = 0;
  for (const chunk of chunks) {
    const m = countImages(chunk, nT, action);
    for (let i = 0; i < m; i++) {
      for (let t = 0; t < nT; t++) {
        const row = (i * nT + t) * nT;
        clampedLogRow(chunk, row, nT, clamp, logs, probs, renormalise);
        const base = t * nT;
        for (let k = 0; k < nT; k++) {
          sumP[base + k]! += probs[k]!;
          sumLog[base + k]! += logs[k]!;
        }
      }
    }
    nImages += m;
  }
  if (nImages < 2) throw new RangeError(`Cannot ${action}: need at least 2 images, got ${nImages}`);
  const alphas = new Float64Array(per);
  const iterations: number[] = [], converged: boolean[] = [];
  for (let t = 0; t < nT; t++) {
    const meanP = sumP.slice(t * nT, (t + 1) * nT).map((v) => v / nImages);
    const meanLogP = sumLog.slice(t * nT, (t + 1) * nT).map((v) => v / nImages);
    if (meanLogP.some(Number.isNaN)) {
      throw new RangeError(`Cannot ${action}: probabilities under transformation ${t} contain NaN`);
    }
    const fit = fitDirichletFromStats({ n: nImages, meanP, meanLogP }, options);
    alphas.set(fit.alpha, t * nT);
    iterations.push(fit.iterations);
    converged.push(fit.converged);
  }
  return { nTransforms: nT, alphas, clamp, renormalise, iterations, converged, nImages };
}

/**
 * Dirichlet normality score per image: mean over t of sum_k (alpha_t,k - 1) log p_k(T_t(x)),
 * with probabilities floored (and renormalised) as in the fit. Higher = more normal.
 * Images are scored independently, so large test sets can be scored in chunks.
 *
 * @param testProbs softmax outputs laid out [nImages, T, T].
 * @throws {RangeError} on a layout that does not match the scorer or NaN probabilities.
 */
export function dirichletScore(scorer: DirichletScorer, testProbs: ProbArray): Float64Array {
  const action = "compute Dirichlet score";
  const nT = scorer.nTransforms;
  if (scorer.alphas.length !== nT * nT) {
    throw new RangeError(
      `Cannot ${action}: scorer has ${scorer.alphas.length} alphas, not ${nT}^2`,
    );
  }
  const n = countImages(testProbs, nT, action);
  const logs = new Float64Array(nT);
  const out = new Float64Array(n);
  const renormalise = scorer.renormalise ?? true;
  for (let i = 0; i < n; i++) {
    let total = 0;
    for (let t = 0; t < nT; t++) {
      clampedLogRow(testProbs, (i * nT + t) * nT, nT, scorer.clamp, logs, undefined, renormalise);
      const base = t * nT;
      for (let k = 0; k < nT; k++) total += (scorer.alphas[base + k]! - 1) * logs[k]!;
    }
    out[i] = total / nT;
  }
  return checkScores(out, action);
}
