/**
 * Shared data records: raw image sets as read from disk, and preprocessed float images.
 * @module
 */

/** Raw images as stored by a dataset (uint8, NHWC) with integer labels. */
export interface RawImageSet {
  /** Pixels, NHWC, length n*height*width*channels. */
  images: Uint8Array;
  /** One label per image. */
  labels: Uint8Array;
  n: number;
  height: number;
  width: number;
  channels: number;
}

/**
 * Preprocessed float images (NHWC), the input every detector takes.
 * For the paper's protocol the values lie in [-1, 1].
 */
export interface Images {
  /** Pixels, NHWC, length n*height*width*channels. */
  data: Float32Array;
  n: number;
  height: number;
  width: number;
  channels: number;
}

/** The number of values per image. */
export function imageSize(x: Pick<Images, "height" | "width" | "channels">): number {
  return x.height * x.width * x.channels;
}

/** A new `Images` holding the images at `indices` (copied). */
export function takeImages(x: Images, indices: ArrayLike<number>): Images {
  const size = imageSize(x);
  const data = new Float32Array(indices.length * size);
  for (let i = 0; i < indices.length; i++) {
    const j = indices[i]!;
    if (j < 0 || j >= x.n) throw new RangeError(`Cannot take image ${j}: set has ${x.n}`);
    data.set(x.data.subarray(j * size, (j + 1) * size), i * size);
  }
  return { data, n: indices.length, height: x.height, width: x.width, channels: x.channels };
}

/** A raw image set with the extra CIFAR-100 fine labels (`labels` holds the coarse ones). */
export interface LabeledImageSet extends RawImageSet {
  /** CIFAR-100 only: the fine (100-class) label of each image. */
  fineLabels?: Uint8Array;
}
