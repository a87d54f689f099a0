/**
 * Argument checks shared by training and inference on transformed images.
 * @module
 */
import type * as tf from "@tensorflow/tfjs";
import type { Images } from "../data/types.ts";

/** Throws RangeError unless `images` is a consistent, non-empty `Images` record. */
export function checkImages(images: Images, action: string): void {
  const { n, height, width, channels, data } = images;
  const dims: Array<[string, number]> = [
    ["n", n],
    ["height", height],
    ["width", width],
    ["channels", channels],
  ];
  for (const [k, v] of dims) {
    if (!Number.isInteger(v) || v < 1) {
      throw new RangeError(`Cannot ${action}: images.${k} is ${v}`);
    }
  }
  if (data.length !== n * height * width * channels) {
    throw new RangeError(
      `Cannot ${action}: images.data has ${data.length} values, not ${n}x${height}x${width}x${channels}`,
    );
  }
}

/** Options for {@linkcode checkModel}. */
export interface CheckModelOptions {
  /** What the caller was doing, for the message ("train", "predict"). */
  action: string;
  /** The images the model will see. */
  images: Images;
  /** Number of transformations = classes. */
  nTransforms: number;
  /**
   * Check the output too (default true); false when a custom loss or forward pass owns the
   * model's outputs (GOAD's features, the multi-head network's heads).
   */
  outputs?: boolean;
}

/**
 * Throws RangeError unless `model` takes `images`-shaped input and outputs one probability
 * per transformation (`nTransforms` classes).
 */
export function checkModel(model: tf.LayersModel, options: CheckModelOptions): void {
  const { action, images, nTransforms } = options;
  const outputs = options.outputs ?? true;
  if (model.inputs.length !== 1 || (outputs && model.outputs.length !== 1)) {
    throw new RangeError(`Cannot ${action}: the model must have one input and one output`);
  }
  const [, h, w, c] = model.inputs[0]!.shape;
  if (h !== images.height || w !== images.width || c !== images.channels) {
    throw new RangeError(
      `Cannot ${action}: the model takes ${h}x${w}x${c} images, not ` +
        `${images.height}x${images.width}x${images.channels}`,
    );
  }
  if (!outputs) return;
  const out = model.outputs[0]!.shape;
  if (out.length !== 2 || out[1] !== nTransforms) {
    throw new RangeError(
      `Cannot ${action}: the model outputs shape [${
        out.map((d) => d ?? "batch").join(", ")
      }], not [batch, ${nTransforms}]`,
    );
  }
}
