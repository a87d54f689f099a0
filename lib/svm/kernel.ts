/**
 * RBF kernel building blocks: squared Euclidean distances through tfjs matrix products (on the
 * active backend), the RBF map, and gamma resolution (`'scale'`, `'auto'`) as scikit-learn does.
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { backendInfo } from "../backend/select.ts";
import { checkMatrix, type Matrix, totalVariance } from "./matrix.ts";

/** The RBF width: a positive number, `'scale'` = 1 / (d * X.var()) or `'auto'` = 1 / d. */
export type Gamma = number | "scale" | "auto";

/**
 * Resolves `gamma` for training data `x` exactly as scikit-learn's SVMs do: `'scale'` is
 * 1 / (n_features * X.var()) with the variance over all values (1.0 when the variance is 0),
 * `'auto'` is 1 / n_features.
 * @throws {RangeError} when gamma is not a finite number > 0, `'scale'` or `'auto'`.
 */
export function resolveGamma(gamma: Gamma, x: Matrix): number {
  if (gamma === "scale") {
    const v = totalVariance(x);
    return v !== 0 ? 1 / (x.cols * v) : 1.0;
  }
  if (gamma === "auto") return 1 / x.cols;
  checkGamma(gamma);
  return gamma;
}

/**
 * Throws unless `gamma` is `'scale'`, `'auto'` or a finite number > 0.
 * @throws {RangeError}
 */
export function checkGamma(gamma: unknown): asserts gamma is Gamma {
  if (gamma === "scale" || gamma === "auto") return;
  if (typeof gamma !== "number" || !Number.isFinite(gamma) || gamma <= 0) {
    throw new RangeError(
      `Cannot use RBF gamma ${JSON.stringify(gamma)}: gamma must be a finite number > 0, ` +
        `'scale' or 'auto'`,
    );
  }
}

/** Options for {@linkcode squaredDistances}. */
export interface SquaredDistancesOptions {
  /**
   * Subtracted from every row of both matrices before the products (distances do not change;
   * centring the data reduces float32 cancellation in |a|^2 + |b|^2 - 2 a.b). Default: none.
   */
  center?: ArrayLike<number>;
  /** Rows of `a` per matrix product (bounds memory). Default 1024. */
  blockRows?: number;
}

/** The products run on the started backend; starting one is the caller's (explicit) job. */
function requireBackend(): void {
  if (!backendInfo()) {
    throw new Error(
      "Cannot compute distances: no backend is started; call initBackend() (lib/backend) first",
    );
  }
}

/** Row-centred float32 copy of `m` and its squared row norms (float64). */
function centred(
  m: Matrix,
  center?: ArrayLike<number>,
): { data: Float32Array; norms: Float64Array } {
  const { rows, cols } = m;
  const data = new Float32Array(rows * cols);
  const norms = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    const off = r * cols;
    let s = 0;
    for (let c = 0; c < cols; c++) {
      const v = Math.fround(m.data[off + c]! - (center ? center[c]! : 0));
      data[off + c] = v;
      s += v * v;
    }
    norms[r] = s;
  }
  return { data, norms };
}

/**
 * Keeps only the columns where some row of `b` is non-zero: elsewhere every product a_c * b_c
 * is exactly 0, so dropping them changes no dot product (the norms keep every column). After
 * centring, constant columns (e.g. the -1 padding of Fashion-MNIST) are exactly zero.
 */
function dropZeroColumns(
  a: Float32Array,
  b: Float32Array,
  d: number,
): { a: Float32Array; b: Float32Array; d: number } {
  const used = new Uint8Array(d);
  for (let i = 0; i < b.length; i += d) {
    for (let c = 0; c < d; c++) if (b[i + c] !== 0) used[c] = 1;
  }
  const keep: number[] = [];
  for (let c = 0; c < d; c++) if (used[c]) keep.push(c);
  if (keep.length === d || keep.length === 0) return { a, b, d };
  const k = keep.length;
  const compact = (x: Float32Array) => {
    const rows = x.length / d, out = new Float32Array(rows * k);
    for (let r = 0; r < rows; r++) {
      for (let q = 0; q < k; q++) out[r * k + q] = x[r * d + keep[q]!]!;
    }
    return out;
  };
  const cb = compact(b);
  return { a: a === b ? cb : compact(a), b: cb, d: k };
}

/**
 * Squared Euclidean distances between the rows of `a` and the rows of `b` (or of `a` with itself
 * when `b` is omitted), as a row-major float32 matrix `a.rows x b.rows`. The products run as
 * tfjs matMuls on the active backend (an error when none is started); the
 * norms are float64. Negative round-off is clamped to 0; the self-distance diagonal is exactly 0.
 * With `b` omitted only the upper triangle is multiplied and mirrored (about half the work);
 * columns where every (centred) row of `b` is 0 are left out of the products (exact).
 */
export async function squaredDistances(
  a: Matrix,
  b?: Matrix,
  options: SquaredDistancesOptions = {},
): Promise<Float32Array> {
  checkMatrix(a, "compute distances");
  if (b) {
    checkMatrix(b, "compute distances");
    if (b.cols !== a.cols) {
      throw new RangeError(`Cannot compute distances: ${a.cols} vs ${b.cols} features`);
    }
  }
  requireBackend();
  const symmetric = b === undefined;
  const ca = centred(a, options.center);
  const cb = symmetric ? ca : centred(b, options.center);
  const n = a.rows, m = symmetric ? a.rows : b.rows;
  const { a: da, b: db, d } = dropZeroColumns(ca.data, cb.data, a.cols);
  const block = Math.max(1, Math.floor(options.blockRows ?? 1024));
  const out = new Float32Array(n * m);
  const bt = tf.tidy(() => tf.transpose(tf.tensor2d(db, [m, d])));
  try {
    for (let r0 = 0; r0 < n; r0 += block) {
      const r1 = Math.min(n, r0 + block);
      const c0 = symmetric ? r0 : 0; // upper triangle only when symmetric
      const prod = tf.tidy(() => {
        const ab = tf.tensor2d(da.subarray(r0 * d, r1 * d), [r1 - r0, d]);
        const cols = c0 === 0 ? bt : tf.slice(bt, [0, c0], [d, m - c0]);
        return tf.matMul(ab, cols);
      });
      const dots = await prod.data() as Float32Array;
      prod.dispose();
      const w = m - c0;
      for (let i = r0; i < r1; i++) {
        const na = ca.norms[i]!;
        const src = (i - r0) * w;
        const dst = i * m;
        for (let j = c0; j < m; j++) {
          const v = na + cb.norms[j]! - 2 * dots[src + j - c0]!;
          out[dst + j] = v > 0 ? v : 0;
        }
      }
    }
  } finally {
    bt.dispose();
  }
  if (symmetric) mirrorUpper(out, n);
  return out;
}

/** Copies the upper triangle of a square n x n matrix onto the lower one; zeroes the diagonal. */
function mirrorUpper(x: Float32Array, n: number): void {
  const T = 64;
  for (let bi = 0; bi < n; bi += T) {
    for (let bj = 0; bj <= bi; bj += T) {
      const iEnd = Math.min(n, bi + T), jEnd = Math.min(n, bj + T);
      for (let i = bi; i < iEnd; i++) {
        const row = i * n;
        for (let j = bj; j < jEnd && j < i; j++) x[row + j] = x[j * n + i]!;
      }
    }
  }
  for (let i = 0; i < n; i++) x[i * n + i] = 0;
}

/** Options for {@linkcode rbfFromDistances}. */
export interface RbfOptions {
  /** Where to write (may be `d` itself for in-place); default a new array. */
  out?: Float32Array;
}

/**
 * The RBF kernel exp(-gamma * d) of squared distances `d`, computed in float64 and stored as
 * float32 like libsvm's kernel cache.
 * @throws {RangeError} when `options.out` has another length.
 */
export function rbfFromDistances(
  d: Float32Array,
  gamma: number,
  options: RbfOptions = {},
): Float32Array {
  const out = options.out ?? new Float32Array(d.length);
  if (out.length !== d.length) {
    throw new RangeError(`Cannot compute RBF kernel: output length ${out.length} != ${d.length}`);
  }
  const g = -gamma;
  for (let i = 0; i < d.length; i++) out[i] = Math.exp(g * d[i]!);
  return out;
}
