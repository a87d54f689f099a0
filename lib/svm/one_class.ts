/**
 * One-class SVM with an RBF kernel, equivalent to libsvm's `-s 2 -t 2` and scikit-learn's
 * `OneClassSVM(kernel='rbf')`: same dual, same solver, same rho, same decision values
 * f(x) = sum_i alpha_i exp(-gamma |x_i - x|^2) - rho (positive = inlier).
 * @module
 */
import { fitOneClassGrid, gridDecisionValues } from "./grid.ts";
import { checkGamma, type Gamma } from "./kernel.ts";
import type { Matrix } from "./matrix.ts";
import type { OneClassSvmModel } from "./model.ts";
import { checkOneClassOptions } from "./solver.ts";

/** Options of {@linkcode OneClassSvm} (defaults as scikit-learn's `OneClassSVM`). */
export interface OneClassSvmOptions {
  /** In (0, 1]. Default 0.5. */
  nu?: number;
  /** RBF width: number > 0, `'scale'` (default) or `'auto'`. */
  gamma?: Gamma;
  /** Stopping tolerance. Default 1e-3. */
  tol?: number;
  /** Shrinking heuristic. Default true. */
  shrinking?: boolean;
  /** Iteration cap (default libsvm's max(10^7, 100 l)). */
  maxIter?: number;
}

/**
 * Validates one-class SVM options without fitting.
 * @throws {RangeError} for nu outside (0, 1], a bad gamma, tol or maxIter.
 */
export function checkOneClassSvmOptions(options: OneClassSvmOptions): void {
  checkOneClassOptions({
    nu: options.nu ?? 0.5,
    eps: options.tol,
    maxIter: options.maxIter,
  });
  checkGamma(options.gamma ?? "scale");
}

/**
 * Decision values f(x) = sum alpha_i K(sv_i, x) - rho for each row of `x` (scikit-learn's
 * `OneClassSVM.decision_function`): distances by tfjs matMul, the kernel sum in float64.
 * @throws {RangeError} when `x` has a different number of columns than the training data.
 */
export async function decisionValues(model: OneClassSvmModel, x: Matrix): Promise<Float64Array> {
  return (await gridDecisionValues([model], x))[0]!;
}

/**
 * One-class SVM (RBF). `fit` builds the full l x l kernel (float32; 6000 rows = 144 MB) from
 * tfjs distance products, then runs the libsvm-equivalent SMO solver.
 *
 * @example
 * ```ts
 * import { OneClassSvm } from "geomad/svm/one_class.ts";
 * const train = { data: new Float32Array([0, 0, 0, 1, 1, 0, 1, 1]), rows: 4, cols: 2 };
 * const svm = await new OneClassSvm({ nu: 0.1, gamma: "scale" }).fit(train);
 * const f = await svm.decisionFunction(train); // > 0 inlier, < 0 outlier
 * ```
 */
export class OneClassSvm {
  readonly options: Readonly<OneClassSvmOptions>;
  #model?: OneClassSvmModel;

  /** @throws {RangeError} for out-of-range options. */
  constructor(options: OneClassSvmOptions = {}) {
    checkOneClassSvmOptions(options);
    this.options = { ...options };
  }

  /** Fits on the rows of `x`. */
  async fit(x: Matrix): Promise<this> {
    const o = this.options;
    const grid = await fitOneClassGrid(x, {
      nus: [o.nu ?? 0.5],
      gammas: [o.gamma ?? "scale"],
      tol: o.tol,
      shrinking: o.shrinking,
      maxIter: o.maxIter,
    });
    this.#model = grid.models[0]!;
    return this;
  }

  /** The fitted model. @throws {Error} before `fit`. */
  get model(): OneClassSvmModel {
    if (!this.#model) throw new Error("Cannot read one-class SVM model: call fit() first");
    return this.#model;
  }

  /** Decision values (positive = inlier), as scikit-learn's `decision_function`. */
  decisionFunction(x: Matrix): Promise<Float64Array> {
    return decisionValues(this.model, x);
  }
}
