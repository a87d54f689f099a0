/**
 * RAW-OC-SVM (and, with a feature function, CAE-OC-SVM): an RBF one-class SVM on flattened
 * [-1, 1] pixels (Golan & El-Yaniv 2018, baseline; Schölkopf et al. 2001). Anomaly score =
 * -decision_function.
 *
 * Two selection modes:
 * - `fair`: fixed nu 0.1 and gamma 'scale' (no test labels used).
 * - `paper`: the paper's 9 nu x 10 gamma grid, the best model picked by TEST AUROC
 *   (hindsight, favours the baseline). The runner calls {@linkcode OcsvmDetector.selectByTestLabels}
 *   after `fit`; the result is flagged `selection: "hindsight-test-auroc"` in `state()`.
 * @module
 */
import type { Images } from "../data/types.ts";
import { imageSize } from "../data/types.ts";
import { auroc } from "../metrics/roc.ts";
import { fitOneClassGrid, gridDecisionValues, type OneClassGrid } from "../svm/grid.ts";
import { checkGamma, type Gamma } from "../svm/kernel.ts";
import type { Matrix } from "../svm/matrix.ts";
import type { OneClassSvmModel } from "../svm/model.ts";
import { checkOneClassOptions } from "../svm/solver.ts";
import { UsageError } from "../util/errors.ts";
import { Progress } from "../util/progress.ts";
import type { Detector, FitOptions } from "./detector.ts";

/** The paper's nu grid: 0.1, 0.2, ..., 0.9. */
export const PAPER_NUS: readonly number[] = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9];
/** The paper's gamma grid: 2^-7, ..., 2^2. */
export const PAPER_GAMMAS: readonly number[] = [-7, -6, -5, -4, -3, -2, -1, 0, 1, 2].map((e) =>
  2 ** e
);

/** How hyperparameters are chosen. */
export type OcsvmSelection = "paper" | "fair";

/** Maps images to one feature row each (e.g. CAE codes); default: flattened pixels. */
export type FeatureFunction = (x: Images) => Matrix | Promise<Matrix>;

/** Options of {@linkcode OcsvmDetector}. */
export interface OcsvmDetectorOptions {
  /** `fair` (default) or `paper`. */
  selection?: OcsvmSelection;
  /** Method name in results. Default `raw-ocsvm`. */
  name?: string;
  /** Feature function; default flattens the pixels. */
  features?: FeatureFunction;
  /** What the features are, recorded in hyperparameters. Default `pixels`. */
  featureName?: string;
  /** `fair` mode nu. Default 0.1. */
  nu?: number;
  /** `fair` mode gamma. Default `'scale'`. */
  gamma?: Gamma;
  /** `paper` mode grid. Default {@linkcode PAPER_NUS}. */
  nus?: readonly number[];
  /** `paper` mode grid. Default {@linkcode PAPER_GAMMAS}. */
  gammas?: readonly Gamma[];
  /** Solver tolerance. Default 1e-3. */
  tol?: number;
  /** Solver shrinking. Default true. */
  shrinking?: boolean;
}

/** One grid point's result on the test set. */
export interface OcsvmGridPoint {
  nu: number;
  /** Resolved gamma. */
  gamma: number;
  /** Test AUROC (normal = positive, decision value as normality score). */
  auroc: number;
  nSV: number;
}

/** What {@linkcode OcsvmDetector.selectByTestLabels} chose. */
export interface OcsvmTestSelection {
  selection: "hindsight-test-auroc";
  nu: number;
  gamma: number;
  auroc: number;
  /** Every grid point, in grid order (gamma-major). */
  grid: OcsvmGridPoint[];
}

function flatten(x: Images): Matrix {
  return { data: x.data, rows: x.n, cols: imageSize(x) };
}

function allRowsEqual(m: Matrix): boolean {
  const { data, rows, cols } = m;
  for (let r = 1; r < rows; r++) {
    const off = r * cols;
    for (let c = 0; c < cols; c++) if (data[off + c] !== data[c]) return false;
  }
  return true;
}

function usage<T>(f: () => T): T {
  try {
    return f();
  } catch (err) {
    if (err instanceof RangeError) throw new UsageError(err.message);
    throw err;
  }
}

/** RBF one-class SVM detector (see the module doc). */
export class OcsvmDetector implements Detector {
  readonly name: string;
  readonly hyperparameters: Record<string, unknown>;
  readonly selection: OcsvmSelection;
  #opts: OcsvmDetectorOptions;
  #grid?: OneClassGrid;
  #model?: OneClassSvmModel;
  #test?: OcsvmTestSelection;
  #cache?: { images: Images; data: Float32Array; decision: Float64Array };
  #identicalRows = false;
  #fitSeconds = 0;

  /** @throws {UsageError} for an unknown selection or out-of-range nu, gamma or tol. */
  constructor(options: OcsvmDetectorOptions = {}) {
    const selection = options.selection ?? "fair";
    if (selection !== "paper" && selection !== "fair") {
      throw new UsageError(`Cannot create OC-SVM: unknown selection '${selection}' (paper, fair)`);
    }
    this.selection = selection;
    this.#opts = { ...options };
    this.name = options.name ?? "raw-ocsvm";
    const tol = options.tol ?? 1e-3, shrinking = options.shrinking ?? true;
    const common = { kernel: "rbf", features: options.featureName ?? "pixels", tol, shrinking };
    if (selection === "fair") {
      const nu = options.nu ?? 0.1, gamma = options.gamma ?? "scale";
      usage(() => {
        checkOneClassOptions({ nu, eps: tol });
        checkGamma(gamma);
      });
      this.hyperparameters = { selection, nu, gamma, ...common };
    } else {
      const nus = [...(options.nus ?? PAPER_NUS)], gammas = [...(options.gammas ?? PAPER_GAMMAS)];
      if (nus.length === 0 || gammas.length === 0) {
        throw new UsageError(
          "Cannot create OC-SVM: the paper grid needs at least one nu and gamma",
        );
      }
      usage(() => {
        for (const nu of nus) checkOneClassOptions({ nu, eps: tol });
        for (const g of gammas) checkGamma(g);
      });
      this.hyperparameters = { selection, selectionBy: "test-auroc", nus, gammas, ...common };
    }
  }

  /** True in `paper` mode: the runner must call `selectByTestLabels` before `score`. */
  get selectsByTestLabels(): boolean {
    return this.selection === "paper";
  }

  async #features(x: Images): Promise<Matrix> {
    if (!this.#opts.features) return flatten(x);
    const m = await this.#opts.features(x);
    if (m.rows !== x.n) {
      throw new RangeError(
        `Cannot compute OC-SVM features: ${x.n} images gave ${m.rows} feature rows`,
      );
    }
    return m;
  }

  /** Fits the single `fair` model or every model of the `paper` grid. */
  async fit(train: Images, options: FitOptions = {}): Promise<this> {
    const t0 = performance.now();
    this.dispose();
    const x = await this.#features(train);
    this.#identicalRows = allRowsEqual(x);
    const paper = this.selection === "paper";
    const hp = this.hyperparameters;
    const nus = (paper ? hp.nus : [hp.nu]) as number[];
    const gammas = (paper ? hp.gammas : [hp.gamma]) as Gamma[];
    const progress = new Progress(`${this.name} fit`, nus.length * gammas.length, {
      unit: "model",
      quiet: options.quiet,
      write: options.onProgress,
    });
    this.#grid = await fitOneClassGrid(x, {
      nus,
      gammas,
      tol: this.#opts.tol,
      shrinking: this.#opts.shrinking,
      onModel: (m) => progress.tick(1, { nu: String(m.nu), gamma: m.gamma.toPrecision(3) }),
    });
    if (!paper) this.#model = this.#grid.models[0];
    this.#fitSeconds = (performance.now() - t0) / 1000;
    progress.finish({ seconds: this.#fitSeconds.toFixed(1) });
    return this;
  }

  /**
   * `paper` mode: scores `testX` with every grid model, picks the one with the highest test
   * AUROC (normal = positive; ties go to the earlier grid point: smaller gamma, then smaller
   * nu) and keeps its test decision values, so `score(testX)` on the same object costs nothing.
   * @param testIsNormal 1/true = normal, per test image.
   * @throws {Error} in `fair` mode or before `fit`.
   */
  async selectByTestLabels(
    testX: Images,
    testIsNormal: ArrayLike<number | boolean>,
  ): Promise<OcsvmTestSelection> {
    if (this.selection !== "paper") {
      throw new Error("Cannot select OC-SVM by test AUROC: selection is 'fair' (no test labels)");
    }
    if (!this.#grid) throw new Error("Cannot select OC-SVM by test AUROC: call fit() first");
    if (testIsNormal.length !== testX.n) {
      throw new RangeError(
        `Cannot select OC-SVM by test AUROC: ${testX.n} images but ${testIsNormal.length} labels`,
      );
    }
    const models = this.#grid.models;
    const decisions = await gridDecisionValues(models, await this.#features(testX));
    let best = 0;
    const grid = models.map((m, i) => {
      const a = auroc(decisions[i]!, testIsNormal);
      return { nu: m.nu, gamma: m.gamma, auroc: a, nSV: m.nSV };
    });
    grid.forEach((g, i) => {
      if (g.auroc > grid[best]!.auroc) best = i;
    });
    this.#model = models[best]!;
    this.#cache = { images: testX, data: testX.data, decision: decisions[best]! };
    this.#test = {
      selection: "hindsight-test-auroc",
      nu: this.#model.nu,
      gamma: this.#model.gamma,
      auroc: grid[best]!.auroc,
      grid,
    };
    return this.#test;
  }

  /** Decision values of the selected model (positive = inlier, as scikit-learn). */
  async decisionFunction(x: Images): Promise<Float64Array> {
    const model = this.#selected("compute OC-SVM decision values");
    const c = this.#cache;
    if (c && c.images === x && c.data === x.data && model === this.#model) {
      return c.decision.slice();
    }
    return (await gridDecisionValues([model], await this.#features(x)))[0]!;
  }

  /** Anomaly scores: -decision_function. */
  async score(x: Images): Promise<Float64Array> {
    const f = await this.decisionFunction(x);
    for (let i = 0; i < f.length; i++) f[i] = -f[i]!;
    return f;
  }

  #selected(action: string): OneClassSvmModel {
    if (!this.#grid) throw new Error(`Cannot ${action}: call fit() first`);
    if (!this.#model) {
      throw new Error(
        `Cannot ${action}: paper selection needs selectByTestLabels(test, labels) first`,
      );
    }
    return this.#model;
  }

  /** Selected hyperparameters, SV counts, timings, and in `paper` mode the whole grid. */
  state(): Record<string, unknown> {
    const g = this.#grid;
    if (!g) return { fitted: false };
    const base: Record<string, unknown> = {
      fitted: true,
      trainSize: g.models[0]!.train.rows,
      features: g.models[0]!.train.cols,
      identicalTrainingRows: this.#identicalRows,
      fitSeconds: this.#fitSeconds,
      seconds: g.seconds,
    };
    const m = this.#model;
    if (this.selection === "paper") {
      base.selection = this.#test ? "hindsight-test-auroc" : "pending";
      if (this.#test) {
        base.selectedTestAuroc = this.#test.auroc;
        base.grid = this.#test.grid;
      } else {
        base.grid = g.models.map((x) => ({ nu: x.nu, gamma: x.gamma, nSV: x.nSV }));
      }
    } else {
      base.selection = "fixed";
    }
    if (m) {
      let outliers = 0;
      for (const v of m.trainDecision) if (v < 0) outliers++;
      Object.assign(base, {
        nu: m.nu,
        gamma: m.gamma,
        gammaOption: m.gammaOption,
        rho: m.rho,
        nSV: m.nSV,
        nBSV: m.nBSV,
        svFraction: m.nSV / m.train.rows,
        trainOutlierFraction: outliers / m.train.rows,
        iterations: m.iterations,
        converged: m.converged,
      });
    }
    return base;
  }

  /** Drops the fitted models and cached scores. */
  dispose(): void {
    this.#grid = undefined;
    this.#model = undefined;
    this.#test = undefined;
    this.#cache = undefined;
  }
}
