/**
 * Inference on transformed images: the classifier's softmax for every (image, transformation)
 * pair, which GEOM's Dirichlet and simple scores consume. With a checkpoint it saves the
 * outputs done so far every few minutes and resumes after them, with the same result.
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import type { Images } from "../data/types.ts";
import { oneLine } from "../util/errors.ts";
import { fmtAgo, Progress } from "../util/progress.ts";
import { Rng } from "../util/rng.ts";
import { checkImages, checkModel } from "./check.ts";
import { gatherPairs } from "./pairs.ts";
import type { TransformApplier } from "./trainer.ts";

/** What a prediction run is: a checkpoint made by another is not resumed. */
export interface PredictRun {
  n: number;
  height: number;
  width: number;
  channels: number;
  nTransforms: number;
  batchSize: number;
  seed: number;
  /** Values per pair when not the T softmax outputs (GOAD's features, the heads); else absent. */
  outputWidth?: number;
}

/** Where a prediction keeps its outputs so far (e.g. {@linkcode RunCheckpoint.predictor}). */
export interface PredictCheckpoint {
  /** Seconds between saves (the finished outputs are saved too). */
  intervalSeconds: number;
  /**
   * Copies the saved outputs of pairs [0, done) into `out` and returns `done`, the RNG state
   * after them and when they were saved; undefined when nothing usable is saved for `run`.
   */
  load(
    out: Float32Array,
    run: PredictRun,
  ): Promise<{ done: number; rng: number; savedAt: number } | undefined>;
  /** Saves the outputs of pairs [start, end) (`out` holds them) and the RNG state after them. */
  save(out: Float32Array, start: number, end: number, rng: number, run: PredictRun): Promise<void>;
  /** One-line messages. */
  log(line: string): void;
}

/** Options for {@linkcode predictTransformed}. */
export interface PredictTransformedOptions {
  /** The transformations to apply (T = size; the model must output T classes). */
  transforms: TransformApplier;
  /** Pairs per forward pass (default 512). */
  batchSize?: number;
  /** Seed for stochastic transformations (default 0). */
  seed?: number;
  /** Silence the progress bar. */
  quiet?: boolean;
  /** Receives progress lines instead of stderr. */
  onProgress?: (line: string, final: boolean) => void;
  /** Progress label (default "predict"). */
  label?: string;
  /**
   * What to keep per pair instead of the model's softmax (GOAD's features, the multi-head
   * network's heads): a [m, outputWidth] tensor from the model and the transformed batch,
   * computed in inference mode. Requires `outputWidth`.
   */
  forward?: (model: tf.LayersModel, xt: tf.Tensor4D) => tf.Tensor;
  /** Values per pair that `forward` returns. */
  outputWidth?: number;
  /** Save outputs every few minutes; resume after the saved ones. */
  checkpoint?: PredictCheckpoint;
  /** Seconds of the run's work after this phase at a given rate (progress line's run ETA). */
  later?: (rate: number) => { seconds: number; guess?: boolean };
}

/**
 * Runs `model` (inference mode) on every image of `images` under every transformation.
 * Returns softmax probabilities shaped [n, T, T] (row-major): entry
 * `((i * T) + t) * T + k` is the probability of class k for image i under transformation t
 * (with `forward`: [n, T, outputWidth], what it returns for each pair).
 * Batches run over the n * T pairs in order, so every batch is full except the last.
 */
export async function predictTransformed(
  model: tf.LayersModel,
  images: Images,
  options: PredictTransformedOptions,
): Promise<Float32Array> {
  const { transforms } = options;
  checkImages(images, "predict");
  const T = transforms.size;
  if (!Number.isInteger(T) || T < 1) {
    throw new RangeError(
      `Cannot predict: number of transformations ${T} is not a positive integer`,
    );
  }
  const forward = options.forward;
  if (forward && !(Number.isInteger(options.outputWidth) && options.outputWidth! >= 1)) {
    throw new RangeError(`Cannot predict: a custom forward pass needs a positive outputWidth`);
  }
  checkModel(model, { action: "predict", images, nTransforms: T, outputs: !forward });
  const outWidth = forward ? options.outputWidth! : T;
  const batchSize = options.batchSize ?? 512;
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new RangeError(`Cannot predict: batchSize ${batchSize} is not a positive integer`);
  }
  const { height, width, channels } = images;
  const total = images.n * T;
  const out = new Float32Array(total * outWidth);
  const seed = options.seed ?? 0;
  const rng = new Rng(seed);
  const run: PredictRun = {
    n: images.n,
    height,
    width,
    channels,
    nTransforms: T,
    batchSize,
    seed,
    ...(forward ? { outputWidth: outWidth } : {}),
  };
  const ck = options.checkpoint;
  const label = options.label ?? "predict";
  let start = 0;
  const saved = ck ? await ck.load(out, run) : undefined;
  if (saved) {
    if (saved.done > total || (saved.done % batchSize !== 0 && saved.done !== total)) {
      ck!.log(
        `checkpoint: ignoring the ${label} checkpoint: ${saved.done} pairs is not a batch end`,
      );
    } else {
      start = saved.done;
      rng.state = saved.rng;
      ck!.log(
        `checkpoint: ${label}: resuming at pair ${start}/${total} (saved ${fmtAgo(saved.savedAt)})`,
      );
    }
  }
  const progress = new Progress(label, total, {
    unit: "img",
    quiet: options.quiet,
    write: options.onProgress,
    initial: start,
    windowSeconds: 300,
    later: options.later,
  });
  let savedTo = start, lastSave = performance.now();
  const save = async (end: number) => {
    try {
      await ck!.save(out, savedTo, end, rng.state, run);
      savedTo = end;
    } catch (err) {
      ck!.log(`checkpoint: could not save ${label} outputs (${oneLine(err)}); going on`);
    }
    lastSave = performance.now();
  };
  const pairs = new Int32Array(batchSize);
  for (let p0 = start; p0 < total; p0 += batchSize) {
    const m = Math.min(batchSize, total - p0);
    for (let j = 0; j < m; j++) pairs[j] = p0 + j;
    const batch = gatherPairs(images, pairs.subarray(0, m), { nTransforms: T });
    const seed = 1 + rng.int(2147483646);
    const probs = tf.tidy(() => {
      const x = tf.tensor4d(batch.data, [m, height, width, channels]);
      const xt = transforms.apply(x, batch.t, { seed });
      return forward ? forward(model, xt) : model.apply(xt, { training: false }) as tf.Tensor;
    });
    try {
      out.set(await probs.data() as Float32Array, p0 * outWidth);
    } finally {
      probs.dispose();
    }
    progress.tick(m);
    const end = p0 + m;
    if (ck && (end === total || performance.now() - lastSave >= ck.intervalSeconds * 1000)) {
      if (end > savedTo) await save(end);
    }
  }
  progress.finish();
  return out;
}
