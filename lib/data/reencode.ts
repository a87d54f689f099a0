/**
 * Re-encoding an image-folder dataset as JPEG at a chosen quality (`deno task data reencode`):
 * every image of `DIR/{train,test}/<class>/` is written to the same place below a new folder,
 * as a baseline JPEG with 4:2:0 chroma subsampling (libjpeg's standard tables scaled to the
 * quality), keeping its size and its channel count (grayscale stays grayscale; an alpha channel
 * is dropped, as the loader drops it). It measures how much an image-folder result depends on
 * compression: e.g. the CIFAR-10 photos (already a quality-75 JPEG re-encoding) re-encoded at
 * 50 and 25 give the slope of AUROC against JPEG loss.
 *
 * The new folder is written under a temporary name beside its destination and renamed when
 * every image is written; a destination that exists is replaced only with `force`, and then
 * only after the new folder is complete.
 * @module
 */
import { isAbsolute, join, relative, resolve, sep } from "node:path";
import { DataError, UsageError } from "../util/errors.ts";
import { loadSharp } from "./folder_decode.ts";
import { checkDestination, type FolderWriteOptions, writeFolderAtomic } from "./folder_write.ts";
import { type FolderRootOptions, scanFolder } from "./folder_scan.ts";

/** Options of {@linkcode reencodeFolder}. */
export interface ReencodeOptions extends FolderRootOptions, FolderWriteOptions {
  /** JPEG quality, an integer from 1 to 100. */
  quality: number;
  /** The folder to write (it must not exist, unless `force`). */
  out: string;
}

/** What {@linkcode reencodeFolder} wrote. */
export interface ReencodeReport {
  /** The source folder, absolute. */
  source: string;
  /** The written folder, absolute. */
  out: string;
  images: number;
  quality: number;
  /** Bytes of the source images and of the written JPEGs. */
  bytesIn: number;
  bytesOut: number;
}

/** Throws UsageError unless `q` is an integer JPEG quality (1-100). */
export function checkQuality(q: number): void {
  if (!Number.isInteger(q) || q < 1 || q > 100) {
    throw new UsageError(`JPEG quality must be an integer from 1 to 100, got ${q}`);
  }
}

/** `rel` with its extension replaced by `.jpg`. */
function jpegName(rel: string): string {
  const dot = rel.lastIndexOf(".");
  return (dot > rel.lastIndexOf("/") ? rel.slice(0, dot) : rel) + ".jpg";
}

/**
 * Re-encodes every image of the folder dataset `dataset` (`folder:DIR`) as JPEG at
 * `options.quality` into `options.out`, keeping the layout (files renamed to `.jpg`).
 * @throws {UsageError} for a bad quality, an `out` inside the source folder (or the source
 * inside `out`), or an existing `out` without `force`.
 * @throws {DataError} naming the first image that cannot be read or encoded, or two source
 * files that would both become the same `.jpg`; nothing is left behind then.
 */
export async function reencodeFolder(
  dataset: string,
  options: ReencodeOptions,
): Promise<ReencodeReport> {
  checkQuality(options.quality);
  const scan = scanFolder(dataset, options);
  const out = resolve(options.out);
  const inside = (a: string, b: string) => a === b || a.startsWith(b + sep);
  if (inside(out, scan.root) || inside(scan.root, out)) {
    throw new UsageError(
      `Cannot write ${out}: it overlaps the source folder ${scan.root} (choose another --out)`,
    );
  }
  checkDestination(out, options.force);
  const files = [...scan.train, ...scan.test];
  const targets = new Map<string, string>();
  for (const f of files) {
    const name = jpegName(f.rel);
    const other = targets.get(name);
    if (other !== undefined) {
      throw new DataError(
        `Cannot re-encode ${scan.root}: ${other} and ${f.rel} would both be written as ${name}`,
      );
    }
    targets.set(name, f.rel);
  }
  const sharp = await loadSharp();
  const entries = files.map((f) => ({
    rel: jpegName(f.rel),
    source: join(scan.root, f.rel),
    bytes: async (): Promise<Uint8Array> => {
      const img = sharp(join(scan.root, f.rel));
      const gray = ((await img.metadata()).channels ?? 3) <= 2; // gray, or gray + alpha
      return await (gray ? img.toColourspace("b-w") : img).removeAlpha()
        .jpeg({ quality: options.quality, chromaSubsampling: "4:2:0" })
        .toBuffer();
    },
  }));
  const bytesOut = await writeFolderAtomic(out, entries, `jpeg q${options.quality}`, options);
  return {
    source: scan.root,
    out,
    images: files.length,
    quality: options.quality,
    bytesIn: files.reduce((s, f) => s + f.bytes, 0),
    bytesOut,
  };
}

/** One line describing a report, for the CLI. */
export function reencodeSummary(r: ReencodeReport): string {
  const ratio = r.bytesIn > 0 ? (r.bytesOut / r.bytesIn).toFixed(2) : "-";
  const rel = relative(Deno.cwd(), r.out);
  const name = rel === "" || rel.startsWith("..") || isAbsolute(rel) ? r.out : rel;
  return `wrote ${r.images} images as JPEG quality ${r.quality} to ${r.out} ` +
    `(${r.bytesOut} bytes, ${ratio}x the source's ${r.bytesIn}); use it as folder:${name}`;
}
