/**
 * DAGMM (Zong et al., ICLR 2018), as the GEOM paper ran it: the paper's conv autoencoder with a
 * 5-d linear code; features z = [code, relative Euclidean error |x - x'| / |x|, cosine
 * similarity of x and x']; an estimation net (dense 64 tanh, dropout 0.5, dense 10 tanh,
 * dropout 0.5, dense 3 softmax) gives soft memberships of a 3-component Gaussian mixture whose
 * parameters are estimated from each batch. Loss: MSE + 0.01 * mean energy
 * + 0.0005 * sum_k sum_d 1 / Sigma_k[d, d]. Anomaly score = energy
 * E(z) = -log(sum_k phi_k N(z; mu_k, Sigma_k) + eps) (the paper's normality score is -E).
 *
 * Test-time mixture: after training, phi, mu and Sigma are estimated once from the whole
 * training set with the trained networks in inference mode (the DAGMM paper's procedure). The
 * official GEOM code kept the estimate of the last training batch instead.
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import type { Images } from "../data/types.ts";
import { buildConvAutoencoder } from "../models/baselines/conv_nets.ts";
import { DeepDetector } from "./deep_detector.ts";
import {
  estimateGmm,
  gmmEnergy,
  type GmmParams,
  inverseDiagonalSum,
} from "../models/baselines/gmm.ts";
import { batchTensor, mapBatches, trainLoop } from "../train/loop.ts";
import { trainableVariables, withAdam } from "../train/optim.ts";
import type { ImageShape } from "./validate.ts";
import { SeedStream } from "../models/init.ts";
import type { Rng } from "../util/rng.ts";
import type { DagmmConfig } from "./baseline_presets.ts";

interface Nets {
  encoder: tf.LayersModel;
  decoder: tf.LayersModel;
  estimation: tf.Sequential;
}

/** [code, relative Euclidean error, cosine similarity] per image: [batch, codeSize + 2]. */
export function dagmmFeatures(x: tf.Tensor, rec: tf.Tensor, code: tf.Tensor): tf.Tensor2D {
  return tf.tidy(() => {
    const n = x.shape[0]!;
    const xf = x.reshape([n, -1]), rf = rec.reshape([n, -1]);
    const xx = xf.square().sum(1, true);
    const rr = rf.square().sum(1, true);
    const err = xf.sub(rf).square().sum(1, true);
    const relErr = tf.maximum(err.div(tf.maximum(xx, 1e-12)), 1e-12).sqrt();
    const cos = xf.mul(rf).sum(1, true).div(tf.maximum(xx, 1e-12).sqrt())
      .div(tf.maximum(rr, 1e-12).sqrt());
    return tf.concat([code, relErr, cos], 1) as tf.Tensor2D;
  });
}

/** DAGMM as a {@linkcode Detector} (see the module doc). */
export class DagmmDetector extends DeepDetector<DagmmConfig> {
  readonly name = "dagmm";
  protected override readonly scoreLabel = "energy";
  #nets?: Nets;
  #gmm?: GmmParams;

  /** @throws {UsageError} for a bad hyperparameter. */
  constructor(config: DagmmConfig) {
    super(
      "DAGMM",
      config,
      (c, cfg) =>
        c.training(cfg).int("codeSize", cfg.codeSize).ints("estimationHidden", cfg.estimationHidden)
          .unit("dropout", cfg.dropout).int("nComponents", cfg.nComponents)
          .nonNegative("lambdaEnergy", cfg.lambdaEnergy).nonNegative("lambdaCov", cfg.lambdaCov)
          .positive("covJitter", cfg.covJitter).nonNegative("densityEps", cfg.densityEps),
    );
  }

  /** Features z and memberships gamma of a batch (dropout seeded by `seed` in training). */
  #forward(x: tf.Tensor, training: boolean, seed = 0) {
    const { encoder, decoder, estimation } = this.#nets!;
    const code = encoder.apply(x, { training }) as tf.Tensor;
    const rec = decoder.apply(code, { training }) as tf.Tensor;
    const z = dagmmFeatures(x, rec, code);
    const seeds = new SeedStream(seed);
    let h: tf.Tensor = z;
    estimation.layers.forEach((layer, i) => {
      h = layer.apply(h) as tf.Tensor;
      if (training && i < estimation.layers.length - 1 && this.config.dropout > 0) {
        h = tf.dropout(h, this.config.dropout, undefined, seeds.next());
      }
    });
    return { rec, z, gamma: h as tf.Tensor2D };
  }

  protected async fitModels(train: Images, rng: Rng, shape: ImageShape): Promise<void> {
    const c = this.config;
    const { encoder, decoder } = buildConvAutoencoder({
      shape,
      codeSize: c.codeSize,
      codeActivation: "linear",
      filters: c.filters,
      bnMomentum: c.bnMomentum,
      seeds: [rng.seed(), rng.seed()],
      name: "dagmm",
    });
    const estimation = this.#estimationNetwork(new SeedStream(rng.seed()));
    this.models.push(encoder, decoder, estimation);
    this.#nets = { encoder, decoder, estimation };
    const vars = trainableVariables(encoder, decoder, estimation);
    this.training.train = await withAdam(
      c,
      (opt) =>
        trainLoop(this.loopOptions(train.n, rng), (batch, { rng: stepRng }) =>
          tf.tidy(() => {
            const x = batchTensor(train, batch);
            const parts: Record<string, tf.Scalar> = {};
            const loss = opt.minimize(
              () => {
                const { rec, z, gamma } = this.#forward(x, true, stepRng.seed());
                const gmm = estimateGmm(z, gamma, c.covJitter);
                parts.mse = tf.keep(tf.losses.meanSquaredError(x, rec) as tf.Scalar);
                parts.energy = tf.keep(gmmEnergy(z, gmm, c.densityEps).mean());
                parts.covPenalty = tf.keep(inverseDiagonalSum(gmm.sigma));
                return parts.mse.add(parts.energy.mul(c.lambdaEnergy))
                  .add(parts.covPenalty.mul(c.lambdaCov)) as tf.Scalar;
              },
              true,
              vars,
            )!;
            return { loss, ...parts };
          })),
    );
    this.#gmm = await this.#fitMixture(train);
    this.tensors.push(this.#gmm.phi, this.#gmm.mu, this.#gmm.sigma);
  }

  /**
   * The estimation network: (code, relative error, cosine similarity) -> tanh hidden layers ->
   * softmax memberships of the mixture's components.
   */
  #estimationNetwork(seeds: SeedStream): tf.Sequential {
    const c = this.config;
    const widths = [...c.estimationHidden, c.nComponents];
    const estimation = tf.sequential({ name: "dagmm-estimation" });
    widths.forEach((units, i) => {
      estimation.add(tf.layers.dense({
        units,
        activation: i < widths.length - 1 ? "tanh" : "softmax",
        kernelInitializer: tf.initializers.glorotUniform({ seed: seeds.next() }),
        ...(i === 0 ? { inputShape: [c.codeSize + 2] } : {}),
      }));
    });
    return estimation;
  }

  /** Mixture parameters from every training image (inference mode). */
  async #fitMixture(train: Images): Promise<GmmParams> {
    const c = this.config;
    const width = c.codeSize + 2 + c.nComponents;
    const zg = await mapBatches(train, { batchSize: c.predictBatchSize, width }, (x) => {
      const { z, gamma } = this.#forward(x, false);
      return tf.concat([z, gamma], 1);
    });
    return tf.tidy(() => {
      const all = tf.tensor2d(zg, [train.n, width]);
      const z = all.slice([0, 0], [-1, c.codeSize + 2]);
      const gamma = all.slice([0, c.codeSize + 2], [-1, c.nComponents]);
      return estimateGmm(z, gamma, c.covJitter);
    });
  }

  protected async scoreImages(x: Images): Promise<Float64Array> {
    const e = await mapBatches(
      x,
      { batchSize: this.config.predictBatchSize, width: 1 },
      (t) => gmmEnergy(this.#forward(t, false).z, this.#gmm!, this.config.densityEps),
    );
    return Float64Array.from(e);
  }

  protected override extraState(): Record<string, unknown> {
    const g = this.#gmm;
    if (!g) return {};
    return {
      score: "energy (paper normality score -energy)",
      mixture: {
        phi: Array.from(g.phi.dataSync()),
        mu: g.mu.arraySync(),
        sigmaDiagonal: (g.sigma.arraySync() as number[][][]).map((s) => s.map((r, i) => r[i]!)),
        estimatedFrom: "all training images, inference mode",
      },
    };
  }

  override dispose(): void {
    super.dispose();
    this.#nets = undefined;
    this.#gmm = undefined;
  }
}
