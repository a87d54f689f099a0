/**
 * GOAD's normality score (Bergman & Hoshen, ICLR 2020, Eq. 4): the centre of transformation j
 * is the mean feature of all training images under j; an image x is scored by
 *
 *     sum over t of log P(t | T_t(x)),   P(t | z) = (exp(-||z - c_t||^2) + eps) /
 *                                                   sum_j (exp(-||z - c_j||^2) + eps)
 *
 * i.e. the log-softmax of minus the squared distances at the true transformation, with the
 * paper's eps added to every probability term (the official code clamps the distances from
 * below by `--eps`, default 0, instead). Computed in float64 in the log domain, so very large
 * distances neither overflow nor turn into NaN. Higher = more normal.
 * @module
 */

/** Shape of a feature array: n images x T transformations x d values, row-major. */
export interface FeatureShape {
  /** Number of transformations T. */
  nTransforms: number;
  /** Feature size d. */
  dim: number;
}

function checkFeatures(what: string, features: ArrayLike<number>, s: FeatureShape): number {
  const { nTransforms: T, dim: d } = s;
  if (!Number.isInteger(T) || T < 1 || !Number.isInteger(d) || d < 1) {
    throw new RangeError(`Cannot ${what}: nTransforms ${T} and dim ${d} must be positive integers`);
  }
  if (features.length % (T * d) !== 0) {
    throw new RangeError(
      `Cannot ${what}: ${features.length} values are not n x ${T} transformations x ${d}`,
    );
  }
  return features.length / (T * d);
}

/** Per-transformation centres [T, d]: the mean of `features` [n, T, d] over the n images. */
export function transformCentres(features: ArrayLike<number>, shape: FeatureShape): Float64Array {
  const n = checkFeatures("compute centres", features, shape);
  if (n === 0) throw new RangeError(`Cannot compute centres of no images`);
  const { nTransforms: T, dim: d } = shape;
  const c = new Float64Array(T * d);
  for (let i = 0; i < n; i++) {
    const base = i * T * d;
    for (let k = 0; k < T * d; k++) c[k]! += features[base + k]!;
  }
  for (let k = 0; k < T * d; k++) c[k]! /= n;
  return c;
}

/** Options for {@linkcode goadScore}. */
export interface GoadScoreOptions extends FeatureShape {
  /** The eps added to every probability term (0: the plain log-softmax). */
  epsilon: number;
}

/** log(exp(a) + exp(b)), stable. */
function logAddExp(a: number, b: number): number {
  if (a === -Infinity) return b;
  if (b === -Infinity) return a;
  const m = Math.max(a, b);
  return m + Math.log(Math.exp(a - m) + Math.exp(b - m));
}

/**
 * GOAD normality of every image of `features` [n, T, d] against `centres` [T, d] (from
 * {@linkcode transformCentres}): higher = more normal.
 */
export function goadScore(
  features: ArrayLike<number>,
  centres: ArrayLike<number>,
  options: GoadScoreOptions,
): Float64Array {
  const { epsilon, ...shape } = options;
  return goadScores(features, centres, { ...shape, epsilons: [epsilon] })[0]!;
}

/**
 * {@linkcode goadScore} for several eps at once (one per entry of `options.epsilons`, in order):
 * the squared distances, the costly part (n x T x T x d), are computed once for all of them.
 */
export function goadScores(
  features: ArrayLike<number>,
  centres: ArrayLike<number>,
  options: FeatureShape & { epsilons: readonly number[] },
): Float64Array[] {
  const n = checkFeatures("compute GOAD scores", features, options);
  const { nTransforms: T, dim: d, epsilons } = options;
  if (centres.length !== T * d) {
    throw new RangeError(
      `Cannot compute GOAD scores: centres have ${centres.length} values, not ${T}x${d}`,
    );
  }
  for (const epsilon of epsilons) {
    if (!(Number.isFinite(epsilon) && epsilon >= 0)) {
      throw new RangeError(
        `Cannot compute GOAD scores: epsilon ${epsilon} is not a finite number >= 0`,
      );
    }
  }
  const logEps = epsilons.map((e) => (e > 0 ? Math.log(e) : -Infinity));
  const out = epsilons.map(() => new Float64Array(n));
  const dist = new Float64Array(T);
  const a = new Float64Array(T);
  for (let i = 0; i < n; i++) {
    for (let t = 0; t < T; t++) {
      const zb = (i * T + t) * d;
      for (let j = 0; j < T; j++) {
        let s = 0;
        for (let k = 0; k < d; k++) {
          const v = features[zb + k]! - centres[j * d + k]!;
          s += v * v;
        }
        dist[j] = s;
      }
      for (let e = 0; e < logEps.length; e++) {
        let max = -Infinity;
        for (let j = 0; j < T; j++) {
          // log(exp(-dist) + eps)
          a[j] = logAddExp(-dist[j]!, logEps[e]!);
          if (a[j]! > max) max = a[j]!;
        }
        let sum = 0;
        for (let j = 0; j < T; j++) sum += Math.exp(a[j]! - max);
        out[e]![i]! += a[t]! - (max + Math.log(sum));
      }
    }
  }
  return out;
}

/** How far the eps of {@linkcode goadScore} reaches into a feature set (`epsFloorReach`). */
export interface EpsFloorReach {
  /** -ln(eps): a squared distance beyond it has exp(-distance) < eps. */
  threshold: number;
  /** Fraction of (image, transformation) pairs whose distance to their own centre exceeds it. */
  pairs: number;
  /** Fraction of images with every transformation beyond it (their score sits at the floor). */
  images: number;
}

/**
 * Where eps floors GOAD's score: for pairs whose squared distance d to their own
 * transformation's centre exceeds -ln(eps), exp(-d) < eps, so eps, not the distance, makes
 * up the true transformation's probability, and images with every pair beyond it get nearly
 * the same score (ties that pull the AUROC towards 0.5). Measured on `features` [n, T, d]
 * against `centres` [T, d]; eps 0 reaches nothing.
 */
export function epsFloorReach(
  features: ArrayLike<number>,
  centres: ArrayLike<number>,
  options: GoadScoreOptions,
): EpsFloorReach {
  const n = checkFeatures("measure the eps floor", features, options);
  const { nTransforms: T, dim: d, epsilon } = options;
  if (centres.length !== T * d) {
    throw new RangeError(
      `Cannot measure the eps floor: centres have ${centres.length} values, not ${T}x${d}`,
    );
  }
  if (!(Number.isFinite(epsilon) && epsilon >= 0)) {
    throw new RangeError(
      `Cannot measure the eps floor: epsilon ${epsilon} is not a finite number >= 0`,
    );
  }
  const threshold = epsilon > 0 ? -Math.log(epsilon) : Infinity;
  let pairs = 0, images = 0;
  for (let i = 0; i < n; i++) {
    let beyond = 0;
    for (let t = 0; t < T; t++) {
      const zb = (i * T + t) * d, cb = t * d;
      let s = 0;
      for (let k = 0; k < d; k++) {
        const v = features[zb + k]! - centres[cb + k]!;
        s += v * v;
      }
      if (s > threshold) beyond++;
    }
    pairs += beyond;
    if (beyond === T) images++;
  }
  return { threshold, pairs: n > 0 ? pairs / (n * T) : 0, images: n > 0 ? images / n : 0 };
}
