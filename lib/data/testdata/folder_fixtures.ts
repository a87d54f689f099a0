/**
 * Test helpers that write image-folder datasets (`DIR/{train,test}/<class>/*.png`) from seeded
 * synthetic pictures: each class its own upright pattern (a vertical brightness gradient plus
 * class-specific stripes and a bright blob in the upper left), so that rotations and flips are
 * recognisable and one class differs from the others.
 * @module
 */
import sharp from "sharp";
import { join } from "node:path";
import { Rng } from "../../util/rng.ts";

/** Raw pixels of the synthetic image `index` of class `label` (HWC, uint8). */
export function syntheticImage(
  label: number,
  index: number,
  size: number,
  channels: 1 | 3,
): Uint8Array {
  const rng = new Rng(1000 * label + index + 1);
  const out = new Uint8Array(size * size * channels);
  const period = 3 + 2 * label;
  const bx = Math.floor(size * (0.1 + 0.2 * rng.next())),
    by = Math.floor(size * (0.1 + 0.2 * rng.next()));
  const r = Math.max(2, Math.floor(size / 8));
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      let v = 40 + (150 * y) / size + (Math.floor(x / period) % 2 === 0 ? 30 : 0);
      if ((x - bx) ** 2 + (y - by) ** 2 < r * r) v = 250;
      v += 20 * (rng.next() - 0.5);
      for (let c = 0; c < channels; c++) {
        out[(y * size + x) * channels + c] = Math.max(
          0,
          Math.min(255, Math.round(v - 25 * c * label)),
        );
      }
    }
  }
  return out;
}

/** Encodes raw pixels as PNG (or JPEG) bytes. */
export async function encodeImage(
  pixels: Uint8Array,
  width: number,
  height: number,
  channels: 1 | 3,
  format: "png" | "jpeg" = "png",
): Promise<Uint8Array> {
  let img = sharp(pixels, { raw: { width, height, channels } });
  if (channels === 1) img = img.toColourspace("b-w"); // else sharp writes an RGB file
  const buf = format === "png" ? await img.png().toBuffer() : await img.jpeg().toBuffer();
  return new Uint8Array(buf);
}

/** Options for {@linkcode writeImageFolder}. */
export interface ImageFolderOptions {
  classes: readonly string[];
  train: number;
  test: number;
  size: number;
  channels?: 1 | 3;
}

/**
 * Writes a folder dataset of synthetic PNGs (`0000.png`, ...) into `dir` and returns the raw
 * pixels written, per split, in the order the loader reads them (class, then file name).
 */
export async function writeImageFolder(
  dir: string,
  o: ImageFolderOptions,
): Promise<{ train: Uint8Array[]; test: Uint8Array[] }> {
  const channels = o.channels ?? 3;
  const written = { train: [] as Uint8Array[], test: [] as Uint8Array[] };
  for (const split of ["train", "test"] as const) {
    const n = split === "train" ? o.train : o.test;
    for (const [label, cls] of o.classes.entries()) {
      const folder = join(dir, split, cls);
      await Deno.mkdir(folder, { recursive: true });
      for (let i = 0; i < n; i++) {
        const px = syntheticImage(label, i + (split === "test" ? 500 : 0), o.size, channels);
        await Deno.writeFile(
          join(folder, `${String(i).padStart(4, "0")}.png`),
          await encodeImage(px, o.size, o.size, channels),
        );
        written[split].push(px);
      }
    }
  }
  return written;
}
