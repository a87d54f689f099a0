/**
 * ADGAN (Deecke et al., ECML 2018), as the GEOM paper ran it: a WGAN-GP whose critic is the
 * paper's conv encoder with one linear output and whose generator is the conv decoder (z
 * 256-d), Adam lr 1e-4 betas (0, 0.9), gradient penalty 20 * (|grad D(x^)| - 1)^2 (two-sided)
 * on random interpolates, 2 critic updates per generator update, batches of 128 drawn at random,
 * 100 x 100 generator iterations. As in the official code, the fake batch for the critic comes
 * from the generator in inference mode and the critic sees real, fake and interpolated batches
 * in separate passes. The penalty differentiates through the critic's input gradient (second
 * order), which tfjs supports on cpu and wasm.
 *
 * Scoring: latent search from 8 seeds x 5 steps per image (see latent_search.ts), with
 * generator fine-tuning when `finetune` is set (paper) or a batched z-only search (quick).
 * Anomaly score = mean final reconstruction MSE (the paper's normality score is its negative).
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import type { Images } from "../data/types.ts";
import { buildConvDecoder, buildConvEncoder } from "../models/baselines/conv_nets.ts";
import { DeepDetector } from "./deep_detector.ts";
import { searchLatent, searchLatentFinetune } from "../train/latent_search.ts";
import { batchTensor, sampleWithoutReplacement, trainLoop } from "../train/loop.ts";
import { trainableVariables, withAdam } from "../train/optim.ts";
import type { ImageShape } from "./validate.ts";
import type { Rng } from "../util/rng.ts";
import type { AdganConfig } from "./baseline_presets.ts";

/** Critic loss parts of one update (a type alias, so that `tf.tidy` can return it). */
type CriticParts = {
  /** mean D(fake) - mean D(real) (the negative Wasserstein estimate). */
  wasserstein: tf.Scalar;
  gradientPenalty: tf.Scalar;
};

/** The two networks of a WGAN-GP and what their updates need. */
interface Gan {
  config: AdganConfig;
  critic: tf.LayersModel;
  generator: tf.LayersModel;
  criticVars: tf.Variable[];
  genVars: tf.Variable[];
}

function critique(gan: Gan, x: tf.Tensor): tf.Tensor {
  return gan.critic.apply(x, { training: true }) as tf.Tensor;
}

/**
 * One critic update on the real images `idx` against generated ones, with the gradient
 * penalty at random interpolates; returns its loss parts (kept tensors).
 */
function criticUpdate(
  gan: Gan,
  opt: tf.Optimizer,
  train: Images,
  idx: Int32Array,
  stepRng: Rng,
): CriticParts {
  const c = gan.config;
  return tf.tidy(() => {
    const real = batchTensor(train, idx);
    const m = idx.length;
    const z = tf.randomNormal([m, c.zDim], 0, 1, "float32", stepRng.seed());
    const fake = gan.generator.apply(z, { training: false }) as tf.Tensor;
    const w = tf.randomUniform([m, 1, 1, 1], 0, 1, "float32", stepRng.seed());
    const interp = real.mul(w).add(fake.mul(tf.sub(1, w)));
    let parts: CriticParts | undefined;
    opt.minimize(
      () => {
        const wasserstein = critique(gan, fake).mean().sub(critique(gan, real).mean()) as tf.Scalar;
        const grad = tf.grad((v: tf.Tensor) => critique(gan, v).sum())(interp);
        const norm = grad.reshape([m, -1]).square().sum(1).add(1e-12).sqrt();
        const gradientPenalty = norm.sub(1).square().mean() as tf.Scalar;
        parts = { wasserstein: tf.keep(wasserstein), gradientPenalty: tf.keep(gradientPenalty) };
        return wasserstein.add(gradientPenalty.mul(c.gpWeight)) as tf.Scalar;
      },
      false,
      gan.criticVars,
    );
    return parts!;
  });
}

/** One generator update; returns its loss. */
function generatorUpdate(gan: Gan, opt: tf.Optimizer, stepRng: Rng): tf.Scalar {
  const c = gan.config;
  return tf.tidy(() => {
    const z = tf.randomNormal([c.batchSize, c.zDim], 0, 1, "float32", stepRng.seed());
    return opt.minimize(
      () => {
        const fake = gan.generator.apply(z, { training: true }) as tf.Tensor;
        return critique(gan, fake).mean().neg() as tf.Scalar;
      },
      true,
      gan.genVars,
    )!;
  });
}

/** Means over the critic updates of one iteration (disposes `parts`). */
function criticMeans(parts: CriticParts[], gpWeight: number) {
  return tf.tidy(() => {
    const mean = (ts: tf.Tensor[]) => tf.addN(ts).div(parts.length) as tf.Scalar;
    const wasserstein = mean(parts.map((p) => p.wasserstein));
    const gradientPenalty = mean(parts.map((p) => p.gradientPenalty));
    tf.dispose(parts.flatMap((p) => [p.wasserstein, p.gradientPenalty]));
    return {
      criticLoss: wasserstein.add(gradientPenalty.mul(gpWeight)) as tf.Scalar,
      wasserstein,
      gradientPenalty,
    };
  });
}

/** ADGAN as a {@linkcode Detector} (see the module doc). */
export class AdganDetector extends DeepDetector<AdganConfig> {
  readonly name = "adgan";
  protected override readonly scoreLabel = "reconstruction error";
  #generator?: tf.LayersModel;
  #scoreSeed = 0;

  /** @throws {UsageError} for a bad hyperparameter. */
  constructor(config: AdganConfig) {
    super(
      "ADGAN",
      config,
      (c, cfg) =>
        c.training(cfg).int("zDim", cfg.zDim).int("stepsPerEpoch", cfg.stepsPerEpoch)
          .int("criticSteps", cfg.criticSteps).nonNegative("gpWeight", cfg.gpWeight)
          .int("searchSeeds", cfg.searchSeeds).int("searchSteps", cfg.searchSteps, 0)
          .positive("zLr", cfg.zLr).positive("genLr", cfg.genLr)
          .unit("searchBetas[0]", cfg.searchBetas[0]).unit("searchBetas[1]", cfg.searchBetas[1])
          .oneOf("finetuneBatchNorm", cfg.finetuneBatchNorm, ["batch", "moving"]),
    );
  }

  /** The trained generator (undefined before fit). */
  get generator(): tf.LayersModel | undefined {
    return this.#generator;
  }

  #buildGenerator(shape: ImageShape, seed: number, name: string) {
    const c = this.config;
    return buildConvDecoder({
      outputShape: shape,
      codeSize: c.zDim,
      filters: c.filters,
      bnMomentum: c.bnMomentum,
      seed,
      name,
    });
  }

  protected async fitModels(train: Images, rng: Rng, shape: ImageShape): Promise<void> {
    const c = this.config;
    const critic = buildConvEncoder({
      inputShape: shape,
      codeSize: 1,
      codeActivation: "linear",
      filters: c.filters,
      bnMomentum: c.bnMomentum,
      seed: rng.seed(),
      name: "adgan-critic",
    });
    const generator = this.#buildGenerator(shape, rng.seed(), "adgan-generator");
    this.models.push(critic, generator);
    this.#generator = generator;
    this.#scoreSeed = rng.seed();
    const gan: Gan = {
      config: c,
      critic,
      generator,
      criticVars: trainableVariables(critic),
      genVars: trainableVariables(generator),
    };
    const loop = this.loopOptions(train.n, rng, { stepsPerEpoch: c.stepsPerEpoch });
    this.training.train = await withAdam(
      c,
      (criticOpt) =>
        withAdam(c, (genOpt) =>
          trainLoop(loop, (batch, { rng: stepRng }) => {
            const parts: CriticParts[] = [];
            for (let k = 0; k < c.criticSteps; k++) {
              const idx = k === 0 ? batch : sampleWithoutReplacement(train.n, c.batchSize, stepRng);
              parts.push(criticUpdate(gan, criticOpt, train, idx, stepRng));
            }
            return {
              ...criticMeans(parts, c.gpWeight),
              generatorLoss: generatorUpdate(gan, genOpt, stepRng),
            };
          })),
    );
  }

  protected async scoreImages(x: Images): Promise<Float64Array> {
    const c = this.config;
    const common = {
      zDim: c.zDim,
      seeds: c.searchSeeds,
      steps: c.searchSteps,
      zLr: c.zLr,
      betas: c.searchBetas,
      adamEpsilon: c.adamEpsilon,
      seed: this.#scoreSeed,
      batchSize: c.predictBatchSize,
      quiet: this.fitOptions.quiet,
      onProgress: this.fitOptions.onProgress,
    };
    if (!c.finetune) return await searchLatent(this.#generator!, x, common);
    const work = this.#buildGenerator(this.shape!, 1, "adgan-generator-finetuned");
    try {
      return await searchLatentFinetune(this.#generator!, work, x, {
        ...common,
        genLr: c.genLr,
        batchNorm: c.finetuneBatchNorm,
      });
    } finally {
      work.dispose();
    }
  }

  protected override extraState(): Record<string, unknown> {
    const c = this.config;
    return {
      score: "mean final latent-search MSE (paper normality score: its negative)",
      generatorIterations: c.epochs * c.stepsPerEpoch,
      search: c.finetune
        ? `z + generator fine-tuning per (image, seed), BatchNorm ${c.finetuneBatchNorm}`
        : "z only, batched",
    };
  }

  override dispose(): void {
    super.dispose();
    this.#generator = undefined;
  }
}
