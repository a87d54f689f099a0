/**
 * Inference on transformed images: the classifier's softmax for every (image, transformation)
 * pair, which GEOM's Dirichlet and simple scores consume.
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import type { Images } from "../data/types.ts";
import { Progress } from "../util/progress.ts";
import { Rng } from "../util/rng.ts";
import { checkImages, checkModel } from "./check.ts";
import { gatherPairs } from "./pairs.ts";
import type { TransformApplier } from "./trainer.ts";

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
}

/**
 * Runs `model` (inference mode) on every image of `images` under every transformation.
 * Returns softmax probabilities shaped [n, T, T] (row-major): entry
 * `((i * T) + t) * T + k` is the probability of class k for image i under transformation t.
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
  checkModel(model, { action: "predict", images, nTransforms: T });
  const batchSize = options.batchSize ?? 512;
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new RangeError(`Cannot predict: batchSize ${batchSize} is not a positive integer`);
  }
  const { height, width, channels } = images;
  const total = images.n * T;
  const out = new Float32Array(total * T);
  const rng = new Rng(options.seed ?? 0);
  const progress = new Progress("predict", total, {
    unit: "img",
    quiet: options.quiet,
    write: options.onProgress,
  });
  const pairs = new Int32Array(batchSize);
  for (let p0 = 0; p0 < total; p0 += batchSize) {
    const m = Math.min(batchSize, total - p0);
    for (let j = 0; j < m; j++) pairs[j] = p0 + j;
    const batch = gatherPairs(images, pairs.subarray(0, m), { nTransforms: T });
    const seed = 1 + rng.int(2147483646);
    const probs = tf.tidy(() => {
      const x = tf.tensor4d(batch.data, [m, height, width, channels]);
      const xt = transforms.apply(x, batch.t, { seed });
      return model.apply(xt, { training: false }) as tf.Tensor;
    });
    try {
      out.set(await probs.data() as Float32Array, p0 * T);
    } finally {
      probs.dispose();
    }
    progress.tick(m);
  }
  progress.finish();
  return out;
}
