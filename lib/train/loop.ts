/**
 * The one training loop ({@linkcode runEpochs}: per-step loss reading, the non-finite loss check,
 * per-epoch loss history, the progress bar), used by GEOM's family (trainer.ts, with checkpoints)
 * and by the deep baselines through {@linkcode trainLoop}: seeded batches (shuffled passes over the data, or
 * a fixed number of batches drawn without replacement per epoch as the official ADGAN code
 * does), a progress bar, per-epoch mean losses, and a RunError naming the method, epoch and
 * step as soon as any loss is NaN or infinite.
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import type { Images } from "../data/types.ts";
import { imageSize } from "../data/types.ts";
import { RunError } from "../util/errors.ts";
import { Progress } from "../util/progress.ts";
import { Rng } from "../util/rng.ts";

/** Where a step is. */
export interface StepInfo {
  /** 1-based epoch. */
  epoch: number;
  /** 1-based step within the epoch. */
  step: number;
  /** Seeded generator for the step's own random choices (noise, extra batches). */
  rng: Rng;
}

/** What one step returns: one scalar loss or several named ones (the first is the main one). */
export type StepLosses = tf.Scalar | Record<string, tf.Scalar>;

/** Options of {@linkcode trainLoop}. */
export interface TrainLoopOptions {
  /** Method name for messages and the progress bar, e.g. `DSEBM`. */
  method: string;
  /** Number of training images. */
  n: number;
  epochs: number;
  batchSize: number;
  /**
   * Batches per epoch, each drawn at random without replacement (ADGAN). Default: one shuffled
   * pass over the data per epoch, the last batch partial.
   */
  stepsPerEpoch?: number;
  /** Seed of the batch order and of every step's `rng`. */
  seed: number;
  quiet?: boolean;
  onProgress?: (line: string, final: boolean) => void;
  /** Called at the start of each epoch (e.g. a learning-rate milestone). */
  onEpochStart?: (epoch: number) => void;
}

/** What a training loop did. */
export interface LoopRecord {
  epochs: number;
  steps: number;
  batchSize: number;
  /** Mean of each named loss over each epoch (weighted by batch size). */
  lossHistory: Record<string, number[]>;
  /** Mean of each named loss over the last epoch. */
  finalLoss: Record<string, number>;
  seconds: number;
  /** Training images per second (batch indices handed to `step`). */
  imagesPerSecond: number;
}

/**
 * The error of a NaN or infinite loss, the same for every trainer (this loop and GEOM's
 * trainer.ts): `Cannot train <method>: <loss> is NaN at epoch E step S`.
 */
export function lossError(
  method: string | undefined,
  loss: string,
  value: number,
  epoch: number,
  step: number,
): RunError {
  const who = method ? ` ${method}` : "";
  return new RunError(`Cannot train${who}: ${loss} is ${value} at epoch ${epoch} step ${step}`);
}

/** Draws `m` distinct indices in [0, n) (a partial Fisher-Yates shuffle). */
export function sampleWithoutReplacement(n: number, m: number, rng: Rng): Int32Array {
  const take = Math.min(m, n);
  const pool = new Int32Array(n);
  for (let i = 0; i < n; i++) pool[i] = i;
  for (let i = 0; i < take; i++) {
    const j = i + rng.int(n - i);
    const t = pool[i]!;
    pool[i] = pool[j]!;
    pool[j] = t;
  }
  return pool.slice(0, take);
}

/** The images at `indices` as one NHWC tensor. */
export function batchTensor(images: Images, indices: ArrayLike<number>): tf.Tensor4D {
  const size = imageSize(images);
  const data = new Float32Array(indices.length * size);
  for (let i = 0; i < indices.length; i++) {
    const j = indices[i]!;
    data.set(images.data.subarray(j * size, (j + 1) * size), i * size);
  }
  return tf.tensor4d(data, [indices.length, images.height, images.width, images.channels]);
}

/**
 * Where a run of {@linkcode runEpochs} stands: what a checkpoint saves and a resume starts from.
 */
export interface LoopPosition {
  /** Epochs finished. */
  epochsDone: number;
  /** Steps done in the epoch after them (0 at an epoch boundary). */
  step: number;
  /** Steps taken in all. */
  steps: number;
  /** Sums of each named loss times its batch size over the unfinished epoch so far. */
  sums: Record<string, number>;
  /** Images (or pairs) of the unfinished epoch so far. */
  seen: number;
  /** Mean of each named loss over each finished epoch (weighted by batch size). */
  history: Record<string, number[]>;
}

/** Options of {@linkcode runEpochs}. */
export interface RunEpochsOptions {
  /** Method name for the message of a non-finite loss, e.g. `GEOM` (may be absent). */
  method?: string;
  epochs: number;
  stepsPerEpoch: number;
  /** Where to start (a resumed run); default: the beginning. Its arrays are extended in place. */
  start?: LoopPosition;
  /** The progress bar each step ticks. */
  progress: Progress;
  /** Progress units of a batch of `m` (default 1: steps). */
  units?: (m: number) => number;
  /** How the running mean of the first loss reads in the progress line (default 4 digits). */
  format?: (mean: number) => string;
  /**
   * Called at the start of each epoch (1-based; `resumeStep` > 0 for an epoch resumed after
   * that many steps): draws the epoch's order and returns the batch (indices) of step s.
   */
  epochStart(epoch: number, resumeStep: number): (s: number) => Int32Array;
  /** One optimiser step on `batch`; its loss tensor(s), which the loop reads and disposes. */
  step(batch: Int32Array, at: { epoch: number; step: number }): StepLosses | Promise<StepLosses>;
  /** After every step (e.g. a checkpoint save within the epoch). */
  afterStep?(position: LoopPosition): void | Promise<void>;
  /** After every epoch, its mean losses in `history` (e.g. a save, an epoch callback). */
  afterEpoch?(position: LoopPosition): void | Promise<void>;
}

/**
 * The one training loop (GEOM's family through trainer.ts, the deep baselines through
 * {@linkcode trainLoop}): epochs of `stepsPerEpoch` steps from an optional resume position; each
 * step's losses are read, checked (a non-finite one is a RunError naming the method, epoch and
 * step), summed weighted by batch size into per-epoch means, and shown on the progress bar.
 * Randomness is the caller's: `epochStart` and `step` draw from their own generator, in the order
 * they are called (the epoch's start, then each step's batch, then the step).
 * @returns the position at the end and the images (or pairs) trained on in this call.
 */
export async function runEpochs(
  o: RunEpochsOptions,
): Promise<{ position: LoopPosition; images: number }> {
  const history = o.start?.history ?? {};
  const first = (o.start?.epochsDone ?? 0) + 1;
  const format = o.format ?? ((v: number) => v.toPrecision(4));
  let steps = o.start?.steps ?? 0, images = 0;
  for (let epoch = first; epoch <= o.epochs; epoch++) {
    const resumeStep = epoch === first ? o.start?.step ?? 0 : 0;
    const batchOf = o.epochStart(epoch, resumeStep);
    const sums: Record<string, number> = resumeStep > 0 ? { ...o.start!.sums } : {};
    let seen = resumeStep > 0 ? o.start!.seen : 0;
    for (let s = resumeStep + 1; s <= o.stepsPerEpoch; s++) {
      const batch = batchOf(s);
      const out = await o.step(batch, { epoch, step: s });
      const named = out instanceof tf.Tensor ? { loss: out } : out;
      const values: Record<string, number> = {};
      for (const [k, t] of Object.entries(named)) {
        values[k] = (await t.data())[0]!;
        t.dispose();
      }
      steps++;
      for (const [k, v] of Object.entries(values)) {
        if (!Number.isFinite(v)) throw lossError(o.method, k, v, epoch, s);
        sums[k] = (sums[k] ?? 0) + v * batch.length;
      }
      seen += batch.length;
      images += batch.length;
      const main = Object.keys(values)[0];
      o.progress.tick(o.units ? o.units(batch.length) : 1, {
        epoch: `${epoch}/${o.epochs}`,
        ...(main ? { [main]: format(sums[main]! / seen) } : {}),
      });
      await o.afterStep?.({ epochsDone: epoch - 1, step: s, steps, sums, seen, history });
    }
    for (const [k, v] of Object.entries(sums)) (history[k] ??= []).push(v / seen);
    await o.afterEpoch?.({ epochsDone: epoch, step: 0, steps, sums: {}, seen: 0, history });
  }
  const position = { epochsDone: o.epochs, step: 0, steps, sums: {}, seen: 0, history };
  return { position, images };
}

/**
 * Runs `step` over seeded batches for `epochs` epochs (through {@linkcode runEpochs}). `step`
 * receives the batch's image indices and returns its loss tensor(s), which the loop reads,
 * checks and disposes.
 * @throws {RunError} `Cannot train <method>: <loss> is NaN at epoch E step S` on a non-finite
 *   loss.
 */
export async function trainLoop(
  options: TrainLoopOptions,
  step: (batch: Int32Array, info: StepInfo) => StepLosses | Promise<StepLosses>,
): Promise<LoopRecord> {
  const { method, n, epochs, batchSize } = options;
  const perEpoch = options.stepsPerEpoch ?? Math.ceil(n / batchSize);
  const rng = new Rng(options.seed);
  const progress = new Progress(`${method} train`, epochs * perEpoch, {
    unit: "step",
    quiet: options.quiet,
    write: options.onProgress,
  });
  const start = performance.now();
  const { position, images } = await runEpochs({
    method,
    epochs,
    stepsPerEpoch: perEpoch,
    progress,
    epochStart: (epoch) => {
      options.onEpochStart?.(epoch);
      const order = options.stepsPerEpoch === undefined ? rng.permutation(n) : undefined;
      return (s) =>
        order
          ? order.subarray((s - 1) * batchSize, s * batchSize)
          : sampleWithoutReplacement(n, batchSize, rng);
    },
    step: (batch, at) => step(batch, { ...at, rng: new Rng(rng.seed()) }),
  });
  const seconds = (performance.now() - start) / 1000;
  progress.finish();
  const { history, steps } = position;
  const finalLoss: Record<string, number> = {};
  for (const [k, v] of Object.entries(history)) finalLoss[k] = v[v.length - 1]!;
  return {
    epochs,
    steps,
    batchSize,
    lossHistory: history,
    finalLoss,
    seconds,
    imagesPerSecond: seconds > 0 ? images / seconds : 0,
  };
}

/** Options of {@linkcode mapBatches}. */
export interface MapBatchesOptions {
  /** Images per forward pass. */
  batchSize: number;
  /** Values `fn` returns per image (its output is reshaped to [batch, width]). */
  width: number;
}

/**
 * Runs `fn` over `images` in batches (inside `tf.tidy`) and concatenates its per-image outputs
 * into one Float32Array of n * width values.
 */
export async function mapBatches(
  images: Images,
  options: MapBatchesOptions,
  fn: (x: tf.Tensor4D) => tf.Tensor,
): Promise<Float32Array> {
  const { batchSize, width } = options;
  const out = new Float32Array(images.n * width);
  for (let b = 0; b < images.n; b += batchSize) {
    const m = Math.min(batchSize, images.n - b);
    const idx = Int32Array.from({ length: m }, (_, i) => b + i);
    const y = tf.tidy(() => fn(batchTensor(images, idx)).reshape([m * width]));
    out.set(await y.data() as Float32Array, b * width);
    y.dispose();
  }
  return out;
}
