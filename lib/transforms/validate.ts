/**
 * Argument checks shared by every transform set.
 * @module
 */
import type * as tf from "@tensorflow/tfjs";
import type { ApplyOptions, ImageShape, TransformSet } from "./types.ts";

/** Throws RangeError unless `shape` is a positive integer image size. */
export function checkShape(name: string, shape: ImageShape): void {
  const { height, width } = shape;
  if (!Number.isInteger(height) || !Number.isInteger(width) || height < 1 || width < 1) {
    throw new RangeError(`Cannot build ${name}: image size ${height}x${width} is not valid`);
  }
}

/**
 * Checks a batch against a set: rank-4 input of the set's image size, one index per image,
 * every index an integer in [0, size), and a seed for stochastic sets.
 */
export function checkBatch(
  set: TransformSet,
  x: tf.Tensor4D,
  t: ArrayLike<number>,
  options: ApplyOptions = {},
): void {
  const name = set.name;
  if (x.rank !== 4) throw new RangeError(`Cannot apply ${name}: input has rank ${x.rank}, not 4`);
  const [n, h, w] = x.shape;
  if (h !== set.height || w !== set.width) {
    throw new RangeError(
      `Cannot apply ${name}: images are ${h}x${w} but the set was built for ${set.height}x${set.width}`,
    );
  }
  if (t.length !== n) {
    throw new RangeError(`Cannot apply ${name}: ${t.length} transform indices for ${n} images`);
  }
  for (let i = 0; i < t.length; i++) {
    const v = t[i]!;
    if (!Number.isInteger(v) || v < 0 || v >= set.size) {
      throw new RangeError(
        `Cannot apply ${name}: transform index ${v} at position ${i} is outside [0, ${set.size})`,
      );
    }
  }
  if (x.dtype !== "float32") {
    throw new TypeError(`Cannot apply ${name}: input dtype is ${x.dtype}, not float32`);
  }
  if (set.stochastic && (options.seed === undefined || !Number.isFinite(options.seed))) {
    throw new TypeError(`Cannot apply ${name}: the set is random and options.seed is missing`);
  }
}
