/**
 * The layout every GEOM score reads: softmax outputs of the transformation classifier,
 * row-major [nImages, nTransforms (applied), nTransforms (classes)], i.e. p[i, t, :] is the
 * softmax vector for image i under applied transformation t.
 * @module
 */

/** Softmax outputs as float32 (from tfjs `dataSync`) or float64. */
export type ProbArray = Float32Array | Float64Array;

/** Options naming the number of transformations (the layout's second and third size). */
export interface TransformShapeOptions {
  /** Number of transformations T: probs hold nImages * T * T values. */
  nTransforms: number;
}

/**
 * Checks the layout and returns nImages.
 *
 * @throws {RangeError} when nTransforms is not an integer >= 2 or the length is not a positive
 *   multiple of nTransforms^2.
 */
export function countImages(probs: ProbArray, nTransforms: number, action: string): number {
  if (!(Number.isInteger(nTransforms) && nTransforms >= 2)) {
    throw new RangeError(`Cannot ${action}: nTransforms ${nTransforms} is not an integer >= 2`);
  }
  const per = nTransforms * nTransforms;
  if (probs.length === 0 || probs.length % per !== 0) {
    throw new RangeError(
      `Cannot ${action}: ${probs.length} values are not [nImages >= 1, ${nTransforms}, ${nTransforms}]`,
    );
  }
  return probs.length / per;
}

/** Throws a RangeError naming the first image whose score is NaN, if any. */
export function checkScores(scores: Float64Array, action: string): Float64Array {
  for (let i = 0; i < scores.length; i++) {
    if (Number.isNaN(scores[i]!)) {
      throw new RangeError(`Cannot ${action}: image ${i} has NaN probabilities`);
    }
  }
  return scores;
}
