/**
 * GOAD (Bergman & Hoshen, "Classification-Based Anomaly Detection for General Data", ICLR
 * 2020) on GEOM's transform engine, trainer and networks: the network learns to classify the
 * transformation (cross-entropy) while its penultimate features z of each transformation are
 * pulled to their own centre and pushed from the others (triplet-centre loss) and kept small
 * (mean z^2). A test image is scored by how close each transformed copy lies to the centre of
 * its own transformation (computed from all training features) relative to the other centres.
 *
 * Scores returned here are ANOMALY scores (the normality scores negated, once, here).
 * @module
 */
import type * as tf from "@tensorflow/tfjs";
import type { Images } from "../data/types.ts";
import type { Rng } from "../util/rng.ts";
import { buildModel } from "../models/build.ts";
import { outputWidth, withFeatures } from "../models/multi_head.ts";
import {
  type EpsFloorReach,
  epsFloorReach,
  goadScores,
  transformCentres,
} from "../scores/goad_score.ts";
import { predictTransformed, trainTransformClassifier } from "../train/mod.ts";
import { goadLoss } from "../train/triplet_centre.ts";
import { getTransformSet, type TransformSet } from "../transforms/mod.ts";
import { UsageError } from "../util/errors.ts";
import { DeepDetector } from "./deep_detector.ts";
import type { ImageShape } from "./validate.ts";
import { type GoadConfig, resolveMargin } from "./goad_presets.ts";

/**
 * Score variants: `goad` is paper Eq. 4 with the config's eps; `goad-eps0` is the plain
 * log-softmax of minus the distances (the official code at its default `--eps 0`).
 */
export const GOAD_SCORES = ["goad", "goad-eps0"] as const;
/** A GOAD score variant. */
export type GoadScoreName = (typeof GOAD_SCORES)[number];

/** Checks a list of score names (CLI `--score`). */
export function parseGoadScores(names: string[] | undefined): GoadScoreName[] {
  if (!names || names.length === 0) return [...GOAD_SCORES];
  for (const n of names) {
    if (!(GOAD_SCORES as readonly string[]).includes(n)) {
      throw new UsageError(`unknown GOAD score '${n}' (choose from ${GOAD_SCORES.join(", ")})`);
    }
  }
  return names as GoadScoreName[];
}

/** Options for {@linkcode GoadDetector}. */
export interface GoadDetectorOptions {
  config: GoadConfig;
  /** Score variants (default both); the first is `score()`'s. */
  scores?: GoadScoreName[];
}

/** GOAD as a {@linkcode Detector}, on the deep-detector base (it never sees a test label). */
export class GoadDetector extends DeepDetector<GoadConfig> {
  readonly name = "goad";
  readonly scores: GoadScoreName[];
  #transforms?: TransformSet;
  #centres?: Float64Array;
  #dim = 0;
  #margin?: number;
  #floor?: EpsFloorReach;

  /** @throws {UsageError} for an unknown transform set or score, or a bad hyperparameter. */
  constructor(options: GoadDetectorOptions) {
    super("GOAD", options.config, (check, c) => {
      check.int("epochs", c.epochs).int("imagesPerBatch", c.imagesPerBatch).positive("lr", c.lr)
        .unit("betas[0]", c.betas[0]).unit("betas[1]", c.betas[1])
        .positive("adamEpsilon", c.adamEpsilon).nonNegative("lambda", c.lambda)
        .nonNegative("featurePenalty", c.featurePenalty)
        .nonNegative("scoreEpsilon", c.scoreEpsilon).int("predictBatchSize", c.predictBatchSize);
      if (c.margin !== "paper") check.nonNegative("margin", c.margin);
      getTransformSet(c.transforms, { height: 32, width: 32 }); // validates the name
    });
    this.scores = parseGoadScores(options.scores ?? [...GOAD_SCORES]);
  }

  override get hyperparameters(): Record<string, unknown> {
    return { ...this.config, scores: this.scores };
  }

  /** The per-transformation centres [T, d] (undefined before fit). */
  get centres(): Float64Array | undefined {
    return this.#centres;
  }

  /** The network with its feature output (undefined before fit). */
  get #model(): tf.LayersModel | undefined {
    return this.models[0];
  }

  protected async fitModels(train: Images, _rng: Rng, shape: ImageShape): Promise<void> {
    const seed = this.fitOptions.seed ?? 0;
    const c = this.config;
    const set = getTransformSet(c.transforms, { height: train.height, width: train.width });
    this.#transforms = set;
    const T = set.size;
    const base = buildModel(c.model, { inputShape: shape, nClasses: T, seed });
    // The feature model holds every layer of the base model (shared): it is the one to dispose.
    const model = withFeatures(base);
    this.models.push(model);
    this.#dim = outputWidth(model, 0);
    this.#margin = resolveMargin(c.margin, this.fitOptions.dataset);
    const ck = this.fitOptions.checkpoint;
    const t0 = performance.now();
    this.training.train = await trainTransformClassifier(model, train, {
      transforms: set,
      epochs: c.epochs,
      batchSize: c.imagesPerBatch * T,
      wholeImages: true,
      loss: goadLoss({
        nTransforms: T,
        margin: this.#margin,
        lambda: c.lambda,
        featurePenalty: c.featurePenalty,
      }),
      modelLosses: c.weightDecay,
      lr: c.lr,
      betas: c.betas,
      epsilon: c.adamEpsilon,
      seed,
      method: "GOAD",
      quiet: this.fitOptions.quiet,
      onProgress: this.fitOptions.onProgress,
      checkpoint: ck ? await ck.trainer(train) : undefined,
    });
    this.timings.trainSeconds = (performance.now() - t0) / 1000;
    const t1 = performance.now();
    const features = await this.#features(train, "fit-features");
    const zShape = { nTransforms: T, dim: this.#dim };
    this.#centres = transformCentres(features, zShape);
    this.#floor = c.scoreEpsilon > 0 && this.scores.includes("goad")
      ? epsFloorReach(features, this.#centres, { ...zShape, epsilon: c.scoreEpsilon })
      : undefined;
    this.timings.centreSeconds = (performance.now() - t1) / 1000;
  }

  /** Features z [n, T, d] of every transformation of `x` (inference mode). */
  async #features(x: Images, label: "fit-features" | "score" | "predict"): Promise<Float32Array> {
    const model = this.#model;
    if (!model || !this.#transforms) {
      throw new Error("Cannot score with GOAD: detector is not fitted");
    }
    const ck = label === "predict" ? undefined : this.fitOptions.checkpoint;
    return await predictTransformed(model, x, {
      transforms: this.#transforms,
      batchSize: this.config.predictBatchSize,
      seed: (this.fitOptions.seed ?? 0) + 7919,
      forward: (m, xt) => (m.apply(xt, { training: false }) as tf.Tensor[])[0]!,
      outputWidth: this.#dim,
      quiet: this.fitOptions.quiet,
      onProgress: this.fitOptions.onProgress,
      label: `${label} features`,
      checkpoint: ck ? await ck.predictor(label, x) : undefined,
    });
  }

  /** Features z [n, T, d] of `x` (for notebooks). */
  predictFeatures(x: Images): Promise<Float32Array> {
    return this.#features(x, "predict");
  }

  protected async scoreImages(x: Images): Promise<Float64Array> {
    return (await this.#variants(x))[this.scores[0]!]!;
  }

  /** Every requested score variant (anomaly scores), from one feature pass. */
  scoreAll(x: Images): Promise<Record<string, Float64Array>> {
    return this.scoreChecked(x, () => this.#variants(x));
  }

  async #variants(x: Images): Promise<Record<string, Float64Array>> {
    if (!this.#centres) throw new Error("Cannot score with GOAD: detector is not fitted");
    const z = await this.#features(x, "score");
    const shape = { nTransforms: this.#transforms!.size, dim: this.#dim };
    const epsilons = this.scores.map((name) => name === "goad" ? this.config.scoreEpsilon : 0);
    const normality = goadScores(z, this.#centres, { ...shape, epsilons });
    const out: Record<string, Float64Array> = {};
    this.scores.forEach((name, i) => {
      out[name] = normality[i]!.map((v) => -v);
    });
    return out;
  }

  protected override extraState(): Record<string, unknown> {
    return {
      nTransforms: this.#transforms?.size,
      featureSize: this.#dim || undefined,
      margin: this.#margin,
      // How much of the training set the `goad` score's eps floors (epsFloorReach on the
      // training features the centres came from).
      ...(this.#floor ? { epsFloor: { ...this.#floor } } : {}),
    };
  }

  override dispose(): void {
    super.dispose();
    this.#centres = undefined;
    this.#floor = undefined;
  }
}
