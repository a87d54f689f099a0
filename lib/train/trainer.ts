/**
 * GEOM's self-supervised training: a classifier learns which of T transformations was applied
 * to an image. Every epoch shuffles all n * T (image, transformation) pairs with the seeded
 * `Rng`; each batch gathers its images and transforms them on the fly (never a T-fold copy).
 * Adam on categorical cross-entropy plus the model's L2 regularisation terms.
 *
 * With a checkpoint ({@linkcode TrainOptions.checkpoint}) it saves its whole state every few
 * minutes and at each epoch end, and starts by resuming from the last save: the resumed run
 * ends with the same weights, bit for bit, as one never interrupted.
 * @module
 */
import { isDeepStrictEqual } from "node:util";
import * as tf from "@tensorflow/tfjs";
import type { Images } from "../data/types.ts";
import type { TransformSet } from "../transforms/types.ts";
import { oneLine } from "../util/errors.ts";
import { fmtAgo, Progress } from "../util/progress.ts";
import { Rng } from "../util/rng.ts";
import { checkImages, checkModel } from "./check.ts";
import { type WeightDecayTerm, weightDecayTerms } from "../models/init.ts";
import { fusedAdam, type FusedAdamOptimizer } from "./fused_adam.ts";
import { categoricalCrossEntropy } from "./loss.ts";
import { runEpochs } from "./loop.ts";
import { gatherPairs } from "./pairs.ts";
import {
  captureTrainState,
  restoreMismatch,
  restoreTrainState,
  type TrainPosition,
  type TrainSnapshot,
} from "./train_state.ts";

/** Where a training run keeps its checkpoint (e.g. {@linkcode RunCheckpoint.trainer}). */
export interface TrainCheckpoint {
  /** Seconds between saves inside an epoch (every epoch end saves too). */
  intervalSeconds: number;
  /** The last save, or undefined (nothing saved, or a damaged file: say so through `log`). */
  load(): Promise<TrainSnapshot | undefined>;
  /** Saves atomically (a kill during the save leaves the previous one). */
  save(snapshot: TrainSnapshot): Promise<void>;
  /** One-line messages: the resume point, a checkpoint that cannot be used or saved. */
  log(line: string): void;
}

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

/**
 * A training loss other than cross-entropy on a softmax output (GOAD, the multi-head network):
 * the scalar to minimise from the model's outputs on a batch (one tensor per model output) and
 * the transformation index of every pair. Runs inside the trainer's `tf.tidy`.
 */
export interface TrainLoss {
  (outputs: tf.Tensor[], labels: tf.Tensor1D): tf.Scalar;
}

/** Options for {@linkcode trainTransformClassifier}. */
export interface TrainOptions {
  /** The transformations whose index is the label. */
  transforms: TransformApplier;
  /** Passes over all n * T pairs. */
  epochs: number;
  /**
   * The loss (default: cross-entropy of the one softmax output against the transformation).
   * With a custom loss the model's outputs are not checked; it must accept them.
   */
  loss?: TrainLoss;
  /** Add the model's own regularisation terms (its L2) to the loss (default true). */
  modelLosses?: boolean;
  /**
   * Add the model's L2 terms inside Adam's update where the optimiser can
   * (`FusedAdamOptimizer.minimizeWithWeightDecay`: cpu and native, models built with
   * `models/init.ts`'s `l2`) instead of through autograd (default true). Same bits either way;
   * false is for tests and comparisons.
   */
  fusedWeightDecay?: boolean;
  /**
   * Batches of whole images (GOAD): each epoch shuffles the images, not the pairs, and every
   * image brings all T of its pairs in transformation order, so a batch of `batchSize` (a
   * multiple of T) pairs holds batchSize / T images x all T transformations. Default false.
   */
  wholeImages?: boolean;
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
  /** The method trained, for the message of a NaN loss (e.g. `GEOM`). */
  method?: string;
  /** Silence the progress bar. */
  quiet?: boolean;
  /** Receives progress lines instead of stderr. */
  onProgress?: (line: string, final: boolean) => void;
  /** Called after every epoch. */
  onEpochEnd?: (info: EpochInfo) => void;
  /** Save state every few minutes and at epoch ends; resume from the last save. */
  checkpoint?: TrainCheckpoint;
  /**
   * Seconds of the run's work after training at a given training rate (pairs/s), for the
   * progress line's run ETA (e.g. scoring); `guess` when that speed is an estimate.
   */
  later?: (rate: number) => { seconds: number; guess?: boolean };
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
  /** Where this session resumed from a checkpoint (absent when it started fresh). */
  resumedFrom?: { epoch: number; step: number; pairs: number };
  /** Checkpoint saves of this session and their wall seconds (absent without a checkpoint). */
  checkpoints?: { saves: number; seconds: number };
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
  const run = checkedRun(model, images, options);
  const { nTransforms: T, epochs, batchSize } = run;
  const modelLosses = options.modelLosses ?? true;
  const { height, width, channels } = images;
  const total = images.n * T;
  const rng = new Rng(options.seed ?? 0);
  // tfjs's Adam, bit for bit, with the update fused into one loop per weight on cpu/native
  const optimizer = fusedAdam(run.lr, run.betas[0], run.betas[1], run.epsilon);
  const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const terms = modelLosses && (options.fusedWeightDecay ?? true)
    ? weightDecayTerms(model, vars)
    : undefined;
  const ck = options.checkpoint;
  let pos: TrainPosition = {
    epochsDone: 0,
    step: 0,
    steps: 0,
    rngEpoch: rng.state,
    rng: rng.state,
    lossSum: 0,
    lossHistory: [],
    seconds: 0,
  };
  let resumedFrom: TrainRecord["resumedFrom"];
  const saves = { saves: 0, seconds: 0 };
  const start = performance.now();
  let progress: Progress | undefined;
  try {
    const resumed = ck ? await resume(ck, model, optimizer, run, total) : undefined;
    if (resumed) {
      pos = resumed.pos;
      rng.state = pos.rng;
      resumedFrom = resumed.from;
    }
    const session0 = performance.now();
    let lastSave = session0;
    const save = async (p: Omit<TrainPosition, "seconds">) => {
      const t0 = performance.now();
      try {
        const seconds = pos.seconds + (t0 - session0) / 1000;
        await ck!.save(await captureTrainState(model, optimizer, { ...p, seconds }, run));
      } catch (err) {
        ck!.log(`checkpoint: could not save (${oneLine(err)}); training goes on`);
      }
      lastSave = performance.now();
      saves.saves++;
      saves.seconds += (lastSave - t0) / 1000;
    };
    progress = new Progress("train", epochs * total, {
      unit: "img",
      quiet: options.quiet,
      write: options.onProgress,
      initial: resumedFrom?.pairs ?? 0,
      windowSeconds: 300,
      later: options.later,
    });
    const stepsPerEpoch = Math.ceil(total / batchSize);
    let rngEpoch = rng.state;
    const { position } = await runEpochs({
      method: options.method,
      epochs,
      stepsPerEpoch,
      start: {
        epochsDone: pos.epochsDone,
        step: pos.step,
        steps: pos.steps,
        sums: pos.step > 0 ? { loss: pos.lossSum } : {},
        seen: Math.min(total, pos.step * batchSize),
        history: { loss: pos.lossHistory },
      },
      progress,
      units: (m) => m,
      format: (mean) => mean.toFixed(4),
      epochStart: (_epoch, resumeStep) => {
        rngEpoch = resumeStep > 0 ? pos.rngEpoch : rng.state;
        rng.state = rngEpoch;
        const order = run.wholeImages
          ? imageMajorOrder(rng.permutation(images.n), T)
          : rng.permutation(total);
        if (resumeStep > 0) rng.state = pos.rng; // the permutation and the batch seeds drawn
        return (s) => order.subarray((s - 1) * batchSize, s * batchSize);
      },
      step: (pairs) => {
        const batch = gatherPairs(images, pairs, { nTransforms: T });
        const seed = 1 + rng.int(2147483646);
        return tf.tidy(() => {
          const x = tf.tensor4d(batch.data, [batch.m, height, width, channels]);
          const xt = transforms.apply(x, batch.t, { seed });
          const labels = tf.tensor1d(batch.t, "int32");
          return adamStep(model, optimizer, vars, xt, labels, options.loss, modelLosses, T, terms);
        });
      },
      afterStep: async (p) => {
        const now = performance.now();
        if (ck && p.step < stepsPerEpoch && now - lastSave >= ck.intervalSeconds * 1000) {
          await save({
            epochsDone: p.epochsDone,
            step: p.step,
            steps: p.steps,
            rngEpoch,
            rng: rng.state,
            lossSum: p.sums.loss!,
            lossHistory: p.history.loss ?? [],
          });
        }
      },
      afterEpoch: async (p) => {
        const lossHistory = p.history.loss!;
        if (ck) {
          await save({
            epochsDone: p.epochsDone,
            step: 0,
            steps: p.steps,
            rngEpoch: rng.state,
            rng: rng.state,
            lossSum: 0,
            lossHistory,
          });
        }
        options.onEpochEnd?.({
          epoch: p.epochsDone,
          loss: lossHistory[lossHistory.length - 1]!,
          steps: p.steps,
        });
      },
    });
    pos = { ...pos, steps: position.steps, lossHistory: position.history.loss ?? [] };
  } finally {
    optimizer.dispose();
  }
  const sessionSeconds = (performance.now() - start) / 1000;
  const seconds = pos.seconds + sessionSeconds;
  const { lossHistory, steps } = pos;
  progress?.finish();
  return {
    epochs,
    steps,
    samplesPerEpoch: total,
    batchSize,
    finalLoss: lossHistory[lossHistory.length - 1]!,
    lossHistory,
    seconds,
    imagesPerSecond: seconds > 0 ? (epochs * total) / seconds : 0,
    ...(resumedFrom ? { resumedFrom } : {}),
    ...(ck ? { checkpoints: saves } : {}),
  };
}

/**
 * Restores the checkpoint's last save when it was made by this run (its settings, the model's
 * shapes, a possible position), saying so through `ck.log`; undefined when there is none or
 * it does not fit (training starts from the beginning).
 */
async function resume(
  ck: TrainCheckpoint,
  model: tf.LayersModel,
  optimizer: tf.AdamOptimizer,
  run: ReturnType<typeof checkedRun>,
  total: number,
): Promise<{ pos: TrainPosition; from: NonNullable<TrainRecord["resumedFrom"]> } | undefined> {
  const snap = await ck.load();
  if (!snap) return undefined;
  const { epochs, batchSize } = run;
  const why = runMismatch(snap, run) ?? restoreMismatch(model, snap) ??
    positionMismatch(snap, epochs, Math.ceil(total / batchSize));
  if (why) {
    ck.log(`checkpoint: ignoring the training checkpoint: ${why}; training from the start`);
    return undefined;
  }
  await restoreTrainState(model, optimizer, snap);
  const { weights: _w, optimizer: _o, savedAt: _s, run: _r, ...pos } = snap;
  const pairs = pos.epochsDone * total + Math.min(total, pos.step * batchSize);
  ck.log(
    pos.epochsDone === epochs
      ? `checkpoint: training finished in an earlier session (${epochs} epochs, ${pos.steps} ` +
        `steps, saved ${fmtAgo(snap.savedAt)}); restored its weights`
      : `checkpoint: resuming training from epoch ${pos.epochsDone + 1} step ${pos.step} ` +
        `(${pairs}/${epochs * total} pairs, saved ${fmtAgo(snap.savedAt)})`,
  );
  return { pos, from: { epoch: pos.epochsDone + 1, step: pos.step, pairs } };
}

/**
 * The run's checked settings: what a checkpoint must have been made by (besides the model's
 * shapes, checked on restore). Throws RangeError for bad images, model or options.
 */
function checkedRun(model: tf.LayersModel, images: Images, options: TrainOptions) {
  checkImages(images, "train");
  const T = positiveInt("number of transformations", options.transforms.size);
  checkModel(model, { action: "train", images, nTransforms: T, outputs: !options.loss });
  const epochs = positiveInt("epochs", options.epochs);
  const batchSize = positiveInt("batchSize", options.batchSize ?? 128);
  const wholeImages = options.wholeImages ?? false;
  if (wholeImages && batchSize % T !== 0) {
    throw new RangeError(
      `Cannot train: batchSize ${batchSize} is not a multiple of the ${T} transformations ` +
        `(batches of whole images)`,
    );
  }
  const modelLosses = options.modelLosses ?? true;
  const lr = positive("lr", options.lr ?? 1e-3);
  const [beta1, beta2] = options.betas ?? [0.9, 0.999];
  const eps = positive("epsilon", options.epsilon ?? 1e-7);
  for (const [k, b] of [["beta1", beta1], ["beta2", beta2]] as const) {
    if (!(b >= 0 && b < 1)) throw new RangeError(`Cannot train: ${k} ${b} is not in [0, 1)`);
  }
  return {
    n: images.n,
    height: images.height,
    width: images.width,
    channels: images.channels,
    nTransforms: T,
    epochs,
    batchSize,
    seed: options.seed ?? 0,
    lr,
    betas: [beta1, beta2] as [number, number],
    epsilon: eps,
    // Only when set, so checkpoints of the default schedule stay valid.
    ...(wholeImages ? { wholeImages } : {}),
    ...(modelLosses ? {} : { modelLosses }),
  };
}

/**
 * One Adam step on the loss (cross-entropy against the transformation by default) plus the
 * model's regularisation terms when `modelLosses`; the cost tensor. With `l2` (the model's terms,
 * from `weightDecayTerms`) on a backend where the optimiser fuses them, the terms go inside
 * Adam's update (the same bits as through autograd).
 */
function adamStep(
  model: tf.LayersModel,
  optimizer: FusedAdamOptimizer,
  vars: tf.Variable[],
  x: tf.Tensor,
  labels: tf.Tensor1D,
  loss: TrainLoss | undefined,
  modelLosses: boolean,
  T: number,
  l2?: readonly WeightDecayTerm[],
): tf.Scalar {
  const y = loss ? undefined : tf.oneHot(labels, T);
  const main = () => {
    const out = model.apply(x, { training: true }) as tf.Tensor | tf.Tensor[];
    return loss
      ? loss(Array.isArray(out) ? out : [out], labels)
      : categoricalCrossEntropy(y!, out as tf.Tensor);
  };
  if (modelLosses && l2 && optimizer.fusesWeightDecay()) {
    return optimizer.minimizeWithWeightDecay(main, l2, vars);
  }
  return optimizer.minimize(
    () => {
      const terms = [main(), ...(modelLosses ? model.calculateLosses() : [])];
      return (terms.length === 1 ? terms[0]! : tf.addN(terms)) as tf.Scalar;
    },
    true,
    vars,
  )!;
}

/** The pairs of the images in `imageOrder`, each image's T pairs together in order. */
export function imageMajorOrder(imageOrder: ArrayLike<number>, T: number): Int32Array {
  const out = new Int32Array(imageOrder.length * T);
  for (let j = 0; j < imageOrder.length; j++) {
    const base = imageOrder[j]! * T;
    for (let t = 0; t < T; t++) out[j * T + t] = base + t;
  }
  return out;
}

/** Why a snapshot was not made by this run (data size, schedule, hyperparameters). */
function runMismatch(snap: TrainSnapshot, run: Record<string, unknown>): string | undefined {
  for (const [k, v] of Object.entries(run)) {
    if (!isDeepStrictEqual(snap.run[k], v)) {
      return `it was made with ${k} ${JSON.stringify(snap.run[k])}, not ${JSON.stringify(v)}`;
    }
  }
  return undefined;
}

/** Why a snapshot's position is impossible for this schedule. */
function positionMismatch(
  snap: TrainSnapshot,
  epochs: number,
  stepsPerEpoch: number,
): string | undefined {
  const ok = Number.isInteger(snap.epochsDone) && snap.epochsDone >= 0 &&
    snap.epochsDone <= epochs && Number.isInteger(snap.step) && snap.step >= 0 &&
    snap.step < stepsPerEpoch && snap.lossHistory.length === snap.epochsDone &&
    (snap.epochsDone < epochs || snap.step === 0) &&
    snap.steps === snap.epochsDone * stepsPerEpoch + snap.step;
  return ok
    ? undefined
    : `its position (epoch ${snap.epochsDone + 1} step ${snap.step}) is damaged`;
}
