/**
 * Writing a registry dataset (MNIST, Fashion-MNIST, CIFAR-10, CIFAR-100) as an image folder
 * (`deno task data export`): `OUT/{train,test}/<NN-class name>/<index>.png`, lossless, class
 * folders numbered so that their sorted order is the label order (so `folder:OUT` gives every
 * image its registry label), files numbered by their index in the official split (so the folder's
 * order within a class is the official one). `padTo` zero-pads each image to N x N, centred, as
 * the protocol pads 28x28 images to 32x32 before scaling: `folder:OUT` then feeds a network the
 * same pixels as the registry dataset. This is how a folder-level change (e.g. `data reencode`)
 * is measured on official pixels.
 * @module
 */
import { resolve } from "node:path";
import { UsageError } from "../util/errors.ts";
import { loadSharp } from "./folder_decode.ts";
import { isFolderDataset } from "./folder_scan.ts";
import { checkDestination, type FolderWriteOptions, writeFolderAtomic } from "./folder_write.ts";
import { loadDataset, type LoadOptions } from "./load.ts";
import type { RawImageSet } from "./types.ts";

/** Options of {@linkcode exportFolder}. */
export interface ExportOptions extends LoadOptions, FolderWriteOptions {
  /** The folder to write (it must not exist, unless `force`). */
  out: string;
  /** Zero-pad every image to N x N, centred (N - size must be even and >= 0). */
  padTo?: number;
}

/** What {@linkcode exportFolder} wrote. */
export interface ExportReport {
  out: string;
  images: number;
  /** Side of the written images, channels. */
  size: number;
  channels: number;
  /** The class folder names, in label order. */
  classFolders: string[];
  bytes: number;
}

/** Class folder names whose sorted order is the label order: `0-T-shirt_top`, ... */
export function classFolderNames(classNames: readonly string[]): string[] {
  const width = String(Math.max(0, classNames.length - 1)).length;
  return classNames.map((c, i) =>
    `${String(i).padStart(width, "0")}-${c.replace(/[^A-Za-z0-9._-]+/g, "_")}`
  );
}

/** Image `i` of `set`, zero-padded by `pad` pixels on each side. */
export function paddedImage(set: RawImageSet, i: number, pad: number): Uint8Array {
  const { height: h, width: w, channels: c } = set;
  const src = set.images.subarray(i * h * w * c, (i + 1) * h * w * c);
  if (pad === 0) return src.slice();
  const W = w + 2 * pad;
  const out = new Uint8Array((h + 2 * pad) * W * c);
  for (let y = 0; y < h; y++) {
    out.set(src.subarray(y * w * c, (y + 1) * w * c), ((y + pad) * W + pad) * c);
  }
  return out;
}

/**
 * Writes the registry dataset `dataset` as an image folder of PNGs into `options.out`.
 * @throws {UsageError} for a folder dataset, a bad `padTo`, or an existing `out` without `force`.
 * @throws {DataError} from loading the dataset, or naming a file that cannot be written.
 */
export async function exportFolder(
  dataset: string,
  options: ExportOptions,
): Promise<ExportReport> {
  if (isFolderDataset(dataset)) {
    throw new UsageError(
      `export writes a registry dataset as a folder; ${dataset} is one already`,
    );
  }
  checkDestination(options.out, options.force);
  const d = await loadDataset(dataset, options);
  const size = d.train.height;
  const padTo = options.padTo ?? size;
  if (!Number.isInteger(padTo) || padTo < size || (padTo - size) % 2 !== 0) {
    throw new UsageError(
      `--pad-to must be an integer >= ${size} that differs from ${size} by an even number, ` +
        `got ${options.padTo}`,
    );
  }
  const pad = (padTo - size) / 2, channels = d.train.channels;
  const folders = classFolderNames(d.spec.classNames);
  const sharp = await loadSharp();
  const entries = (["train", "test"] as const).flatMap((split) => {
    const set = d[split];
    const width = String(set.n - 1).length;
    return Array.from({ length: set.n }, (_, i) => ({
      rel: `${split}/${folders[set.labels[i]!]}/${String(i).padStart(width, "0")}.png`,
      bytes: async (): Promise<Uint8Array> => {
        let img = sharp(paddedImage(set, i, pad), {
          raw: { width: padTo, height: padTo, channels },
        });
        if (channels === 1) img = img.toColourspace("b-w");
        return await img.png().toBuffer();
      },
    }));
  });
  const bytes = await writeFolderAtomic(options.out, entries, `export ${dataset}`, options);
  return {
    out: resolve(options.out),
    images: entries.length,
    size: padTo,
    channels,
    classFolders: folders,
    bytes,
  };
}
