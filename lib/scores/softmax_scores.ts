/**
 * GEOM's simple normality scores read straight from the softmax outputs (layout
 * [nImages, T, T], see transform_probs.ts). All return NORMALITY scores, higher = more normal;
 * detectors negate them to get anomaly scores.
 * @module
 */
import {
  checkScores,
  countImages,
  type ProbArray,
  type TransformShapeOptions,
} from "./transform_probs.ts";

/**
 * The paper's simplified score: mean over t of p_t(T_t(x)), the probability the classifier gives
 * to the transformation that was actually applied.
 *
 * @throws {RangeError} on a bad layout or NaN probabilities.
 */
export function simpleScore(probs: ProbArray, options: TransformShapeOptions): Float64Array {
  const nT = options.nTransforms;
  const n = countImages(probs, nT, "compute simple score");
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let total = 0;
    for (let t = 0; t < nT; t++) {
      const row = (i * nT + t) * nT;
      total += probs[row + t]!;
      // Only the diagonal enters the score, but NaN anywhere means broken outputs.
      for (let k = 0; k < nT; k++) if (Number.isNaN(probs[row + k]!)) total = NaN;
    }
    out[i] = total / nT;
  }
  return checkScores(out, "compute simple score");
}

/**
 * Maximum-softmax score: mean over t of max_k p_k(T_t(x)) (confidence, whatever the class).
 *
 * @throws {RangeError} on a bad layout or NaN probabilities.
 */
export function maxSoftmaxScore(probs: ProbArray, options: TransformShapeOptions): Float64Array {
  const nT = options.nTransforms;
  const n = countImages(probs, nT, "compute max-softmax score");
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let total = 0;
    for (let t = 0; t < nT; t++) {
      const row = (i * nT + t) * nT;
      let max = -Infinity;
      for (let k = 0; k < nT; k++) {
        const v = probs[row + k]!;
        if (v > max || Number.isNaN(v)) max = v;
        if (Number.isNaN(v)) break;
      }
      total += max;
    }
    out[i] = total / nT;
  }
  return checkScores(out, "compute max-softmax score");
}

/**
 * Negative-entropy score: mean over t of sum_k p_k log p_k (the negative Shannon entropy of
 * each softmax vector, with 0 log 0 = 0), so confident outputs score higher.
 *
 * @throws {RangeError} on a bad layout or NaN probabilities.
 */
export function entropyScore(probs: ProbArray, options: TransformShapeOptions): Float64Array {
  const nT = options.nTransforms;
  const n = countImages(probs, nT, "compute entropy score");
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let total = 0;
    for (let t = 0; t < nT; t++) {
      const row = (i * nT + t) * nT;
      for (let k = 0; k < nT; k++) {
        const v = probs[row + k]!;
        if (v > 0) total += v * Math.log(v);
        else if (Number.isNaN(v)) total = NaN;
      }
    }
    out[i] = total / nT;
  }
  return checkScores(out, "compute entropy score");
}
