/**
 * Decoding the images of a folder dataset through sharp (libvips), many at a time, into one
 * uint8 NHWC array per split: optional resize + centre crop to a square size, optional
 * conversion to 1 or 3 channels (alpha dropped, as torchvision's `convert("RGB")` does), and
 * a usage error naming two files when sizes or channel counts disagree and no option settles
 * them. Importing sharp needs `--allow-env` and `--allow-ffi`; it is loaded on first use.
 *
 * An image that cannot be decoded (truncated, damaged, not an image despite its extension)
 * stops the load with a one-line error naming it; it is never skipped, because a silently
 * smaller dataset would no longer be the one its file-list digest describes, and a run on it
 * could not be repeated from the folder. Files without an image extension are ignored and
 * counted instead (folder_scan.ts).
 * @module
 */
import { DataError, UsageError } from "../util/errors.ts";
import { Progress } from "../util/progress.ts";
import { forEachConcurrent } from "../util/concurrent.ts";
import { decodeBmp, isBmp } from "./bmp.ts";
import type { FolderFile } from "./folder_scan.ts";
import { join } from "node:path";

/** How images are decoded. */
export interface DecodeOptions {
  /** Resize (shorter side) and centre-crop to N x N; default: keep the images' own size. */
  imageSize?: number;
  /** 1 (grayscale) or 3 (RGB); default: the images' own channel count. */
  channels?: 1 | 3;
  /** Images decoded at once (default 16). */
  concurrency?: number;
  quiet?: boolean;
  /** Progress lines go here instead of stderr (tests). */
  onProgress?: (line: string, final: boolean) => void;
}

/** One decoded image. */
export interface DecodedImage {
  data: Uint8Array;
  width: number;
  height: number;
  channels: number;
}

// deno-lint-ignore no-explicit-any
type Sharp = any;
let sharpModule: Promise<Sharp> | undefined;

/** sharp, imported on first use (a clear error when the permissions it needs are missing). */
export async function loadSharp(): Promise<Sharp> {
  sharpModule ??= import("sharp").then((m) => m.default).catch((err) => {
    sharpModule = undefined;
    throw new DataError(
      `Cannot load sharp to decode images (run with --allow-env --allow-ffi): ${
        String(err?.message ?? err).split("\n")[0]
      }`,
    );
  });
  return await sharpModule;
}

/** Decodes one image file with the options' size and channels. */
export async function decodeImageFile(
  path: string,
  options: Pick<DecodeOptions, "imageSize" | "channels"> = {},
): Promise<DecodedImage> {
  const sharp = await loadSharp();
  let bytes: Uint8Array;
  try {
    bytes = await Deno.readFile(path);
  } catch (err) {
    throw new DataError(`Cannot read ${path}: ${String((err as Error).message).split("\n")[0]}`);
  }
  try {
    let img: Sharp;
    if (isBmp(bytes)) {
      const b = decodeBmp(bytes);
      img = sharp(b.data, { raw: { width: b.width, height: b.height, channels: b.channels } });
    } else {
      // failOn "warning": a truncated JPEG or a damaged PNG is an error, never half an image.
      img = sharp(bytes, { failOn: "warning" });
    }
    if (options.imageSize !== undefined) {
      const n = options.imageSize;
      img = img.resize(n, n, { fit: "cover", position: "centre", kernel: "lanczos3" });
    }
    img = img.removeAlpha();
    let channels = options.channels;
    if (channels === undefined) {
      // The file's own: grey (with or without alpha) stays 1 channel (sharp outputs sRGB
      // unless told otherwise), anything else is RGB.
      const meta = await img.metadata();
      channels = meta.channels <= 2 && meta.space === "b-w" ? 1 : 3;
    }
    img = channels === 1 ? img.toColourspace("b-w") : img.toColourspace("srgb");
    const { data, info } = await img.raw({ depth: "uchar" }).toBuffer({ resolveWithObject: true });
    return {
      data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
      width: info.width,
      height: info.height,
      channels: info.channels,
    };
  } catch (err) {
    const msg = String((err as Error)?.message ?? err).split("\n")[0]!.trim();
    throw new DataError(`Cannot decode ${path}: ${msg || "not a readable image"}`);
  }
}

/** The decoded images of one split. */
export interface DecodedSplit {
  images: Uint8Array;
  labels: Uint8Array;
  n: number;
  height: number;
  width: number;
  channels: number;
}

function describe(img: DecodedImage): string {
  const kind = img.channels === 1 ? "grayscale" : img.channels === 3 ? "RGB" : "";
  return `${img.width}x${img.height}` + (kind ? ` ${kind}` : ` (${img.channels} channels)`);
}

/**
 * Decodes the files of both splits (`root`-relative paths), `concurrency` at a time, with a
 * progress bar. All images must come out the same square size and channel count.
 * @throws {UsageError} naming two files whose sizes (without `imageSize`) or channel counts
 * (without `channels`) differ, or the file of non-square images without `imageSize`.
 * @throws {DataError} naming a file that cannot be read or decoded.
 */
export async function decodeFolderFiles(
  root: string,
  splits: { train: FolderFile[]; test: FolderFile[] },
  options: DecodeOptions = {},
): Promise<{ train: DecodedSplit; test: DecodedSplit }> {
  const all = [...splits.train, ...splits.test];
  if (all.length === 0) throw new DataError(`Cannot load folder dataset ${root}: 0 images`);
  const opts = { imageSize: options.imageSize, channels: options.channels };
  // The first image fixes the shape every other one must have.
  const first = await decodeImageFile(join(root, all[0]!.rel), opts);
  checkSquare(all[0]!.rel, first);
  const size = first.width * first.height * first.channels;
  const out = {
    train: newSplit(splits.train, first),
    test: newSplit(splits.test, first),
  };
  const progress = new Progress("decode images", all.length, {
    unit: "img",
    quiet: options.quiet,
    write: options.onProgress,
  });
  const place = (i: number, img: DecodedImage) => {
    checkSameShape(root, all, first, img, i);
    const [split, j] = i < splits.train.length
      ? [out.train, i]
      : [out.test, i - splits.train.length];
    split.images.set(img.data, j * size);
  };
  place(0, first);
  progress.tick();
  await forEachConcurrent(all, options.concurrency ?? 16, async (f, i) => {
    place(i, await decodeImageFile(join(root, f.rel), opts));
    progress.tick();
  }, 1);
  progress.finish();
  return out;
}

/** Throws UsageError unless the image of file `rel` is square. */
function checkSquare(rel: string, img: DecodedImage): void {
  if (img.width !== img.height) {
    throw new UsageError(
      `Cannot use ${rel}: its images are ${img.width}x${img.height}, not square; ` +
        `pass --image-size N to resize and centre-crop to N x N`,
    );
  }
}

/** Throws UsageError naming both files unless image `i` of `all` (`img`) is shaped as `first`. */
function checkSameShape(
  root: string,
  all: FolderFile[],
  first: DecodedImage,
  img: DecodedImage,
  i: number,
): void {
  if (img.width !== first.width || img.height !== first.height) {
    throw new UsageError(
      `Cannot load folder dataset ${root}: ${all[0]!.rel} is ${describe(first)} but ` +
        `${all[i]!.rel} is ${describe(img)}; pass --image-size N to resize and centre-crop ` +
        `all images to N x N`,
    );
  }
  if (img.channels !== first.channels) {
    throw new UsageError(
      `Cannot load folder dataset ${root}: ${all[0]!.rel} is ${describe(first)} but ` +
        `${all[i]!.rel} is ${describe(img)}; pass --channels 1 or --channels 3`,
    );
  }
}

function newSplit(files: FolderFile[], shape: DecodedImage): DecodedSplit {
  const size = shape.width * shape.height * shape.channels;
  return {
    images: new Uint8Array(files.length * size),
    labels: Uint8Array.from(files, (f) => f.label),
    n: files.length,
    height: shape.height,
    width: shape.width,
    channels: shape.channels,
  };
}
