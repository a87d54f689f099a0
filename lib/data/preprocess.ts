/**
 * The paper's preprocessing: pixels scaled by 2*(x/255)-1 to [-1, 1]; images smaller than
 * the network input (28x28 MNIST / Fashion-MNIST) zero-padded to 32x32 BEFORE scaling, so
 * the border is -1.
 * @module
 */
import type { Images, RawImageSet } from "./types.ts";

/** The scaled value of every byte: 2*(x/255)-1 in float32. */
const LUT = Float32Array.from({ length: 256 }, (_, x) => 2 * (x / 255) - 1);

/** Options for {@linkcode toImages}. */
export interface ToImagesOptions {
  /** Pad (centred) to this square size; the pad value is 0 before scaling, -1 after. */
  padTo?: number;
}

/**
 * Scales (and optionally pads) the images at `indices` (default: all) into float NHWC.
 * @throws {RangeError} when `padTo` is smaller than the images or the padding is uneven.
 */
export function toImages(
  raw: RawImageSet,
  indices?: ArrayLike<number>,
  options: ToImagesOptions = {},
): Images {
  const { height: h, width: w, channels: c } = raw;
  const size = options.padTo ?? Math.max(h, w);
  const outH = options.padTo ?? h, outW = options.padTo ?? w;
  if (outH < h || outW < w || (outH - h) % 2 !== 0 || (outW - w) % 2 !== 0) {
    throw new RangeError(`Cannot pad ${h}x${w} images to ${size}x${size}: needs an even margin`);
  }
  const top = (outH - h) / 2, left = (outW - w) / 2;
  const n = indices ? indices.length : raw.n;
  const inSize = h * w * c, outSize = outH * outW * c, rowIn = w * c;
  const data = new Float32Array(n * outSize);
  if (outSize !== inSize) data.fill(LUT[0]!);
  const pixels = raw.images, lut = LUT;
  for (let k = 0; k < n; k++) {
    const i = indices ? indices[k]! : k;
    if (i < 0 || i >= raw.n) throw new RangeError(`Cannot take image ${i}: set has ${raw.n}`);
    for (let y = 0; y < h; y++) {
      const o = k * outSize + ((y + top) * outW + left) * c;
      const s = i * inSize + y * rowIn;
      for (let x = 0; x < rowIn; x++) data[o + x] = lut[pixels[s + x]!]!;
    }
  }
  return { data, n, height: outH, width: outW, channels: c };
}
