/**
 * One-class Deep SVDD (Ruff et al., ICML 2018), the GEOM paper's "E2E-OC-SVM" column: a
 * network phi without bias terms (no conv/dense biases, BatchNorm without beta/gamma) maps the
 * normal images close to a centre c; loss = mean |phi(x) - c|^2 + weight decay. Uses the
 * paper's conv encoder (64, 128, 256 filters, stride 2) with a linear code (Ruff: 128-d,
 * leaky ReLU 0.1), optionally pretrained as an autoencoder (Ruff: yes). c is the mean of phi
 * over the training images after pretraining (inference mode); coordinates with |c_i| < eps
 * become +-eps so that the trivial all-zero solution is not the centre.
 * Anomaly score = |phi(x) - c|^2.
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import type { Images } from "../data/types.ts";
import { trainAutoencoder } from "../train/autoencoder.ts";
import { buildConvAutoencoder } from "../models/baselines/conv_nets.ts";
import { DeepDetector } from "./deep_detector.ts";
import { batchTensor, mapBatches, trainLoop } from "../train/loop.ts";
import { l2Penalty, setLearningRate, trainableVariables, withAdam } from "../train/optim.ts";
import type { ImageShape } from "./validate.ts";
import type { Rng } from "../util/rng.ts";
import type { DeepSvddConfig } from "./baseline_presets.ts";

/** Moves coordinates with |c_i| < eps to +eps or -eps (0 goes to +eps), in place. */
export function guardCenter(c: Float32Array, eps: number): Float32Array {
  for (let i = 0; i < c.length; i++) {
    if (Math.abs(c[i]!) < eps) c[i] = c[i]! < 0 ? -eps : eps;
  }
  return c;
}

/** Deep SVDD as a {@linkcode Detector} (see the module doc). */
export class DeepSvddDetector extends DeepDetector<DeepSvddConfig> {
  readonly name = "deep-svdd";
  protected override readonly scoreLabel = "squared distance";
  #net?: tf.LayersModel;
  #center?: tf.Tensor1D;

  /** @throws {UsageError} for a bad hyperparameter. */
  constructor(config: DeepSvddConfig) {
    super("Deep SVDD", config, (c, cfg) => {
      c.training(cfg).int("codeSize", cfg.codeSize).unit("lrDecay", cfg.lrDecay)
        .nonNegative("weightDecay", cfg.weightDecay).int("pretrainEpochs", cfg.pretrainEpochs, 0)
        .positive("centerEps", cfg.centerEps).oneOf("activation", cfg.activation, [
          "relu",
          "leaky-relu",
        ]);
      if (cfg.milestone !== undefined) c.int("milestone", cfg.milestone);
      if (cfg.pretrainMilestone !== undefined) c.int("pretrainMilestone", cfg.pretrainMilestone);
    });
  }

  /** The centre c (undefined before fit). */
  get center(): Float32Array | undefined {
    return this.#center ? this.#center.dataSync() as Float32Array : undefined;
  }

  protected async fitModels(train: Images, rng: Rng, shape: ImageShape): Promise<void> {
    const c = this.config;
    const { encoder: net, decoder } = buildConvAutoencoder({
      shape,
      codeSize: c.codeSize,
      codeActivation: "linear",
      filters: c.filters,
      bnMomentum: c.bnMomentum,
      bias: false,
      activation: c.activation,
      seeds: [rng.seed(), rng.seed()],
      name: "deep-svdd",
    });
    this.models.push(net);
    this.#net = net;
    try {
      await this.#pretrain(net, decoder, train, rng);
    } finally {
      decoder.dispose();
    }
    const cen = tf.tensor1d(guardCenter(await this.#meanCode(train), c.centerEps));
    this.#center = cen;
    this.tensors.push(cen);
    await this.#minimizeDistance(net, cen, train, rng);
  }

  /** Pretrains `net` with `decoder` as an autoencoder when `pretrainEpochs` > 0. */
  async #pretrain(
    net: tf.LayersModel,
    decoder: tf.LayersModel,
    train: Images,
    rng: Rng,
  ): Promise<void> {
    const c = this.config;
    const loop = this.loopOptions(train.n, rng, {
      method: `${this.label} pretraining`,
      epochs: c.pretrainEpochs,
    });
    if (c.pretrainEpochs === 0) return;
    this.training.pretrain = await trainAutoencoder(net, decoder, train, {
      loop,
      adam: c,
      weightDecay: c.weightDecay,
      milestone: c.pretrainMilestone,
      lrDecay: c.lrDecay,
    });
  }

  /** The mean code of the training images: the centre before {@link guardCenter}. */
  async #meanCode(train: Images): Promise<Float32Array> {
    const { codeSize } = this.config;
    const codes = await this.#embed(train);
    const center = new Float32Array(codeSize);
    for (let i = 0; i < train.n; i++) {
      for (let j = 0; j < codeSize; j++) center[j]! += codes[i * codeSize + j]! / train.n;
    }
    return center;
  }

  /** Deep SVDD's objective: the mean squared distance of the codes to `cen`, plus weight decay. */
  async #minimizeDistance(
    net: tf.LayersModel,
    cen: tf.Tensor1D,
    train: Images,
    rng: Rng,
  ): Promise<void> {
    const c = this.config;
    const vars = trainableVariables(net);
    this.training.train = await withAdam(c, (opt) =>
      trainLoop(
        this.loopOptions(train.n, rng, {
          onEpochStart: (epoch) => {
            if (epoch === c.milestone) setLearningRate(opt, c.lr * c.lrDecay);
          },
        }),
        (batch) =>
          tf.tidy(() => {
            const x = batchTensor(train, batch);
            return opt.minimize(
              () => {
                const phi = net.apply(x, { training: true }) as tf.Tensor2D;
                const dist = phi.sub(cen).square().sum(1).mean();
                return dist.add(l2Penalty(vars, c.weightDecay)) as tf.Scalar;
              },
              true,
              vars,
            )!;
          }),
      ));
  }

  #embed(x: Images): Promise<Float32Array> {
    return mapBatches(
      x,
      { batchSize: this.config.predictBatchSize, width: this.config.codeSize },
      (t) => this.#net!.apply(t, { training: false }) as tf.Tensor,
    );
  }

  protected async scoreImages(x: Images): Promise<Float64Array> {
    const d = await mapBatches(
      x,
      { batchSize: this.config.predictBatchSize, width: 1 },
      (t) =>
        (this.#net!.apply(t, { training: false }) as tf.Tensor).sub(this.#center!).square().sum(1),
    );
    return Float64Array.from(d);
  }

  protected override extraState(): Record<string, unknown> {
    const c = this.center;
    if (!c) return {};
    let norm = 0;
    for (const v of c) norm += v * v;
    return { score: "squared distance to c", centerNorm: Math.sqrt(norm) };
  }

  override dispose(): void {
    super.dispose();
    this.#net = undefined;
    this.#center = undefined;
  }
}
