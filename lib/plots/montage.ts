/**
 * Image grids ("montages") as PNG bytes, encoded with sharp.
 * @module
 */
import type { Images } from "../data/types.ts";

/** Options for {@link toUint8} and {@link montage}. */
export interface PixelOptions {
  /** The float range that maps to 0..255 (default [-1, 1], the paper's preprocessing). */
  range?: [number, number];
}

/** Options for {@link montage}. */
export interface MontageOptions extends PixelOptions {
  /** Which images, in order (default: all). */
  indices?: ArrayLike<number>;
  /** Tiles per row (default: ceil(sqrt(count)), at most 16). */
  columns?: number;
  /** Integer nearest-neighbour upscaling per tile (default: smallest making tiles >= 64 px). */
  scale?: number;
  /** Pixels between tiles and around the grid (default 2). */
  padding?: number;
  /** Background grey level 0..255 between tiles (default 255, white). */
  background?: number;
}

/** Layout of a montage, as computed by {@link montageLayout}. */
export interface MontageLayout {
  columns: number;
  rows: number;
  scale: number;
  padding: number;
  /** Tile size after scaling. */
  tileWidth: number;
  tileHeight: number;
  /** Whole image size. */
  width: number;
  height: number;
}

/**
 * Float images to uint8 pixels (same NHWC layout): `range` maps linearly to 0..255,
 * values outside are clamped, NaN becomes 0.
 */
export function toUint8(images: Images, options: PixelOptions = {}): Uint8Array {
  const [lo, hi] = options.range ?? [-1, 1];
  if (!(hi > lo)) throw new RangeError(`Cannot convert pixels: range [${lo}, ${hi}] is empty`);
  const k = 255 / (hi - lo);
  const out = new Uint8Array(images.data.length);
  for (let i = 0; i < out.length; i++) {
    const v = Math.round((images.data[i]! - lo) * k);
    out[i] = v > 255 ? 255 : v > 0 ? v : 0; // NaN fails both tests: 0
  }
  return out;
}

/** The grid layout {@link montage} uses for `count` images. */
export function montageLayout(
  count: number,
  size: Pick<Images, "height" | "width">,
  options: MontageOptions = {},
): MontageLayout {
  const columns = options.columns ?? Math.min(16, Math.max(1, Math.ceil(Math.sqrt(count))));
  const scale = options.scale ??
    Math.max(1, Math.ceil(64 / Math.max(1, Math.min(size.height, size.width))));
  const padding = options.padding ?? 2;
  for (const [name, v, min] of [["columns", columns, 1], ["scale", scale, 1]] as const) {
    if (!Number.isInteger(v) || v < min) {
      throw new RangeError(
        `Cannot lay out montage: ${name} must be an integer >= ${min}, got ${v}`,
      );
    }
  }
  if (!Number.isInteger(padding) || padding < 0) {
    throw new RangeError(`Cannot lay out montage: padding must be an integer >= 0, got ${padding}`);
  }
  const rows = Math.max(1, Math.ceil(count / columns));
  const tileWidth = size.width * scale, tileHeight = size.height * scale;
  return {
    columns,
    rows,
    scale,
    padding,
    tileWidth,
    tileHeight,
    width: columns * tileWidth + (columns + 1) * padding,
    height: rows * tileHeight + (rows + 1) * padding,
  };
}

/**
 * The montage's raw pixels (height x width x channels, uint8) and its layout: tiles in row
 * order, each upscaled by pixel repetition (nearest neighbour). Throws RangeError for an index
 * outside the set or an empty selection.
 */
export function montagePixels(
  images: Images,
  options: MontageOptions = {},
): { pixels: Uint8Array; layout: MontageLayout } {
  const indices = options.indices ?? Array.from({ length: images.n }, (_, i) => i);
  if (indices.length === 0) throw new RangeError("Cannot build montage: no images selected");
  const layout = montageLayout(indices.length, images, options);
  const { scale, padding, tileWidth, tileHeight, width } = layout;
  const c = images.channels, h = images.height, w = images.width;
  const bytes = toUint8(images, options);
  const pixels = new Uint8Array(layout.width * layout.height * c).fill(options.background ?? 255);
  const rowBytes = w * scale * c;
  const line = new Uint8Array(rowBytes);
  for (let t = 0; t < indices.length; t++) {
    const j = indices[t]!;
    if (!Number.isInteger(j) || j < 0 || j >= images.n) {
      throw new RangeError(`Cannot build montage: image ${j} not in a set of ${images.n}`);
    }
    const x0 = padding + (t % layout.columns) * (tileWidth + padding);
    const y0 = padding + Math.floor(t / layout.columns) * (tileHeight + padding);
    for (let y = 0; y < h; y++) {
      const src = (j * h + y) * w * c;
      for (let x = 0; x < w; x++) {
        for (let s = 0; s < scale; s++) {
          line.set(bytes.subarray(src + x * c, src + x * c + c), (x * scale + s) * c);
        }
      }
      for (let s = 0; s < scale; s++) {
        pixels.set(line, ((y0 + y * scale + s) * width + x0) * c);
      }
    }
  }
  return { pixels, layout };
}

/**
 * A grid of images as PNG bytes (grey for 1 channel, RGB for 3), encoded by sharp (which
 * needs --allow-env --allow-ffi). Float pixels are mapped from `range` (default [-1, 1]);
 * tiles are upscaled by nearest neighbour so 32x32 images stay visible.
 * See {@link MontageOptions}.
 */
export async function montage(images: Images, options: MontageOptions = {}): Promise<Uint8Array> {
  if (images.channels !== 1 && images.channels !== 3) {
    throw new RangeError(`Cannot build montage: ${images.channels} channels (need 1 or 3)`);
  }
  const { pixels, layout } = montagePixels(images, options);
  // Loaded on first use: importing sharp needs --allow-env and --allow-ffi, so modules that
  // only re-export this one stay free to import.
  const { default: sharp } = await import("sharp");
  const png = await sharp(pixels, {
    raw: { width: layout.width, height: layout.height, channels: images.channels },
  }).png().toBuffer();
  return new Uint8Array(png.buffer, png.byteOffset, png.byteLength);
}
