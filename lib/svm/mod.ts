/**
 * One-class SVM with an RBF kernel, equivalent to libsvm / scikit-learn's `OneClassSVM`: the
 * nu-formulation dual solved by SMO with second-order working-set selection (Fan, Chen & Lin
 * 2005), tolerance 1e-3, optional shrinking, libsvm's rho; decision values
 * f(x) = sum alpha_i K(x_i, x) - rho. Kernel matrices come from tfjs distance products on the
 * active backend; a nu x gamma grid shares the distance matrix and, per gamma, the kernel.
 *
 * @example
 * ```ts
 * import { fitOneClassGrid, gridDecisionValues, OneClassSvm } from "geomad/svm/mod.ts";
 * const train = { data: new Float32Array([0, 0, 0, 1, 1, 0, 1, 1]), rows: 4, cols: 2 };
 * const svm = await new OneClassSvm({ nu: 0.5, gamma: "scale" }).fit(train);
 * const f = await svm.decisionFunction({ data: new Float32Array([0.5, 0.5, 9, 9]), rows: 2, cols: 2 });
 * console.log(f[0]! > f[1]!); // true: the centre is more normal than a far point
 * const grid = await fitOneClassGrid(train, { nus: [0.1, 0.5], gammas: [0.5, 2] });
 * const all = await gridDecisionValues(grid.models, train); // one Float64Array per model
 * ```
 * @module
 */
export { checkMatrix, columnMeans, type Matrix, totalVariance } from "./matrix.ts";
export {
  checkGamma,
  type Gamma,
  rbfFromDistances,
  type RbfOptions,
  resolveGamma,
  squaredDistances,
  type SquaredDistancesOptions,
} from "./kernel.ts";
export {
  checkOneClassOptions,
  initialAlpha,
  type OneClassSolution,
  solveOneClass,
  type SolveOneClassOptions,
} from "./solver.ts";
export { modelFromSolution, type OneClassSvmModel, takeRows } from "./model.ts";
export {
  checkOneClassSvmOptions,
  decisionValues,
  OneClassSvm,
  type OneClassSvmOptions,
} from "./one_class.ts";
export {
  fitOneClassGrid,
  type GridDecisionOptions,
  gridDecisionValues,
  type OneClassGrid,
  type OneClassGridOptions,
} from "./grid.ts";
