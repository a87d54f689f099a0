/**
 * A dense row-major float32 matrix: the input the SVM code takes (one sample per row).
 * @module
 */

/** Rows of samples, row-major: `data[r * cols + c]`. */
export interface Matrix {
  /** Values, length rows * cols. */
  data: Float32Array;
  /** Number of samples. */
  rows: number;
  /** Number of features per sample. */
  cols: number;
}

/**
 * Checks that `m` is a well-formed matrix with at least one row and one column and only finite
 * values; `what` names it in the error ("fit one-class SVM").
 * @throws {RangeError} on a shape mismatch, an empty matrix or a non-finite value.
 */
export function checkMatrix(m: Matrix, action: string): void {
  if (!Number.isInteger(m.rows) || !Number.isInteger(m.cols) || m.rows < 1 || m.cols < 1) {
    throw new RangeError(`Cannot ${action}: matrix is ${m.rows}x${m.cols} (need at least 1x1)`);
  }
  if (m.data.length !== m.rows * m.cols) {
    throw new RangeError(
      `Cannot ${action}: data has ${m.data.length} values, expected ${m.rows}x${m.cols}`,
    );
  }
  for (let i = 0; i < m.data.length; i++) {
    if (!Number.isFinite(m.data[i]!)) {
      const r = Math.floor(i / m.cols);
      throw new RangeError(`Cannot ${action}: value ${i % m.cols} of row ${r} is not finite`);
    }
  }
}

/** Column means in float64 (the centre used before distance computations). */
export function columnMeans(m: Matrix): Float64Array {
  const mean = new Float64Array(m.cols);
  for (let r = 0; r < m.rows; r++) {
    const off = r * m.cols;
    for (let c = 0; c < m.cols; c++) mean[c]! += m.data[off + c]!;
  }
  for (let c = 0; c < m.cols; c++) mean[c]! /= m.rows;
  return mean;
}

/**
 * The variance of all values of `m` together, in float64 (numpy's `X.var()`, ddof 0), which
 * scikit-learn's `gamma='scale'` uses.
 */
export function totalVariance(m: Matrix): number {
  const n = m.data.length;
  let sum = 0;
  for (let i = 0; i < n; i++) sum += m.data[i]!;
  const mean = sum / n;
  let ss = 0;
  for (let i = 0; i < n; i++) {
    const d = m.data[i]! - mean;
    ss += d * d;
  }
  return ss / n;
}
