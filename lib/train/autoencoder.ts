/**
 * Convolutional autoencoder training (mean squared reconstruction error, Adam), shared by
 * CAE-OC-SVM and Deep SVDD's pretraining.
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import type { Images } from "../data/types.ts";
import { batchTensor, type LoopRecord, trainLoop, type TrainLoopOptions } from "./loop.ts";
import {
  type AdamSettings,
  l2Penalty,
  setLearningRate,
  trainableVariables,
  withAdam,
} from "./optim.ts";

/** Options of {@linkcode trainAutoencoder}. */
export interface TrainAutoencoderOptions {
  /** Epochs, batch size, seed, progress (`n` and `onEpochStart` are set here). */
  loop: TrainLoopOptions;
  adam: AdamSettings;
  /** L2 weight decay factor (0.5 * factor * sum w^2 added to the loss). Default 0. */
  weightDecay?: number;
  /** From this epoch on (1-based) the learning rate is multiplied by `lrDecay`. */
  milestone?: number;
  /** Default 0.1. */
  lrDecay?: number;
}

/** Reconstructions of `x` (training-mode BatchNorm when `training`). */
export function reconstruct(
  encoder: tf.LayersModel,
  decoder: tf.LayersModel,
  x: tf.Tensor,
  training: boolean,
): tf.Tensor {
  return decoder.apply(encoder.apply(x, { training }), { training }) as tf.Tensor;
}

/**
 * Trains `decoder(encoder(x))` to reconstruct `images` (loss: mean squared error over all
 * values). Updates both models in place.
 * @throws {RunError} on a non-finite loss (method, epoch and step named).
 */
export async function trainAutoencoder(
  encoder: tf.LayersModel,
  decoder: tf.LayersModel,
  images: Images,
  options: TrainAutoencoderOptions,
): Promise<LoopRecord> {
  const vars = trainableVariables(encoder, decoder);
  const wd = options.weightDecay ?? 0;
  return await withAdam(options.adam, (opt) =>
    trainLoop({
      ...options.loop,
      n: images.n,
      onEpochStart: (epoch) => {
        if (epoch === options.milestone) {
          setLearningRate(opt, options.adam.lr * (options.lrDecay ?? 0.1));
        }
      },
    }, (batch) =>
      tf.tidy(() => {
        const x = batchTensor(images, batch);
        return opt.minimize(
          () => {
            const mse = tf.losses.meanSquaredError(x, reconstruct(encoder, decoder, x, true));
            return (wd > 0 ? mse.add(l2Penalty(vars, wd)) : mse) as tf.Scalar;
          },
          true,
          vars,
        )!;
      })));
}
