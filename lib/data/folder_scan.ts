/**
 * Image-folder datasets (torchvision ImageFolder / anomalib Folder layout): the dataset name
 * `folder:DIR`, and listing `DIR/train/<class>/...` and `DIR/test/<class>/...` into a sorted,
 * validated file list (classes in sorted name order, files in sorted path order within a
 * class, subfolders of a class folder included, symbolic links followed, loops refused).
 * @module
 */
import { basename, isAbsolute, join, relative, resolve } from "node:path";
import { DataError, UsageError } from "../util/errors.ts";
import { defaultCacheDir, ENV_DATA_DIR, readEnv } from "./paths.ts";

/** The prefix of folder dataset names: `folder:DIR`. */
export const FOLDER_PREFIX = "folder:";

/** File name endings read as images (case-insensitive); any other file is ignored and counted. */
export const IMAGE_EXTENSIONS = [
  ".png",
  ".jpg",
  ".jpeg",
  ".webp",
  ".bmp",
  ".gif",
  ".tif",
  ".tiff",
] as const;

/** The two splits of a folder dataset, as folder names. */
export const FOLDER_SPLITS = ["train", "test"] as const;

/** True when `dataset` names a folder dataset (`folder:...`). */
export function isFolderDataset(dataset: string): boolean {
  return dataset.startsWith(FOLDER_PREFIX);
}

/**
 * The folder of a `folder:DIR` dataset name, as written.
 * @throws {UsageError} when the path is empty.
 */
export function folderPathOf(dataset: string): string {
  const path = dataset.slice(FOLDER_PREFIX.length);
  if (!isFolderDataset(dataset) || path.trim() === "") {
    throw new UsageError(
      `Cannot use dataset '${dataset}': a folder dataset needs a path, e.g. folder:DIR ` +
        `(DIR/train/<class>/*.jpg and DIR/test/<class>/*.jpg)`,
    );
  }
  return path;
}

/**
 * A name for a dataset that is safe in file paths (result folders): the registry name itself,
 * `folder-<last path component>` for a folder dataset (e.g. `folder-cifar10-jpeg`).
 */
export function datasetKey(dataset: string): string {
  if (!isFolderDataset(dataset)) return dataset;
  const base = basename(resolve(folderPathOf(dataset))).replace(/[^A-Za-z0-9._-]+/g, "_");
  return `folder-${base || "root"}`;
}

/** One image file of a folder dataset. */
export interface FolderFile {
  /** Path relative to the dataset folder, with `/` separators, e.g. `train/cat/0001.jpg`. */
  rel: string;
  /** Class index (position of the class folder in sorted order). */
  label: number;
  bytes: number;
  /** Modification time in ms since the epoch (0 when the file system has none). */
  mtimeMs: number;
}

/** A listed folder dataset. */
export interface FolderScan {
  /** The dataset folder, absolute. */
  root: string;
  /** Class folder names in sorted order (label i = classNames[i]). */
  classNames: string[];
  /** Image files per split, in label then path order. */
  train: FolderFile[];
  test: FolderFile[];
  /** Files ignored because their names do not end with an image extension, per split. */
  ignored: { train: number; test: number };
  /** First ignored file, relative (for the message that says what was skipped). */
  firstIgnored?: string;
}

function isImageName(name: string): boolean {
  const lower = name.toLowerCase();
  return IMAGE_EXTENSIONS.some((e) => lower.endsWith(e));
}

function readError(path: string, err: unknown): DataError {
  const msg = err instanceof Error ? err.message : String(err);
  if (/too many (levels of )?symbolic links|ELOOP|os error 40/i.test(msg)) {
    return new DataError(`Cannot read ${path}: symbolic link loop`);
  }
  if (err instanceof Deno.errors.NotFound) return new DataError(`Cannot read ${path}: not found`);
  return new DataError(`Cannot read ${path}: ${msg.split("\n")[0]}`);
}

function statOf(path: string): Deno.FileInfo {
  try {
    return Deno.statSync(path);
  } catch (err) {
    throw readError(path, err);
  }
}

function entriesOf(path: string): string[] {
  try {
    return [...Deno.readDirSync(path)].map((e) => e.name).sort(byCodePoint);
  } catch (err) {
    throw readError(path, err);
  }
}

/** Sorts strings by code point (Python's `sorted`, as torchvision orders classes). */
function byCodePoint(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The class folder names of one split (sorted), checking the split folder exists. */
function classFolders(root: string, split: string, display: string): string[] {
  const dir = join(root, split);
  let info: Deno.FileInfo;
  try {
    info = Deno.statSync(dir);
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) {
      throw new DataError(
        `Cannot load folder dataset ${display}: no ${split}/ folder (expected ` +
          `${split}/<class>/<image files>)`,
      );
    }
    throw readError(dir, err);
  }
  if (!info.isDirectory) throw new DataError(`Cannot load folder dataset: ${dir} is not a folder`);
  const names = entriesOf(dir).filter((n) =>
    !n.startsWith(".") && statOf(join(dir, n)).isDirectory
  );
  if (names.length === 0) {
    throw new DataError(
      `Cannot load folder dataset ${display}: ${split}/ holds no class folders (0 images)`,
    );
  }
  return names;
}

/**
 * The sorted class names of a folder dataset (the folders below `train/`), without listing
 * images: what a sweep needs to know which classes exist.
 * @throws {UsageError} for `folder:` without a path.
 * @throws {DataError} when the folder or its `train/` folder is missing or empty.
 */
export function folderClassNames(dataset: string, options: FolderRootOptions = {}): string[] {
  const path = folderPathOf(dataset);
  return classFolders(folderRoot(dataset, options), "train", path);
}

/** Where else a relative `folder:DIR` is looked for. */
export interface FolderRootOptions {
  /** `--data-dir`: a relative DIR is also looked for below it. */
  dataDir?: string;
  /** Read GEOMAD_DATA_DIR when `dataDir` is not given (default true). */
  useEnv?: boolean;
  /** The download cache (default data/cache): a relative DIR is also looked for below it. */
  cacheDir?: string;
}

/**
 * The absolute folder of `folder:DIR`: DIR itself (relative to the working folder) when it
 * exists, else, for a relative DIR, `<data dir>/DIR` (`--data-dir`, else GEOMAD_DATA_DIR) or
 * `data/cache/DIR`, the places the registry's datasets are found in. So an archive extracted
 * once into the data dir or the cache serves every later run as `folder:<its name>`.
 * @throws {DataError} when none of these is a folder.
 */
export function folderRoot(dataset: string, options: FolderRootOptions = {}): string {
  const path = folderPathOf(dataset);
  const tried = [resolve(path)];
  if (!isAbsolute(path)) {
    const dataDir = options.dataDir ??
      (options.useEnv === false ? undefined : readEnv(ENV_DATA_DIR));
    if (dataDir !== undefined) tried.push(resolve(dataDir, path));
    tried.push(resolve(options.cacheDir ?? defaultCacheDir(), path));
  }
  for (const dir of tried) if (statOrNull(dir)?.isDirectory) return dir;
  throw new DataError(
    `Cannot load folder dataset ${path}: no such folder` +
      (tried.length > 1 ? ` (looked in ${tried.join(", ")})` : ""),
  );
}

function statOrNull(path: string): Deno.FileInfo | null {
  try {
    return Deno.statSync(path);
  } catch {
    return null;
  }
}

/**
 * Lists a folder dataset: every image file below `DIR/{train,test}/<class>/` (subfolders
 * included, symbolic links followed), with sizes and modification times.
 * @throws {UsageError} for `folder:` without a path.
 * @throws {DataError} for a missing folder, a split without class folders, an empty class
 * folder, a class present in one split but not the other, more than 256 classes, or a
 * symbolic link loop; the message names the folder or file.
 */
export function scanFolder(dataset: string, options: FolderRootOptions = {}): FolderScan {
  const path = folderPathOf(dataset);
  const root = folderRoot(dataset, options);
  const trainClasses = classFolders(root, "train", path);
  const testClasses = classFolders(root, "test", path);
  const onlyTrain = trainClasses.filter((c) => !testClasses.includes(c));
  const onlyTest = testClasses.filter((c) => !trainClasses.includes(c));
  if (onlyTest.length > 0) {
    throw new DataError(
      `Cannot load folder dataset ${path}: test class '${onlyTest[0]}' has no folder in train/ ` +
        `(classes must be the same in both splits)`,
    );
  }
  if (onlyTrain.length > 0) {
    throw new DataError(
      `Cannot load folder dataset ${path}: train class '${onlyTrain[0]}' has no folder in ` +
        `test/ (classes must be the same in both splits)`,
    );
  }
  if (trainClasses.length > 256) {
    throw new DataError(
      `Cannot load folder dataset ${path}: ${trainClasses.length} classes (at most 256)`,
    );
  }
  const scan: FolderScan = {
    root,
    classNames: trainClasses,
    train: [],
    test: [],
    ignored: { train: 0, test: 0 },
  };
  for (const split of FOLDER_SPLITS) {
    trainClasses.forEach((cls, label) => {
      const before = scan[split].length;
      walk(scan, split, join(root, split, cls), label, new Set());
      if (scan[split].length === before) {
        throw new DataError(
          `Cannot load folder dataset ${path}: class folder ${split}/${cls} holds no images ` +
            `(${IMAGE_EXTENSIONS.join(", ")})`,
        );
      }
    });
  }
  return scan;
}

function walk(
  scan: FolderScan,
  split: "train" | "test",
  dir: string,
  label: number,
  ancestors: Set<string>,
): void {
  let real: string;
  try {
    real = Deno.realPathSync(dir);
  } catch (err) {
    throw readError(dir, err);
  }
  if (ancestors.has(real)) {
    throw new DataError(`Cannot read ${dir}: symbolic link loop (it leads back to ${real})`);
  }
  ancestors.add(real);
  for (const name of entriesOf(dir)) {
    if (name.startsWith(".")) continue; // .DS_Store, ._x.jpg, .ipynb_checkpoints
    const path = join(dir, name);
    const info = statOf(path);
    if (info.isDirectory) {
      walk(scan, split, path, label, ancestors);
    } else if (info.isFile && isImageName(name)) {
      scan[split].push({
        rel: relative(scan.root, path).split("\\").join("/"),
        label,
        bytes: info.size,
        mtimeMs: info.mtime?.getTime() ?? 0,
      });
    } else {
      scan.ignored[split]++;
      scan.firstIgnored ??= relative(scan.root, path);
    }
  }
  ancestors.delete(real);
}

/** SHA-256 of a string, in hex. */
export async function sha256Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/**
 * The digest recorded in results: SHA-256 over every image's relative path and size (not its
 * modification time, so a copy of the same files has the same digest).
 */
export function listDigest(scan: FolderScan): Promise<string> {
  const lines = [...scan.train, ...scan.test].map((f) => `${f.rel}\t${f.bytes}`);
  return sha256Hex(lines.join("\n"));
}

/**
 * The group of a folder's cache entries: SHA-256 over the folder and the decoding options.
 * Storing a new entry (the files changed) replaces the older entries of its group.
 */
export function cacheGroup(
  root: string,
  decode: { imageSize: number | null; channels: number | null },
): Promise<string> {
  return sha256Hex(JSON.stringify({ root, ...decode }));
}

/**
 * The key of the decoded-array cache: SHA-256 over every image's path, size and modification
 * time plus the decoding options, so any added, removed, replaced or touched file (or another
 * `--image-size` / `--channels`) decodes afresh.
 */
export function cacheKey(
  scan: FolderScan,
  decode: { imageSize: number | null; channels: number | null },
  version: number,
): Promise<string> {
  const lines = [...scan.train, ...scan.test].map((f) => `${f.rel}\t${f.bytes}\t${f.mtimeMs}`);
  const head = JSON.stringify({ version, root: scan.root, ...decode });
  return sha256Hex(head + "\n" + lines.join("\n"));
}
