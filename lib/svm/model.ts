/**
 * The fitted one-class SVM record shared by single fits and grids.
 * @module
 */
import type { Gamma } from "./kernel.ts";
import type { Matrix } from "./matrix.ts";
import type { OneClassSolution } from "./solver.ts";

/** A fitted one-class SVM (support vectors referenced by index into the training rows). */
export interface OneClassSvmModel {
  nu: number;
  /** The resolved numeric gamma. */
  gamma: number;
  /** What was asked for (`'scale'`, `'auto'` or the number). */
  gammaOption: Gamma;
  tol: number;
  shrinking: boolean;
  rho: number;
  /** Indices of the support vectors (alpha > 0) in the training rows, ascending. */
  supportIndices: Int32Array;
  /** Their dual coefficients alpha_i in (0, 1] (scikit-learn's `dual_coef_`). */
  dualCoef: Float64Array;
  nSV: number;
  /** Support vectors with alpha_i = 1 (training outliers or on the margin). */
  nBSV: number;
  iterations: number;
  converged: boolean;
  /** Dual objective. */
  obj: number;
  /** Decision values of the training rows (gradient - rho). */
  trainDecision: Float64Array;
  /** The training rows (not copied). */
  train: Matrix;
  /** Column means of the training rows (subtracted before distance products). */
  center: Float64Array;
  /** Seconds spent solving the dual (excludes the kernel). */
  solveSeconds: number;
}

/** Builds a model record from a dual solution. */
export function modelFromSolution(
  sol: OneClassSolution,
  train: Matrix,
  info: {
    nu: number;
    gamma: number;
    gammaOption: Gamma;
    tol: number;
    shrinking: boolean;
    center: Float64Array;
    solveSeconds: number;
  },
): OneClassSvmModel {
  const idx = new Int32Array(sol.nSV);
  const coef = new Float64Array(sol.nSV);
  let k = 0;
  for (let i = 0; i < sol.alpha.length; i++) {
    if (sol.alpha[i]! > 0) {
      idx[k] = i;
      coef[k++] = sol.alpha[i]!;
    }
  }
  const trainDecision = new Float64Array(sol.gradient.length);
  for (let i = 0; i < trainDecision.length; i++) trainDecision[i] = sol.gradient[i]! - sol.rho;
  return {
    ...info,
    rho: sol.rho,
    supportIndices: idx,
    dualCoef: coef,
    nSV: sol.nSV,
    nBSV: sol.nBSV,
    iterations: sol.iterations,
    converged: sol.converged,
    obj: sol.obj,
    trainDecision,
    train,
  };
}

/** Rows `indices` of `m` as a new matrix. */
export function takeRows(m: Matrix, indices: ArrayLike<number>): Matrix {
  const data = new Float32Array(indices.length * m.cols);
  for (let k = 0; k < indices.length; k++) {
    const r = indices[k]!;
    data.set(m.data.subarray(r * m.cols, (r + 1) * m.cols), k * m.cols);
  }
  return { data, rows: indices.length, cols: m.cols };
}
