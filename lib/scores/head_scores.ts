/**
 * Scores of the multi-head detector (rotation + translation, Hendrycks et al. 2019) from the
 * heads' softmax outputs on every transformation of an image. Higher = more normal.
 * @module
 */

/** Shape of the heads' outputs: n images x T transformations x sum(heads) values. */
export interface HeadScoreOptions {
  /** Classes of every head, in output order. */
  heads: readonly number[];
  /** Number of transformations T. */
  nTransforms: number;
  /** The head labels of every transformation, [T, heads] row-major. */
  labels: ArrayLike<number>;
}

function check(outputs: ArrayLike<number>, o: HeadScoreOptions): { n: number; width: number } {
  const width = o.heads.reduce((a, b) => a + b, 0);
  const T = o.nTransforms;
  if (!Number.isInteger(T) || T < 1 || o.labels.length !== T * o.heads.length) {
    throw new RangeError(
      `Cannot score heads: labels must be ${T} transformations x ${o.heads.length} heads`,
    );
  }
  if (width < 1 || outputs.length % (T * width) !== 0) {
    throw new RangeError(
      `Cannot score heads: ${outputs.length} values are not n x ${T} transformations x ${width}`,
    );
  }
  return { n: outputs.length / (T * width), width };
}

/** Probability floor before the log in {@linkcode headLogScore} (as GEOM's robust floor). */
export const HEAD_LOG_FLOOR = 1e-10;

function headScore(
  outputs: ArrayLike<number>,
  o: HeadScoreOptions,
  f: (p: number) => number,
): Float64Array {
  const { n, width } = check(outputs, o);
  const T = o.nTransforms, H = o.heads.length;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let t = 0; t < T; t++) {
      const row = (i * T + t) * width;
      let offset = 0;
      for (let h = 0; h < H; h++) {
        s += f(outputs[row + offset + o.labels[t * H + h]!]!);
        offset += o.heads[h]!;
      }
    }
    out[i] = s;
  }
  return out;
}

/**
 * The score: the sum over transformations and heads of the probability each head gives
 * the transformation's true label (at most T x heads).
 */
export function headProbabilityScore(
  outputs: ArrayLike<number>,
  o: HeadScoreOptions,
): Float64Array {
  return headScore(outputs, o, (p) => p);
}

/** The same sum over log probabilities (floored at {@linkcode HEAD_LOG_FLOOR}). */
export function headLogScore(outputs: ArrayLike<number>, o: HeadScoreOptions): Float64Array {
  return headScore(outputs, o, (p) => Math.log(Math.max(p, HEAD_LOG_FLOOR)));
}
