/**
 * (image, transformation) pairs: GEOM's self-labelled set is every image under every
 * transformation, n * T pairs, enumerated as p = image * T + t and never materialised.
 * @module
 */
import { type Images, imageSize } from "../data/types.ts";

/** One batch of pairs: which image, which transformation, and the gathered pixels. */
export interface PairBatch {
  /** Pixels of `image[j]` for every pair j, NHWC, length m * height * width * channels. */
  data: Float32Array;
  /** Transformation index of every pair (the label). */
  t: Int32Array;
  /** Number of pairs in the batch. */
  m: number;
}

/** Options for {@linkcode gatherPairs}. */
export interface GatherPairsOptions {
  /** Number of transformations T. */
  nTransforms: number;
}

/**
 * Gathers the pairs `pairs` (indices p = image * T + t into the n * T pairs) into a new batch.
 * A fresh pixel buffer is allocated each call: tfjs may keep a reference to it in a tensor.
 */
export function gatherPairs(
  images: Images,
  pairs: ArrayLike<number>,
  options: GatherPairsOptions,
): PairBatch {
  const { nTransforms } = options;
  const size = imageSize(images);
  const m = pairs.length;
  const data = new Float32Array(m * size);
  const t = new Int32Array(m);
  const total = images.n * nTransforms;
  for (let j = 0; j < m; j++) {
    const p = pairs[j]!;
    if (!(p >= 0 && p < total)) {
      throw new RangeError(`Cannot gather pair ${p}: there are ${total} pairs`);
    }
    const i = Math.floor(p / nTransforms);
    t[j] = p - i * nTransforms;
    data.set(images.data.subarray(i * size, (i + 1) * size), j * size);
  }
  return { data, t, m };
}
