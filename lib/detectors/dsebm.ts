/**
 * DSEBM (Zhai et al., ICML 2016), as the GEOM paper ran it: energy
 * E(x) = 0.5 ||x - b||^2 - sum(enc(x)) with the paper's conv encoder (ReLU 256-d output),
 * trained by denoising score matching: for x~ = x + N(0, sigma^2), the reconstruction
 * x~ - dE/dx~ = b + d sum(enc(x~))/dx~ is regressed onto x (mean squared error). The loss holds
 * an input gradient, so training differentiates twice through the encoder (tfjs supports it on
 * cpu and wasm). Anomaly score = E(x) (the paper's normality score is -E).
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import type { Images } from "../data/types.ts";
import { buildConvEncoder } from "../models/baselines/conv_nets.ts";
import { DeepDetector } from "./deep_detector.ts";
import { batchTensor, mapBatches, trainLoop } from "../train/loop.ts";
import { trainableVariables, withAdam } from "../train/optim.ts";
import type { ImageShape } from "./validate.ts";
import type { Rng } from "../util/rng.ts";
import type { DsebmConfig } from "./baseline_presets.ts";

/** DSEBM as a {@linkcode Detector} (see the module doc). */
export class DsebmDetector extends DeepDetector<DsebmConfig> {
  readonly name = "dsebm";
  protected override readonly scoreLabel = "energy";
  #encoder?: tf.LayersModel;
  #bias?: tf.Variable;

  /** @throws {UsageError} for a bad hyperparameter. */
  constructor(config: DsebmConfig) {
    super(
      "DSEBM",
      config,
      (c, cfg) => c.training(cfg).int("codeSize", cfg.codeSize).positive("noiseStd", cfg.noiseStd),
    );
  }

  /** Energies E(x) [batch] (training-mode BatchNorm when `training`). */
  #energy(x: tf.Tensor, training: boolean): tf.Tensor1D {
    const prior = x.sub(this.#bias!).square().reshape([x.shape[0]!, -1]).sum(1).mul(0.5);
    const code = this.#encoder!.apply(x, { training }) as tf.Tensor2D;
    return prior.sub(code.sum(1)) as tf.Tensor1D;
  }

  protected async fitModels(train: Images, rng: Rng, shape: ImageShape): Promise<void> {
    const c = this.config;
    const encoder = buildConvEncoder({
      inputShape: shape,
      codeSize: c.codeSize,
      codeActivation: "relu",
      filters: c.filters,
      bnMomentum: c.bnMomentum,
      seed: rng.seed(),
      name: "dsebm-encoder",
    });
    this.models.push(encoder);
    this.#encoder = encoder;
    const bias = tf.tidy(() => tf.variable(tf.zeros(shape), true));
    this.#bias = bias;
    this.tensors.push(bias);
    const vars = [...trainableVariables(encoder), bias];
    const sumCode = (v: tf.Tensor) => (encoder.apply(v, { training: true }) as tf.Tensor).sum();
    this.training.train = await withAdam(
      c,
      (opt) =>
        trainLoop(this.loopOptions(train.n, rng), (batch, { rng: stepRng }) =>
          tf.tidy(() => {
            const x = batchTensor(train, batch);
            const noisy = x.add(tf.randomNormal(x.shape, 0, c.noiseStd, "float32", stepRng.seed()));
            return opt.minimize(
              () => {
                const rec = tf.grad(sumCode)(noisy).add(bias);
                return tf.losses.meanSquaredError(x, rec) as tf.Scalar;
              },
              true,
              vars,
            )!;
          })),
    );
  }

  protected async scoreImages(x: Images): Promise<Float64Array> {
    const e = await mapBatches(
      x,
      { batchSize: this.config.predictBatchSize, width: 1 },
      (t) => this.#energy(t, false),
    );
    return Float64Array.from(e);
  }

  protected override extraState(): Record<string, unknown> {
    return { score: "energy E(x) (paper normality score -E)" };
  }

  override dispose(): void {
    super.dispose();
    this.#encoder = undefined;
    this.#bias = undefined;
  }
}
