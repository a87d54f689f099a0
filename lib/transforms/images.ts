/**
 * Transform sets on plain `Images` (Float32 NHWC arrays) rather than tensors: for notebooks and
 * figures, which hold images as arrays and should not touch tfjs directly.
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import type { Images } from "../data/types.ts";
import { applyAll } from "./apply.ts";
import type { ApplyOptions, TransformSet } from "./types.ts";

/** Options for {@linkcode applyAllImages}. */
export type ApplyAllImagesOptions = ApplyOptions;

/**
 * Every transformation of `set` applied to every image, as `set.size * images.n` images in
 * order [t][image] (image t * n + i is T_t(x_i)), like {@linkcode applyAll}. `seed` fixes the
 * draw of stochastic sets. Throws RangeError when the images' size differs from the set's.
 * Needs an initialised tfjs backend; no tensors are left behind.
 */
export function applyAllImages(
  set: TransformSet,
  images: Images,
  options: ApplyAllImagesOptions = {},
): Images {
  const { n, height, width, channels } = images;
  if (height !== set.height || width !== set.width) {
    throw new RangeError(
      `Cannot apply transform set '${set.name}': images are ${height}x${width}, ` +
        `the set expects ${set.height}x${set.width}`,
    );
  }
  if (images.data.length !== n * height * width * channels) {
    throw new RangeError(
      `Cannot apply transform set '${set.name}': ${images.data.length} values for ` +
        `${n}x${height}x${width}x${channels} images`,
    );
  }
  if (n === 0) return { data: new Float32Array(0), n: 0, height, width, channels };
  const input = tf.tensor4d(images.data, [n, height, width, channels]);
  try {
    const output = applyAll(set, input, options);
    try {
      const data = Float32Array.from(output.dataSync());
      return { data, n: set.size * n, height, width, channels };
    } finally {
      output.dispose();
    }
  } finally {
    input.dispose();
  }
}
