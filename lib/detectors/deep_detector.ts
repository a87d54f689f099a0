/**
 * What every deep detector shares (any network and config: the conv baselines pass their
 * `filters` for the input check and their Adam fields to `ConfigCheck.training`; GOAD and the
 * rotation + translation heads, on GEOM's trainer and WRN builder, use it as well): config
 * validation, the fit/score frame (input checks, seeding, timings, degenerate-data flag),
 * non-finite score detection (of every score variant) and disposal. Subclasses implement
 * `fitModels` and `scoreImages` (and, with several score variants, `scoreAll` through
 * `scoreChecked`).
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import type { Images } from "../data/types.ts";
import type { Detector, FitOptions } from "./detector.ts";
import { RunError } from "../util/errors.ts";
import { Rng } from "../util/rng.ts";
import type { LoopRecord, TrainLoopOptions } from "../train/loop.ts";
import type { TrainRecord } from "../train/trainer.ts";
import {
  allImagesEqual,
  checkScoreImages,
  checkTrainImages,
  ConfigCheck,
  type ImageShape,
  type TrainingFields,
} from "./validate.ts";

/** Base class of the deep baseline detectors (see the module doc). */
export abstract class DeepDetector<C extends object> implements Detector {
  /** Method name in results, e.g. `dsebm`. */
  abstract readonly name: string;
  /** The method as it reads in messages, e.g. `DSEBM`. */
  readonly label: string;
  /** The configuration (a copy; see baseline_presets.ts). */
  readonly config: C;
  /** Image shape seen by fit (undefined before). */
  protected shape?: ImageShape;
  /** Models owned by the detector (disposed by `dispose`). */
  protected models: tf.LayersModel[] = [];
  /** Tensors owned by the detector besides model weights (disposed by `dispose`). */
  protected tensors: tf.Tensor[] = [];
  /** Training records by phase (e.g. `pretrain`, `train`). */
  protected training: Record<string, LoopRecord | TrainRecord> = {};
  /** Seconds by phase. */
  protected timings: Record<string, number> = {};
  /** Options of the last fit (progress output). */
  protected fitOptions: FitOptions = {};
  #identical = false;
  #trainSize = 0;

  /**
   * Validates `config` with `check` (the baselines start it with `c.training(config)`).
   * @throws {UsageError} for a bad hyperparameter.
   */
  constructor(label: string, config: C, check: (c: ConfigCheck, config: C) => void) {
    this.label = label;
    this.config = structuredClone(config);
    check(new ConfigCheck(label), this.config);
  }

  /** Deep detectors never see test labels (CAE-OC-SVM's paper preset overrides this). */
  get selectsByTestLabels(): boolean {
    return false;
  }

  /** Every hyperparameter (the configuration). */
  get hyperparameters(): Record<string, unknown> {
    return { ...this.config } as unknown as Record<string, unknown>;
  }

  /** Trains the method's networks on checked images of `shape`; `rng` derives every seed. */
  protected abstract fitModels(train: Images, rng: Rng, shape: ImageShape): Promise<void>;

  /** Anomaly scores of checked images (finiteness is checked by `score`). */
  protected abstract scoreImages(x: Images): Promise<Float64Array>;

  /** What the score is, for error messages (e.g. `energy`). */
  protected readonly scoreLabel: string = "score";

  /**
   * Fits on normal images. Degenerate data (all images identical) trains as usual and is
   * flagged in `state().identicalTrainImages`.
   * @throws {RangeError} for malformed images; {RunError} when training diverges.
   */
  async fit(train: Images, options: FitOptions = {}): Promise<this> {
    this.dispose();
    this.fitOptions = options;
    const { filters } = this.config as { filters?: readonly number[] };
    const shape = checkTrainImages(train, { method: this.label, filters });
    this.#identical = allImagesEqual(train);
    this.#trainSize = train.n;
    const t0 = performance.now();
    await this.fitModels(train, new Rng(options.seed ?? 0), shape);
    this.shape = shape;
    this.timings.fitSeconds = (performance.now() - t0) / 1000;
    return this;
  }

  /**
   * Anomaly scores, higher = more anomalous.
   * @throws {Error} before fit; {RangeError} for images of another shape; {RunError} when a
   *   score is NaN or infinite.
   */
  async score(x: Images): Promise<Float64Array> {
    const label = this.scoreLabel;
    return (await this.scoreChecked(x, async () => ({ [label]: await this.scoreImages(x) })))[
      label
    ]!;
  }

  /**
   * Score variants by name from `variants`, run on checked images and timed.
   * @throws {Error} before fit; {RangeError} for images of another shape; {RunError} when a
   *   score of any variant is NaN or infinite.
   */
  protected async scoreChecked(
    x: Images,
    variants: () => Promise<Record<string, Float64Array>>,
  ): Promise<Record<string, Float64Array>> {
    checkScoreImages(x, { method: this.label, shape: this.shape });
    const t0 = performance.now();
    const all = await variants();
    for (const [name, s] of Object.entries(all)) {
      for (let i = 0; i < s.length; i++) {
        if (!Number.isFinite(s[i]!)) {
          throw new RunError(`Cannot score with ${this.label}: ${name} is ${s[i]} for image ${i}`);
        }
      }
    }
    this.timings.scoreSeconds = (performance.now() - t0) / 1000;
    return all;
  }

  /**
   * Training-loop options from the config (`epochs`, `batchSize`), the fit's progress options
   * and a seed drawn from `rng`; `extra` overrides.
   */
  protected loopOptions(
    this: DeepDetector<TrainingFields>,
    n: number,
    rng: Rng,
    extra: Partial<TrainLoopOptions> = {},
  ): TrainLoopOptions {
    return {
      method: this.label,
      n,
      epochs: this.config.epochs,
      batchSize: this.config.batchSize,
      seed: rng.seed(),
      quiet: this.fitOptions.quiet,
      onProgress: this.fitOptions.onProgress,
      ...extra,
    };
  }

  /** Extra fitted state of the method (merged into `state()`). */
  protected extraState(): Record<string, unknown> {
    return {};
  }

  /** Sizes, training records, timings and the degenerate-data flag. */
  state(): Record<string, unknown> {
    return {
      fitted: this.shape !== undefined,
      imageShape: this.shape,
      trainSize: this.#trainSize,
      identicalTrainImages: this.#identical,
      parameters: Object.fromEntries(this.models.map((m) => [m.name, m.countParams()])),
      training: structuredClone(this.training),
      timings: { ...this.timings },
      ...this.extraState(),
    };
  }

  /** Frees every model and tensor. */
  dispose(): void {
    for (const m of this.models) m.dispose();
    for (const t of this.tensors) t.dispose();
    this.models = [];
    this.tensors = [];
    this.training = {};
    this.timings = {};
    this.shape = undefined;
  }
}
