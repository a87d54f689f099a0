/**
 * Loading an image-folder dataset (`folder:DIR`, see folder_scan.ts) into the same record the
 * registry's datasets load into: list, look up the decoded-array cache, else decode through
 * sharp (folder_decode.ts) and store the arrays in the cache; provenance (folder, file counts,
 * file-list digest, decoding options, cache use) goes into `meta.folder`.
 *
 * ```ts
 * import { loadDataset } from "geomad/data/mod.ts";
 * const d = await loadDataset("folder:data/my-images", { imageSize: 64, channels: 3 });
 * console.log(d.spec.classNames, d.train.n, d.meta.folder?.listDigest);
 * ```
 * @module
 */
import { defaultCacheDir } from "./paths.ts";
import { UsageError } from "../util/errors.ts";
import {
  type CachedFolder,
  FOLDER_CACHE_VERSION,
  folderCachePath,
  readFolderCache,
  writeFolderCache,
} from "./folder_cache.ts";
import { decodeFolderFiles, type DecodeOptions } from "./folder_decode.ts";
import {
  cacheGroup,
  cacheKey,
  datasetKey,
  folderPathOf,
  type FolderRootOptions,
  type FolderScan,
  listDigest,
  scanFolder,
} from "./folder_scan.ts";
import type { DataMeta, LoadedDataset } from "./load.ts";
import type { DatasetSpec } from "./registry.ts";

/**
 * Folder datasets geomad recognises by their file-list digest, and the name results and reports
 * give them. The CIFAR-10 JPEG re-encoding (all 60,000 CIFAR-10 images as quality-75 JPEGs,
 * `cifar10-jpeg/{train,test}/<class>/NNNN.jpg`) differs from the official binary files by JPEG
 * loss, so its AUROCs are near, not equal to, published CIFAR-10 numbers.
 */
export const KNOWN_FOLDERS: Readonly<Record<string, string>> = {
  "efb3bdf3912c356ae77954630bbd950006af56742d4d1b177bd3628a4f309e28": "CIFAR-10 (JPEG re-encoding)",
};

/** Provenance of a folder dataset, recorded in results (`data.folder`). */
export interface FolderMeta {
  /** The dataset folder, absolute. */
  path: string;
  /** Image files read per split. */
  files: { train: number; test: number };
  /** Files skipped because their names have no image extension. */
  ignored: number;
  /** SHA-256 over every image's relative path and size (see `listDigest`). */
  listDigest: string;
  /** The name of a folder dataset recognised by its digest ({@linkcode KNOWN_FOLDERS}). */
  knownAs?: string;
  /** `--image-size` (null: the images' own size). */
  imageSize: number | null;
  /** `--channels` asked for (null: the images' own). */
  channelsRequested: number | null;
  /** Whether the decoded arrays came from the cache ("hit"), were decoded and stored
   * ("stored"), or were decoded without storing ("not-stored": no cache or not writable). */
  cache: "hit" | "stored" | "not-stored";
}

/** Options for {@linkcode loadFolderDataset}. */
export interface FolderLoadOptions extends FolderRootOptions, Omit<DecodeOptions, "channels"> {
  channels?: number;
  /** Use the decoded-array cache (default true). */
  cache?: boolean;
  /** Called with a one-line note (ignored files, an unwritable cache); default stderr. */
  onNote?: (line: string) => void;
}

/**
 * Checks the decoding options of a folder dataset.
 * @throws {UsageError} for an image size that is not an integer in 1..4096, or channels not 1
 * or 3.
 */
export function checkDecodeOptions(o: { imageSize?: number; channels?: number }): void {
  if (
    o.imageSize !== undefined &&
    (!Number.isInteger(o.imageSize) || o.imageSize < 1 || o.imageSize > 4096)
  ) {
    throw new UsageError(`--image-size must be an integer in 1..4096, got ${o.imageSize}`);
  }
  if (o.channels !== undefined && o.channels !== 1 && o.channels !== 3) {
    throw new UsageError(`--channels must be 1 or 3, got ${o.channels}`);
  }
}

/**
 * Loads `folder:DIR` (both splits, labels = class folders in sorted name order).
 * @throws {UsageError} for `folder:` without a path, bad options, or images whose sizes or
 * channel counts disagree without `imageSize` / `channels` (the message names two files).
 * @throws {DataError} for a missing folder, an empty class folder, a class in one split only,
 * a symbolic link loop, or an image that cannot be decoded (named).
 */
export async function loadFolderDataset(
  dataset: string,
  options: FolderLoadOptions = {},
): Promise<LoadedDataset> {
  folderPathOf(dataset);
  checkDecodeOptions(options);
  const note = options.onNote ?? ((line: string) => {
    if (!options.quiet) console.error(line);
  });
  const scan = scanFolder(dataset, options);
  const decode = {
    imageSize: options.imageSize ?? null,
    channels: options.channels ?? null,
  };
  const ignored = scan.ignored.train + scan.ignored.test;
  if (ignored > 0) {
    note(
      `folder: ignored ${ignored} file(s) without an image extension (first: ` +
        `${scan.firstIgnored})`,
    );
  }
  const { arrays, cache } = await decodedImages(scan, decode, options, note);
  const { train, test } = arrays;
  const name = datasetKey(dataset);
  const digest = await listDigest(scan);
  const knownAs = KNOWN_FOLDERS[digest];
  const spec = folderSpec(name, knownAs ?? `Image folder ${scan.root}`, scan, arrays);
  const folder: FolderMeta = {
    path: scan.root,
    files: { train: train.n, test: test.n },
    ignored,
    listDigest: digest,
    ...(knownAs ? { knownAs } : {}),
    imageSize: decode.imageSize,
    channelsRequested: decode.channels,
    cache,
  };
  const meta: DataMeta = {
    dataset: name,
    requested: dataset,
    source: "folder",
    root: scan.root,
    files: [],
    sizes: { train: train.n, test: test.n },
    verification: "none",
    folder,
  };
  return {
    spec,
    train: { ...train },
    test: { ...test },
    meta,
  };
}

/**
 * The decoded images of `scan`: read from the cache when it holds them under the same key
 * (files, sizes, dates, decode options), else decoded and stored there (unless `cache` is
 * false; a failed store is noted, not fatal).
 */
async function decodedImages(
  scan: FolderScan,
  decode: { imageSize: number | null; channels: number | null },
  options: FolderLoadOptions,
  note: (line: string) => void,
): Promise<{ arrays: CachedFolder; cache: FolderMeta["cache"] }> {
  const key = await cacheKey(scan, decode, FOLDER_CACHE_VERSION);
  const group = await cacheGroup(scan.root, decode);
  const cacheDir = options.cacheDir ?? defaultCacheDir();
  const cachePath = folderCachePath(cacheDir, group, key);
  const useCache = options.cache !== false;
  const cached = useCache ? readFolderCache(cachePath, key) : undefined;
  if (cached) return { arrays: cached, cache: "hit" };
  const { train, test } = await decodeFolderFiles(scan.root, scan, {
    imageSize: options.imageSize,
    channels: options.channels as 1 | 3 | undefined,
    concurrency: options.concurrency,
    quiet: options.quiet,
    onProgress: options.onProgress,
  });
  const arrays = { classNames: scan.classNames, train, test };
  let cache: FolderMeta["cache"] = "not-stored";
  if (useCache) {
    try {
      await writeFolderCache(cachePath, key, arrays, { cacheDir, group });
      cache = "stored";
    } catch (err) {
      note(
        `folder: decoded images not cached (${cachePath}: ${
          String((err as Error).message).split("\n")[0]
        }); the next load decodes again`,
      );
    }
  }
  return { arrays, cache };
}

/** The dataset spec of a folder: its image shape, classes and counts per split. */
function folderSpec(
  name: string,
  title: string,
  scan: FolderScan,
  { train, test }: CachedFolder,
): DatasetSpec {
  const perClass = (labels: Uint8Array): number => {
    const counts = new Array(scan.classNames.length).fill(0);
    for (const l of labels) counts[l]++;
    return counts.every((c) => c === counts[0]) ? counts[0] : 0;
  };
  return {
    name,
    title,
    format: "folder",
    height: train.height,
    width: train.width,
    channels: train.channels,
    classNames: scan.classNames,
    train: { n: train.n, perClass: perClass(train.labels), files: [] },
    test: { n: test.n, perClass: perClass(test.labels), files: [] },
    files: [],
    mirrors: [],
    systemDirs: [],
    license: "the folder owner's",
    homepage: scan.root,
  };
}
