/**
 * GEOM's self-supervised training: a classifier learns which of T transformations was applied
 * to an image. Every epoch shuffles all n * T (image, transformation) pairs with the seeded
 * `Rng`; each batch gathers its images and transforms them on the fly (never a T-fold copy).
 * Adam on categorical cross-entropy plus the model's L2 regularisation terms.
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import type { Images } from "../data/types.ts";
import type { TransformSet } from "../transforms/types.ts";
import { RunError } from "../util/errors.ts";
import { Progress } from "../util/progress.ts";
import { Rng } from "../util/rng.ts";
import { checkImages, checkModel } from "./check.ts";
import { categoricalCrossEntropy } from "./loss.ts";
import { gatherPairs } from "./pairs.ts";

/** The part of a transform set training needs. */
export type TransformApplier = Pick<TransformSet, "size" | "apply">;

/** What {@linkcode TrainOptions.onEpochEnd} receives. */
export interface EpochInfo {
  /** Epoch just finished, 1-based. */
  epoch: number;
  /** Mean training loss over the epoch (cross-entropy + L2). */
  loss: number;
  /** Steps taken so far. */
  steps: number;
}

/** Options for {@linkcode trainTransformClassifier}. */
export interface TrainOptions {
  /** The transformations whose index is the label. */
  transforms: TransformApplier;
  /** Passes over all n * T pairs. */
  epochs: number;
  /** Pairs per step (default 128). */
  batchSize?: number;
  /** Adam learning rate (default 1e-3). */
  lr?: number;
  /** Adam beta1, beta2 (default 0.9, 0.999). */
  betas?: readonly [number, number];
  /** Adam epsilon (default 1e-7, Keras 2's default). */
  epsilon?: number;
  /** Seed for shuffling and for stochastic transformations (default 0). */
  seed?: number;
  /** Silence the progress bar. */
  quiet?: boolean;
  /** Receives progress lines instead of stderr. */
  onProgress?: (line: string, final: boolean) => void;
  /** Called after every epoch. */
  onEpochEnd?: (info: EpochInfo) => void;
}

/** What a training run did. */
export interface TrainRecord {
  epochs: number;
  /** Optimiser steps in total. */
  steps: number;
  /** Pairs per epoch, n * T. */
  samplesPerEpoch: number;
  batchSize: number;
  /** Mean loss of the last epoch (cross-entropy + L2). */
  finalLoss: number;
  /** Mean loss of every epoch. */
  lossHistory: number[];
  /** Wall-clock seconds of the whole run. */
  seconds: number;
  /** Transformed images trained on per second. */
  imagesPerSecond: number;
}

function positiveInt(name: string, v: number): number {
  if (!Number.isInteger(v) || v < 1) {
    throw new RangeError(`Cannot train: ${name} ${v} is not a positive integer`);
  }
  return v;
}

function positive(name: string, v: number): number {
  if (!(Number.isFinite(v) && v > 0)) throw new RangeError(`Cannot train: ${name} ${v} is not > 0`);
  return v;
}

/**
 * Trains `model` (softmax over T classes) to recognise which transformation of
 * `options.transforms` was applied to each image of `images`. Updates the model's weights in
 * place and returns a record of the run. Throws RunError naming the epoch and step if the loss
 * becomes NaN or infinite. Leaves no tensors behind (the optimiser is disposed at the end).
 */
export async function trainTransformClassifier(
  model: tf.LayersModel,
  images: Images,
  options: TrainOptions,
): Promise<TrainRecord> {
  const { transforms } = options;
  checkImages(images, "train");
  const T = positiveInt("number of transformations", transforms.size);
  checkModel(model, { action: "train", images, nTransforms: T });
  const epochs = positiveInt("epochs", options.epochs);
  const batchSize = positiveInt("batchSize", options.batchSize ?? 128);
  const lr = positive("lr", options.lr ?? 1e-3);
  const [beta1, beta2] = options.betas ?? [0.9, 0.999];
  const eps = positive("epsilon", options.epsilon ?? 1e-7);
  for (const [k, b] of [["beta1", beta1], ["beta2", beta2]] as const) {
    if (!(b >= 0 && b < 1)) throw new RangeError(`Cannot train: ${k} ${b} is not in [0, 1)`);
  }
  const { height, width, channels } = images;
  const total = images.n * T;
  const rng = new Rng(options.seed ?? 0);
  const progress = new Progress("train", epochs * total, {
    unit: "img",
    quiet: options.quiet,
    write: options.onProgress,
  });
  const optimizer = tf.train.adam(lr, beta1, beta2, eps);
  const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const lossHistory: number[] = [];
  const start = performance.now();
  let steps = 0;
  try {
    for (let epoch = 1; epoch <= epochs; epoch++) {
      const order = rng.permutation(total);
      let sum = 0;
      let step = 0;
      for (let b = 0; b < total; b += batchSize) {
        step++;
        const batch = gatherPairs(images, order.subarray(b, b + batchSize), { nTransforms: T });
        const seed = 1 + rng.int(2147483646);
        const cost = tf.tidy(() => {
          const x = tf.tensor4d(batch.data, [batch.m, height, width, channels]);
          const xt = transforms.apply(x, batch.t, { seed });
          const y = tf.oneHot(tf.tensor1d(batch.t, "int32"), T);
          return optimizer.minimize(
            () => {
              const probs = model.apply(xt, { training: true }) as tf.Tensor;
              const terms = [categoricalCrossEntropy(y, probs), ...model.calculateLosses()];
              return (terms.length === 1 ? terms[0]! : tf.addN(terms)) as tf.Scalar;
            },
            true,
            vars,
          )!;
        });
        const loss = (await cost.data())[0]!;
        cost.dispose();
        steps++;
        if (!Number.isFinite(loss)) {
          throw new RunError(`Cannot train: loss is ${loss} at epoch ${epoch} step ${step}`);
        }
        sum += loss * batch.m;
        progress.tick(batch.m, {
          epoch: `${epoch}/${epochs}`,
          loss: (sum / (b + batch.m)).toFixed(4),
        });
      }
      const epochLoss = sum / total;
      lossHistory.push(epochLoss);
      options.onEpochEnd?.({ epoch, loss: epochLoss, steps });
    }
  } finally {
    optimizer.dispose();
  }
  const seconds = (performance.now() - start) / 1000;
  progress.finish();
  return {
    epochs,
    steps,
    samplesPerEpoch: total,
    batchSize,
    finalLoss: lossHistory[lossHistory.length - 1]!,
    lossHistory,
    seconds,
    imagesPerSecond: seconds > 0 ? (epochs * total) / seconds : 0,
  };
}
