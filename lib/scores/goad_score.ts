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

function checkCentres(what: string, centres: ArrayLike<number>, s: FeatureShape): void {
  if (centres.length !== s.nTransforms * s.dim) {
    throw new RangeError(
      `Cannot ${what}: centres have ${centres.length} values, not ${s.nTransforms}x${s.dim}`,
    );
  }
}

function checkEpsilon(what: string, epsilon: number): void {
  if (!(Number.isFinite(epsilon) && epsilon >= 0)) {
    throw new RangeError(`Cannot ${what}: epsilon ${epsilon} is not a finite number >= 0`);
  }
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

/** ||a[ai..ai+d) - b[bi..bi+d)||^2, in float64. */
function squaredDistance(
  a: ArrayLike<number>,
  ai: number,
  b: ArrayLike<number>,
  bi: number,
  d: number,
): number {
  let s = 0;
  for (let k = 0; k < d; k++) {
    const v = a[ai + k]! - b[bi + k]!;
    s += v * v;
  }
  return s;
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
  checkCentres("compute GOAD scores", centres, options);
  for (const epsilon of epsilons) checkEpsilon("compute GOAD scores", epsilon);
  const logEps = epsilons.map((e) => (e > 0 ? Math.log(e) : -Infinity));
  const out = epsilons.map(() => new Float64Array(n));
  const dist = new Float64Array(T);
  const a = new Float64Array(T);
  for (let i = 0; i < n; i++) {
    for (let t = 0; t < T; t++) {
      const zb = (i * T + t) * d;
      for (let j = 0; j < T; j++) dist[j] = squaredDistance(features, zb, centres, j * d, d);
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
  /** Fraction of images with every transformation beyond it (their score is capped near the floor). */
  images: number;
}

/**
 * Where eps floors GOAD's score: for pairs whose squared distance d to their own
 * transformation's centre exceeds -ln(eps), exp(-d) < eps, so eps, not the distance, makes
 * up most of the true transformation's probability, which is then below 2/T. An image with
 * every pair beyond it cannot score above T ln(2/T), close to the -T ln T of images far from
 * every centre (where most anomalies sit), and its rank among those is set by terms smaller
 * than eps. Measured on `features` [n, T, d] against `centres` [T, d]; eps 0 reaches nothing.
 */
export function epsFloorReach(
  features: ArrayLike<number>,
  centres: ArrayLike<number>,
  options: GoadScoreOptions,
): EpsFloorReach {
  const n = checkFeatures("measure the eps floor", features, options);
  const { nTransforms: T, dim: d, epsilon } = options;
  checkCentres("measure the eps floor", centres, options);
  checkEpsilon("measure the eps floor", epsilon);
  const threshold = epsilon > 0 ? -Math.log(epsilon) : Infinity;
  let pairs = 0, images = 0;
  for (let i = 0; i < n; i++) {
    let beyond = 0;
    for (let t = 0; t < T; t++) {
      if (squaredDistance(features, (i * T + t) * d, centres, t * d, d) > threshold) beyond++;
    }
    pairs += beyond;
    if (beyond === T) images++;
  }
  return { threshold, pairs: n > 0 ? pairs / (n * T) : 0, images: n > 0 ? images / n : 0 };
}
