/**
 * One-class SVMs over a nu x gamma grid with shared work: the squared-distance matrix is
 * computed once for all gammas, each gamma's kernel matrix once for all nus, and test decision
 * values of every model come from one distance pass over the test rows.
 * @module
 */
import {
  checkGamma,
  type Gamma,
  rbfFromDistances,
  resolveGamma,
  squaredDistances,
} from "./kernel.ts";
import { checkMatrix, columnMeans, type Matrix } from "./matrix.ts";
import { modelFromSolution, type OneClassSvmModel, takeRows } from "./model.ts";
import { checkOneClassOptions, solveOneClass } from "./solver.ts";

/** Options of {@linkcode fitOneClassGrid}. */
export interface OneClassGridOptions {
  /** nu values, each in (0, 1]. */
  nus: readonly number[];
  /** gamma values: numbers > 0, `'scale'` or `'auto'`. */
  gammas: readonly Gamma[];
  /** Stopping tolerance. Default 1e-3. */
  tol?: number;
  /** Shrinking heuristic. Default true. */
  shrinking?: boolean;
  /** Iteration cap per model (default libsvm's). */
  maxIter?: number;
  /** Called after each model is solved. */
  onModel?: (model: OneClassSvmModel, done: number, total: number) => void;
}

/** A fitted grid: `models[g * nus.length + n]` has `gammas[g]` and `nus[n]`. */
export interface OneClassGrid {
  models: OneClassSvmModel[];
  nus: number[];
  gammas: Gamma[];
  /** Seconds: the distance matrix, all RBF maps, all dual solves. */
  seconds: { distances: number; kernels: number; solves: number };
}

/**
 * Fits one one-class SVM per (gamma, nu) pair on the rows of `x`.
 * @throws {RangeError} for an empty grid, an out-of-range nu or gamma, or a bad matrix.
 */
export async function fitOneClassGrid(
  x: Matrix,
  options: OneClassGridOptions,
): Promise<OneClassGrid> {
  const { nus, gammas } = options;
  if (nus.length === 0 || gammas.length === 0) {
    throw new RangeError("Cannot fit one-class SVM grid: need at least one nu and one gamma");
  }
  const tol = options.tol ?? 1e-3, shrinking = options.shrinking ?? true;
  for (const nu of nus) checkOneClassOptions({ nu, eps: tol, maxIter: options.maxIter });
  for (const g of gammas) checkGamma(g);
  checkMatrix(x, "fit one-class SVM");

  const center = columnMeans(x);
  let t = performance.now();
  const d = await squaredDistances(x, undefined, { center });
  const seconds = { distances: (performance.now() - t) / 1000, kernels: 0, solves: 0 };
  const k = gammas.length === 1 ? d : new Float32Array(d.length); // in place when one gamma
  const models: OneClassSvmModel[] = [];
  const total = nus.length * gammas.length;
  for (const gammaOption of gammas) {
    const gamma = resolveGamma(gammaOption, x);
    t = performance.now();
    rbfFromDistances(d, gamma, { out: k });
    seconds.kernels += (performance.now() - t) / 1000;
    for (const nu of nus) {
      t = performance.now();
      const sol = solveOneClass(k, { nu, eps: tol, shrinking, maxIter: options.maxIter });
      const solveSeconds = (performance.now() - t) / 1000;
      seconds.solves += solveSeconds;
      const info = { nu, gamma, gammaOption, tol, shrinking, center, solveSeconds };
      const model = modelFromSolution(sol, x, info);
      models.push(model);
      options.onModel?.(model, models.length, total);
    }
  }
  return { models, nus: [...nus], gammas: [...gammas], seconds };
}

/** Options of {@linkcode gridDecisionValues}. */
export interface GridDecisionOptions {
  /** Rows of `x` per distance block. Default 1024. */
  blockRows?: number;
}

/**
 * Decision values of several models fitted on the same training rows (as by
 * {@linkcode fitOneClassGrid}) for the rows of `x`, one Float64Array per model. Distances to
 * the union of their support vectors are computed once per block of rows; the RBF map once
 * per distinct gamma; the kernel sums are float64.
 * @throws {RangeError} when the models do not share training rows or `x` has other columns.
 */
export async function gridDecisionValues(
  models: readonly OneClassSvmModel[],
  x: Matrix,
  options: GridDecisionOptions = {},
): Promise<Float64Array[]> {
  if (models.length === 0) return [];
  checkSharedTraining(models, x);
  const { train, center } = models[0]!;
  const { union, positions } = supportUnion(models, train.rows);
  const out = models.map(() => new Float64Array(x.rows));
  const u = union.length;
  if (u === 0) {
    models.forEach((m, j) => out[j]!.fill(-m.rho));
    return out;
  }
  const sv = takeRows(train, union);
  const gammas = [...new Set(models.map((m) => m.gamma))];
  const block = Math.max(1, Math.floor(options.blockRows ?? 1024));
  let kb = new Float32Array(0);
  for (let r0 = 0; r0 < x.rows; r0 += block) {
    const r1 = Math.min(x.rows, r0 + block), nb = r1 - r0;
    const xb: Matrix = { data: x.data.subarray(r0 * x.cols, r1 * x.cols), rows: nb, cols: x.cols };
    const d = await squaredDistances(xb, sv, { center, blockRows: block });
    const sameGamma = gammas.length === 1;
    if (!sameGamma && kb.length !== d.length) kb = new Float32Array(d.length);
    for (const gamma of gammas) {
      const k = rbfFromDistances(d, gamma, { out: sameGamma ? d : kb });
      models.forEach((m, j) => {
        if (m.gamma === gamma) kernelSums(m, positions[j]!, k, u, out[j]!.subarray(r0, r1));
      });
    }
  }
  return out;
}

/** Throws unless every model was fitted on the same rows and `x` has their columns. */
function checkSharedTraining(models: readonly OneClassSvmModel[], x: Matrix): void {
  const train = models[0]!.train, center = models[0]!.center;
  for (const m of models) {
    if (m.train !== train || m.center !== center) {
      throw new RangeError(
        "Cannot compute grid decision values: models were fitted on different data",
      );
    }
  }
  checkMatrix(x, "compute decision values");
  if (x.cols !== train.cols) {
    throw new RangeError(
      `Cannot compute decision values: ${x.cols} features, the model has ${train.cols}`,
    );
  }
}

/**
 * The union of the models' support vectors (training row indices, in first-seen order), and
 * each model's support vectors as positions within it.
 */
function supportUnion(
  models: readonly OneClassSvmModel[],
  trainRows: number,
): { union: number[]; positions: Int32Array[] } {
  const inUnion = new Int32Array(trainRows).fill(-1);
  const union: number[] = [];
  for (const m of models) {
    for (const i of m.supportIndices) {
      if (inUnion[i] === -1) {
        inUnion[i] = union.length;
        union.push(i);
      }
    }
  }
  const positions = models.map((m) => Int32Array.from(m.supportIndices, (i) => inUnion[i]!));
  return { union, positions };
}

/**
 * Decision values of `m` for a block of rows: `out[i] = sum_q coef_q k[i, pos_q] - rho`, with
 * `k` the block's kernel rows against the `u` union support vectors (float64 sums).
 */
function kernelSums(
  m: OneClassSvmModel,
  pos: Int32Array,
  k: Float32Array,
  u: number,
  out: Float64Array,
): void {
  const coef = m.dualCoef, n = pos.length;
  for (let i = 0; i < out.length; i++) {
    const off = i * u;
    let s = 0;
    for (let q = 0; q < n; q++) s += coef[q]! * k[off + pos[q]!]!;
    out[i] = s - m.rho;
  }
}
