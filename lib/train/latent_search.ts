/**
 * ADGAN's scoring (Deecke et al. 2018, as the GEOM paper ran it): for each test image, start
 * from `seeds` random latent vectors, take `steps` Adam steps on z (and, when fine-tuning, on a
 * fresh copy of the generator after each z step) to reduce the mean squared error between
 * G(z) and the image, then score = mean over seeds of the final error (the paper's normality
 * score is its negative). Official settings: 8 seeds, 5 steps, z lr 0.25, generator lr 5e-5,
 * Adam betas (0.5, 0.999).
 *
 * Two implementations: `searchLatent` searches z only, for many images and seeds at once (the
 * generator is frozen, so each (image, seed) pair evolves independently: the summed loss has
 * per-pair gradients and Adam is element-wise); `searchLatentFinetune` resets and fine-tunes a
 * generator copy per (image, seed), one pair at a time, as the official code does.
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import type { Images } from "../data/types.ts";
import { Progress } from "../util/progress.ts";
import { Rng } from "../util/rng.ts";
import { BroadcastBatchNorm } from "../models/baselines/batch_norm.ts";
import { batchTensor } from "./loop.ts";
import { trainableVariables } from "./optim.ts";

/** Options of the latent searches. */
export interface LatentSearchOptions {
  /** Latent size. */
  zDim: number;
  /** Restarts per image. */
  seeds: number;
  /** Adam steps per restart. */
  steps: number;
  zLr: number;
  betas: readonly [number, number];
  adamEpsilon: number;
  /** Seed of the initial latent vectors. */
  seed: number;
  /** (image, seed) pairs per forward pass (`searchLatent` only). Default 256. */
  batchSize?: number;
  quiet?: boolean;
  onProgress?: (line: string, final: boolean) => void;
}

/** Options of {@linkcode searchLatentFinetune}. */
export interface FinetuneOptions extends LatentSearchOptions {
  /** Learning rate of the generator fine-tuning. */
  genLr: number;
  /** BatchNorm in the fine-tuning step: batch statistics (official) or the moving ones. */
  batchNorm: "batch" | "moving";
}

/** Per-pair mean squared error between generated and target images: [m]. */
function pairErrors(g: tf.LayersModel, z: tf.Tensor, x: tf.Tensor, training: boolean): tf.Tensor1D {
  const out = g.apply(z, { training }) as tf.Tensor;
  return out.sub(x).square().reshape([x.shape[0]!, -1]).mean(1) as tf.Tensor1D;
}

function progressFor(o: LatentSearchOptions, n: number): Progress {
  return new Progress("ADGAN latent search", n, {
    unit: "img",
    quiet: o.quiet,
    write: o.onProgress,
  });
}

/** Mean final reconstruction error per image, z-only search, batched (see module doc). */
export async function searchLatent(
  generator: tf.LayersModel,
  images: Images,
  o: LatentSearchOptions,
): Promise<Float64Array> {
  const rng = new Rng(o.seed);
  const per = Math.max(1, Math.floor((o.batchSize ?? 256) / o.seeds));
  const scores = new Float64Array(images.n);
  const progress = progressFor(o, images.n);
  for (let b = 0; b < images.n; b += per) {
    const m = Math.min(per, images.n - b);
    const idx = Int32Array.from({ length: m * o.seeds }, (_, i) => b + Math.floor(i / o.seeds));
    const x = batchTensor(images, idx);
    const z = tf.tidy(() =>
      tf.variable(tf.randomNormal([m * o.seeds, o.zDim], 0, 1, "float32", rng.seed()))
    );
    const opt = tf.train.adam(o.zLr, o.betas[0], o.betas[1], o.adamEpsilon);
    for (let k = 0; k < o.steps; k++) {
      tf.tidy(() => {
        opt.minimize(() => pairErrors(generator, z, x, false).sum() as tf.Scalar, false, [z]);
      });
    }
    const err = tf.tidy(() => pairErrors(generator, z, x, false).reshape([m, o.seeds]).mean(1));
    scores.set(await err.data(), b);
    tf.dispose([x, z, err]);
    opt.dispose();
    progress.tick(m);
  }
  progress.finish();
  return scores;
}

/**
 * Mean final reconstruction error per image with generator fine-tuning: for every (image,
 * seed) the copy `work` is reset to `generator`'s weights and fresh Adam states are used; each
 * step updates z, then the copy (see module doc). `work` must have `generator`'s architecture.
 */
export async function searchLatentFinetune(
  generator: tf.LayersModel,
  work: tf.LayersModel,
  images: Images,
  o: FinetuneOptions,
): Promise<Float64Array> {
  const rng = new Rng(o.seed);
  const initial = generator.getWeights();
  for (const layer of work.layers) {
    if (layer instanceof BroadcastBatchNorm) layer.updateMovingStats = false;
  }
  const vars = trainableVariables(work);
  const training = o.batchNorm === "batch";
  const scores = new Float64Array(images.n);
  const progress = progressFor(o, images.n);
  for (let i = 0; i < images.n; i++) {
    const x = batchTensor(images, [i]);
    let sum = 0;
    for (let s = 0; s < o.seeds; s++) {
      work.setWeights(initial);
      const z = tf.tidy(() =>
        tf.variable(tf.randomNormal([1, o.zDim], 0, 1, "float32", rng.seed()))
      );
      const zOpt = tf.train.adam(o.zLr, o.betas[0], o.betas[1], o.adamEpsilon);
      const gOpt = tf.train.adam(o.genLr, o.betas[0], o.betas[1], o.adamEpsilon);
      for (let k = 0; k < o.steps; k++) {
        tf.tidy(() => {
          zOpt.minimize(() => pairErrors(work, z, x, false).sum() as tf.Scalar, false, [z]);
          gOpt.minimize(() => pairErrors(work, z, x, training).sum() as tf.Scalar, false, vars);
        });
      }
      const err = tf.tidy(() => pairErrors(work, z, x, false));
      sum += (await err.data())[0]!;
      tf.dispose([z, err]);
      zOpt.dispose();
      gOpt.dispose();
    }
    x.dispose();
    scores[i] = sum / o.seeds;
    progress.tick(1);
  }
  progress.finish();
  return scores;
}
