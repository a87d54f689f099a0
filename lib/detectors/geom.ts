/**
 * GEOM (Golan & El-Yaniv, NeurIPS 2018): a classifier learns which geometric transformation was
 * applied to images of the normal class; test images are scored by how well the classifier
 * recognises their transformations (Dirichlet normality score, or simpler variants).
 *
 * Scores returned here are ANOMALY scores (the normality scores negated, once, at this boundary).
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import type { Images } from "../data/types.ts";
import { buildModel } from "../models/build.ts";
import {
  DEFAULT_CLAMP,
  dirichletScore,
  type DirichletScorer,
  entropyScore,
  fitDirichletScorer,
  maxSoftmaxScore,
  simpleScore,
} from "../scores/mod.ts";
import { predictTransformed, type TrainRecord, trainTransformClassifier } from "../train/mod.ts";
import { getTransformSet, type TransformSet } from "../transforms/mod.ts";
import { UsageError } from "../util/errors.ts";
import type { Detector, FitOptions } from "./detector.ts";
import { type GeomConfig, resolveEpochs } from "./geom_presets.ts";
import { allImagesEqual, ConfigCheck } from "./validate.ts";

/**
 * How many times faster scoring (a forward pass) runs than training (forward, backward, Adam)
 * per pair, for the run's ETA while training: a cautious round-down of what `deno task bench`
 * measured (docs/performance.md and the README's first-round table): WRN-10-4 3.3x in fp32 and
 * 3.5x in bf16 on a CPU without AMX, 6.8x in bf16 with AMX; the small CNN 4.1x in fp32. The ETA is
 * marked `~` until scoring's own rate is measured.
 */
const SCORE_SPEEDUP = 3;

/** Score variants GEOM computes from one trained model. */
export const GEOM_SCORES = ["dirichlet", "simple", "max-softmax", "entropy"] as const;
/** A GEOM score variant. */
export type GeomScoreName = (typeof GEOM_SCORES)[number];

/** Checks a list of score names (CLI `--score`). */
export function parseGeomScores(names: string[] | undefined): GeomScoreName[] {
  if (!names || names.length === 0) return [...GEOM_SCORES];
  for (const n of names) {
    if (!(GEOM_SCORES as readonly string[]).includes(n)) {
      throw new UsageError(`unknown score '${n}' (choose from ${GEOM_SCORES.join(", ")})`);
    }
  }
  return names as GeomScoreName[];
}

/** Options for {@linkcode GeomDetector}. */
export interface GeomDetectorOptions {
  config: GeomConfig;
  /** Score variants to compute (default all); the first is `score()`'s. */
  scores?: GeomScoreName[];
}

/** GEOM as a {@linkcode Detector}. */
export class GeomDetector implements Detector {
  readonly name = "geom";
  /** GEOM never sees a test label. */
  readonly selectsByTestLabels = false;
  readonly config: GeomConfig;
  readonly scores: GeomScoreName[];
  #model?: tf.LayersModel;
  #transforms?: TransformSet;
  #scorer?: DirichletScorer;
  /** The 1e-10 renormalised scorer, when the config asks for the floor check. */
  #checkScorer?: DirichletScorer;
  #belowFloor: { train?: number; test?: number } = {};
  #train?: TrainRecord;
  #fitOptions: FitOptions = {};
  #seed = 0;
  #timings: Record<string, number> = {};
  /** T: the set's size, the same for every image size (checked again at fit). */
  readonly #nTransforms: number;

  #identical = false;

  /** @throws {UsageError} for an unknown transform set or a bad hyperparameter. */
  constructor(options: GeomDetectorOptions) {
    this.config = options.config;
    const c = this.config, check = new ConfigCheck("GEOM");
    if (c.epochs !== "paper") check.int("epochs", c.epochs);
    check.int("batchSize", c.batchSize).positive("lr", c.lr).unit("betas[0]", c.betas[0])
      .unit("betas[1]", c.betas[1]).positive("adamEpsilon", c.adamEpsilon)
      .int("predictBatchSize", c.predictBatchSize).positive("dirichletClamp", c.dirichletClamp);
    this.scores = parseGeomScores(options.scores);
    this.#nTransforms = getTransformSet(this.config.transforms, { height: 32, width: 32 }).size;
  }

  /** The config with epochs resolved for the set (`ceil(200 / T)` for "paper"), T, scores. */
  get hyperparameters(): Record<string, unknown> {
    const t = this.#nTransforms;
    return {
      ...this.config,
      epochs: resolveEpochs(this.config.epochs, t),
      epochsRule: this.config.epochs === "paper" ? "ceil(200 / T)" : "fixed",
      nTransforms: t,
      scores: this.scores,
    };
  }

  /** The trained network (undefined before fit). */
  get model(): tf.LayersModel | undefined {
    return this.#model;
  }

  /** The transform set in use (undefined before fit). */
  get transformSet(): TransformSet | undefined {
    return this.#transforms;
  }

  /** The fitted Dirichlet parameters (undefined before fit or when not requested). */
  get dirichlet(): DirichletScorer | undefined {
    return this.#scorer;
  }

  async fit(train: Images, options: FitOptions = {}): Promise<this> {
    this.dispose();
    this.#fitOptions = options;
    this.#seed = options.seed ?? 0;
    this.#identical = allImagesEqual(train);
    const c = this.config;
    const set = getTransformSet(c.transforms, { height: train.height, width: train.width });
    if (set.size !== this.#nTransforms) {
      throw new RangeError(
        `Cannot fit GEOM: ${c.transforms} has ${set.size} transformations for ` +
          `${train.height}x${train.width} images, not ${this.#nTransforms}`,
      );
    }
    this.#transforms = set;
    this.#model = buildModel(c.model, {
      inputShape: [train.height, train.width, train.channels],
      nClasses: set.size,
      seed: this.#seed,
    });
    const T = set.size;
    const ck = options.checkpoint;
    // The run's pairs after training: the Dirichlet fit's softmax and the test set's.
    const fitPairs = this.scores.includes("dirichlet") ? train.n * T : 0;
    const testPairs = options.testSize === undefined ? undefined : options.testSize * T;
    const t0 = performance.now();
    this.#train = await trainTransformClassifier(this.#model, train, {
      transforms: set,
      epochs: resolveEpochs(c.epochs, set.size),
      batchSize: c.batchSize,
      lr: c.lr,
      betas: c.betas,
      epsilon: c.adamEpsilon,
      seed: this.#seed,
      method: "GEOM",
      quiet: options.quiet,
      onProgress: options.onProgress,
      checkpoint: ck ? await ck.trainer(train) : undefined,
      later: testPairs === undefined ? undefined : (rate) => ({
        seconds: (fitPairs + testPairs) / (SCORE_SPEEDUP * rate),
        guess: true,
      }),
    });
    this.#timings.trainSeconds = (performance.now() - t0) / 1000;
    if (this.scores.includes("dirichlet")) await this.#fitDirichlet(train, testPairs);
    return this;
  }

  /**
   * Fits the Dirichlet scorer to the softmax outputs on every transformed training image (and,
   * with `dirichletFloorCheck`, one at the default clamp of 1e-10 and the fraction below it).
   * `testPairs` (test images x transformations) feeds the time-left estimate.
   */
  async #fitDirichlet(train: Images, testPairs: number | undefined): Promise<void> {
    const c = this.config, nTransforms = this.#transforms!.size;
    const t1 = performance.now();
    const probs = await this.#predict(
      train,
      "fit-probs",
      testPairs === undefined ? undefined : (rate) => ({ seconds: testPairs / rate }),
    );
    this.#scorer = fitDirichletScorer(probs, {
      nTransforms,
      clamp: c.dirichletClamp,
      renormalise: c.dirichletRenormalise,
    });
    if (c.dirichletFloorCheck) {
      this.#checkScorer = fitDirichletScorer(probs, { nTransforms });
      this.#belowFloor.train = fractionBelow(probs, DEFAULT_CLAMP);
    }
    this.#timings.dirichletFitSeconds = (performance.now() - t1) / 1000;
  }

  /**
   * Softmax outputs over every transformation; the `fit-probs` and `score` phases of a run
   * with a checkpoint save them as they go and resume after what is saved.
   */
  async #predict(
    x: Images,
    label: "fit-probs" | "score" | "predict",
    later?: (rate: number) => { seconds: number; guess?: boolean },
  ): Promise<Float32Array> {
    if (!this.#model || !this.#transforms) {
      throw new Error("Cannot score with GEOM: detector is not fitted");
    }
    const ck = label === "predict" ? undefined : this.#fitOptions.checkpoint;
    return await predictTransformed(this.#model, x, {
      transforms: this.#transforms,
      batchSize: this.config.predictBatchSize,
      // Stochastic sets (noise) are scored with a fixed seed, different from training's.
      seed: this.#seed + 7919,
      quiet: this.#fitOptions.quiet,
      onProgress: this.#fitOptions.onProgress,
      label: `${label} predict`,
      checkpoint: ck ? await ck.predictor(label, x) : undefined,
      later,
    });
  }

  /** Anomaly scores of the first requested variant. */
  async score(x: Images): Promise<Float64Array> {
    const all = await this.scoreAll(x);
    return all[this.scores[0]!]!;
  }

  /** Every requested variant from one pass over the 72 (or T) transformations. */
  async scoreAll(x: Images): Promise<Record<string, Float64Array>> {
    const t0 = performance.now();
    const probs = await this.#predict(x, "score");
    const nTransforms = this.#transforms!.size;
    const out: Record<string, Float64Array> = {};
    const normalityOf: Record<GeomScoreName, () => Float64Array> = {
      dirichlet: () => dirichletScore(this.#scorer!, probs),
      simple: () => simpleScore(probs, { nTransforms }),
      "max-softmax": () => maxSoftmaxScore(probs, { nTransforms }),
      entropy: () => entropyScore(probs, { nTransforms }),
    };
    for (const name of this.scores) {
      const normality = normalityOf[name]();
      for (let i = 0; i < normality.length; i++) normality[i] = -normality[i]!;
      out[name] = normality;
    }
    if (this.#checkScorer && this.scores.includes("dirichlet")) {
      out["dirichlet-1e-10"] = dirichletScore(this.#checkScorer, probs).map((v) => -v);
      this.#belowFloor.test = fractionBelow(probs, DEFAULT_CLAMP);
    }
    this.#timings.scoreSeconds = (performance.now() - t0) / 1000;
    return out;
  }

  /** Softmax outputs [n, T, T] for `x` (for notebooks: per-transformation analysis). */
  predictProbs(x: Images): Promise<Float32Array> {
    return this.#predict(x, "predict");
  }

  state(): Record<string, unknown> {
    return {
      fitted: this.#model !== undefined,
      identicalTrainImages: this.#identical,
      nTransforms: this.#transforms?.size,
      transformKind: this.#transforms?.kind,
      parameters: this.#model?.countParams(),
      training: this.#train,
      timings: { ...this.#timings },
      ...(this.#checkScorer ? { softmaxBelow1e10: { ...this.#belowFloor } } : {}),
      dirichletAlphaSums: this.#scorer
        ? Array.from({ length: this.#scorer.nTransforms }, (_, t) => {
          let s = 0;
          for (let k = 0; k < this.#scorer!.nTransforms; k++) {
            s += this.#scorer!.alphas[t * this.#scorer!.nTransforms + k]!;
          }
          return Number(s.toPrecision(6));
        })
        : undefined,
    };
  }

  dispose(): void {
    this.#model?.dispose();
    this.#model = undefined;
    this.#scorer = undefined;
    this.#checkScorer = undefined;
    this.#belowFloor = {};
  }
}

/** Fraction of the values of `probs` below `floor`. */
function fractionBelow(probs: Float32Array, floor: number): number {
  let n = 0;
  for (let i = 0; i < probs.length; i++) if (probs[i]! < floor) n++;
  return probs.length > 0 ? n / probs.length : 0;
}
