/**
 * The rotation + translation multi-head detector (Hendrycks, Mazeika, Kadavath & Song, "Using
 * Self-Supervised Learning Can Improve Model Robustness and Uncertainty", NeurIPS 2019): one
 * network with three softmax heads - rotation (4), row shift (3), column shift (3) - trained on
 * all 36 combinations (lib/transforms/rot_trans.ts) with the sum of the heads' cross-entropies.
 * A test image is scored by the sum, over its 36 transformed copies, of the probabilities the
 * three heads give the true labels (`heads`), or of their logs (`heads-log`).
 *
 * Scores returned here are ANOMALY scores (the normality scores negated, once, here).
 * @module
 */
import type * as tf from "@tensorflow/tfjs";
import type { Images } from "../data/types.ts";
import type { Rng } from "../util/rng.ts";
import { buildMultiHead } from "../models/multi_head.ts";
import { headLogScore, headProbabilityScore } from "../scores/head_scores.ts";
import { predictTransformed, trainTransformClassifier } from "../train/mod.ts";
import { headLabelTable, multiHeadLoss } from "../train/multi_head_loss.ts";
import {
  type GeometricSet,
  ROT_TRANS_HEADS,
  rotTrans36,
  rotTransLabels,
} from "../transforms/mod.ts";
import { UsageError } from "../util/errors.ts";
import { DeepDetector } from "./deep_detector.ts";
import type { ImageShape } from "./validate.ts";
import { type RotTransConfig, rotTransEpochs } from "./rot_trans_presets.ts";

/** Score variants: probabilities summed (the primary), or log probabilities summed. */
export const ROT_TRANS_SCORES = ["heads", "heads-log"] as const;
/** A score variant. */
export type RotTransScoreName = (typeof ROT_TRANS_SCORES)[number];

/** Checks a list of score names (CLI `--score`). */
export function parseRotTransScores(names: string[] | undefined): RotTransScoreName[] {
  if (!names || names.length === 0) return [...ROT_TRANS_SCORES];
  for (const n of names) {
    if (!(ROT_TRANS_SCORES as readonly string[]).includes(n)) {
      throw new UsageError(`unknown score '${n}' (choose from ${ROT_TRANS_SCORES.join(", ")})`);
    }
  }
  return names as RotTransScoreName[];
}

/** Options for {@linkcode RotTransDetector}. */
export interface RotTransDetectorOptions {
  config: RotTransConfig;
  /** Score variants (default both); the first is `score()`'s. */
  scores?: RotTransScoreName[];
}

const WIDTH = ROT_TRANS_HEADS.reduce((a, b) => a + b, 0);

/**
 * The rotation + translation multi-head detector as a {@linkcode Detector}, on the deep-detector
 * base (it never sees a test label).
 */
export class RotTransDetector extends DeepDetector<RotTransConfig> {
  readonly name = "rot-trans";
  readonly scores: RotTransScoreName[];
  #transforms?: GeometricSet;

  /** @throws {UsageError} for an unknown score or a bad hyperparameter. */
  constructor(options: RotTransDetectorOptions) {
    super("rot-trans", options.config, (check, c) => {
      if (c.epochs !== "paper") check.int("epochs", c.epochs);
      check.int("batchSize", c.batchSize).positive("lr", c.lr).unit("betas[0]", c.betas[0])
        .unit("betas[1]", c.betas[1]).positive("adamEpsilon", c.adamEpsilon)
        .int("predictBatchSize", c.predictBatchSize);
    });
    this.scores = parseRotTransScores(options.scores ?? [...ROT_TRANS_SCORES]);
  }

  override get hyperparameters(): Record<string, unknown> {
    return {
      ...this.config,
      epochs: rotTransEpochs(this.config.epochs),
      epochsRule: this.config.epochs === "paper" ? "ceil(200 / 36)" : "fixed",
      transforms: "rot-trans36",
      heads: [...ROT_TRANS_HEADS],
      scores: this.scores,
    };
  }

  /** The trained network, heads concatenated [batch, 10] (undefined before fit). */
  get model(): tf.LayersModel | undefined {
    return this.models[0];
  }

  protected async fitModels(train: Images, _rng: Rng, shape: ImageShape): Promise<void> {
    const seed = this.fitOptions.seed ?? 0;
    const c = this.config;
    const set = rotTrans36({ height: train.height, width: train.width });
    this.#transforms = set;
    const model = buildMultiHead(c.model, { inputShape: shape, heads: ROT_TRANS_HEADS, seed });
    this.models.push(model);
    const ck = this.fitOptions.checkpoint;
    const t0 = performance.now();
    this.training.train = await trainTransformClassifier(model, train, {
      transforms: set,
      epochs: rotTransEpochs(c.epochs),
      batchSize: c.batchSize,
      loss: multiHeadLoss({
        heads: ROT_TRANS_HEADS,
        nTransforms: set.size,
        labels: rotTransLabels,
      }),
      lr: c.lr,
      betas: c.betas,
      epsilon: c.adamEpsilon,
      seed,
      method: "rot-trans",
      quiet: this.fitOptions.quiet,
      onProgress: this.fitOptions.onProgress,
      checkpoint: ck ? await ck.trainer(train) : undefined,
    });
    this.timings.trainSeconds = (performance.now() - t0) / 1000;
  }

  /** The heads' outputs [n, 36, 10] for every transformation of `x`. */
  async predictHeads(x: Images, label: "score" | "predict" = "predict"): Promise<Float32Array> {
    const model = this.model;
    if (!model || !this.#transforms) {
      throw new Error("Cannot score with rot-trans: detector is not fitted");
    }
    const ck = label === "predict" ? undefined : this.fitOptions.checkpoint;
    return await predictTransformed(model, x, {
      transforms: this.#transforms,
      batchSize: this.config.predictBatchSize,
      seed: (this.fitOptions.seed ?? 0) + 7919,
      forward: (m, xt) => m.apply(xt, { training: false }) as tf.Tensor,
      outputWidth: WIDTH,
      quiet: this.fitOptions.quiet,
      onProgress: this.fitOptions.onProgress,
      label: `${label} predict`,
      checkpoint: ck ? await ck.predictor(label, x) : undefined,
    });
  }

  protected async scoreImages(x: Images): Promise<Float64Array> {
    return (await this.#variants(x))[this.scores[0]!]!;
  }

  /** Every requested score variant (anomaly scores), from one pass over the 36 copies. */
  scoreAll(x: Images): Promise<Record<string, Float64Array>> {
    return this.scoreChecked(x, () => this.#variants(x));
  }

  async #variants(x: Images): Promise<Record<string, Float64Array>> {
    const outputs = await this.predictHeads(x, "score");
    const opts = {
      heads: ROT_TRANS_HEADS,
      nTransforms: 36,
      labels: headLabelTable({ heads: ROT_TRANS_HEADS, nTransforms: 36, labels: rotTransLabels }),
    };
    const out: Record<string, Float64Array> = {};
    for (const name of this.scores) {
      const s = name === "heads"
        ? headProbabilityScore(outputs, opts)
        : headLogScore(outputs, opts);
      out[name] = s.map((v) => -v);
    }
    return out;
  }

  protected override extraState(): Record<string, unknown> {
    return { nTransforms: this.#transforms?.size };
  }
}
