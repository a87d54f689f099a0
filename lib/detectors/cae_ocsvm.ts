/**
 * CAE-OC-SVM, as the GEOM paper ran it: the paper's convolutional autoencoder (encoder to a
 * 256-d tanh code, mirrored decoder, Adam, MSE, batch 128, 200 epochs), then an RBF one-class
 * SVM on the codes of the training images (the project's solver, via
 * {@linkcode OcsvmDetector}). Anomaly score = -decision_function(code(x)).
 *
 * Selection as RAW-OC-SVM: `paper` fits the 9 nu x 10 gamma grid and the runner picks the
 * model with the best TEST AUROC through {@linkcode CaeOcsvmDetector.selectByTestLabels} (hindsight,
 * flagged in the state); `fair` uses a fixed nu and gamma. The method name follows the mode:
 * `cae-ocsvm` (paper) or `cae-ocsvm-fair`.
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import type { Images } from "../data/types.ts";
import { trainAutoencoder } from "../train/autoencoder.ts";
import { buildConvAutoencoder } from "../models/baselines/conv_nets.ts";
import { DeepDetector } from "./deep_detector.ts";
import { mapBatches } from "../train/loop.ts";
import type { ImageShape } from "./validate.ts";
import type { Matrix } from "../svm/matrix.ts";
import type { Rng } from "../util/rng.ts";
import type { CaeOcsvmConfig } from "./baseline_presets.ts";
import { OcsvmDetector, type OcsvmTestSelection } from "./ocsvm.ts";

/** CAE-OC-SVM as a {@linkcode Detector} (see the module doc). */
export class CaeOcsvmDetector extends DeepDetector<CaeOcsvmConfig> {
  readonly name: string;
  protected override readonly scoreLabel = "OC-SVM decision value";
  readonly #ocsvm: OcsvmDetector;
  #encoder?: tf.LayersModel;

  /** @throws {UsageError} for a bad hyperparameter (nu, gamma and selection included). */
  constructor(config: CaeOcsvmConfig) {
    super(
      "CAE-OC-SVM",
      config,
      (c, cfg) =>
        c.training(cfg).int("codeSize", cfg.codeSize).oneOf("selection", cfg.selection, [
          "paper",
          "fair",
        ])
          .that("nu", cfg.nu, cfg.nu > 0 && cfg.nu <= 1, "is not in (0, 1]")
          .that(
            "gamma",
            cfg.gamma,
            cfg.gamma === "scale" || cfg.gamma === "auto" ||
              (typeof cfg.gamma === "number" && Number.isFinite(cfg.gamma) && cfg.gamma > 0),
            "is not a number > 0, 'scale' or 'auto'",
          ),
    );
    this.name = this.config.selection === "fair" ? "cae-ocsvm-fair" : "cae-ocsvm";
    this.#ocsvm = new OcsvmDetector({
      selection: this.config.selection,
      name: this.name,
      features: (x) => this.codes(x),
      featureName: `cae-codes-${this.config.codeSize}`,
      nu: this.config.nu,
      gamma: this.config.gamma,
    });
  }

  /** The configuration plus the OC-SVM's hyperparameters. */
  override get hyperparameters(): Record<string, unknown> {
    return { ...super.hyperparameters, ocsvm: this.#ocsvm.hyperparameters };
  }

  /** True in `paper` mode: call {@linkcode selectByTestLabels} after `fit`, before `score`. */
  override get selectsByTestLabels(): boolean {
    return this.#ocsvm.selectsByTestLabels;
  }

  /** `paper` mode: picks the grid model with the best test AUROC (see OcsvmDetector). */
  selectByTestLabels(
    testX: Images,
    testIsNormal: ArrayLike<number | boolean>,
  ): Promise<OcsvmTestSelection> {
    return this.#ocsvm.selectByTestLabels(testX, testIsNormal);
  }

  /** The encoder's codes of `x` (inference mode), one row per image. */
  async codes(x: Images): Promise<Matrix> {
    if (!this.#encoder) throw new Error("Cannot compute CAE codes: detector is not fitted");
    const cols = this.config.codeSize;
    const data = await mapBatches(
      x,
      { batchSize: this.config.predictBatchSize, width: cols },
      (t) => this.#encoder!.apply(t, { training: false }) as tf.Tensor,
    );
    return { data, rows: x.n, cols };
  }

  protected async fitModels(train: Images, rng: Rng, shape: ImageShape): Promise<void> {
    const c = this.config;
    const { encoder, decoder } = buildConvAutoencoder({
      shape,
      codeSize: c.codeSize,
      filters: c.filters,
      bnMomentum: c.bnMomentum,
      seeds: [rng.seed(), rng.seed()],
      name: "cae",
    });
    this.models.push(encoder, decoder);
    this.#encoder = encoder;
    this.training.autoencoder = await trainAutoencoder(encoder, decoder, train, {
      loop: this.loopOptions(train.n, rng),
      adam: c,
    });
    const t0 = performance.now();
    await this.#ocsvm.fit(train, this.fitOptions);
    this.timings.ocsvmFitSeconds = (performance.now() - t0) / 1000;
  }

  protected scoreImages(x: Images): Promise<Float64Array> {
    return this.#ocsvm.score(x);
  }

  protected override extraState(): Record<string, unknown> {
    return { ocsvm: this.#ocsvm.state() };
  }

  override dispose(): void {
    super.dispose();
    this.#ocsvm?.dispose();
    this.#encoder = undefined;
  }
}
