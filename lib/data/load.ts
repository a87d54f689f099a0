/**
 * Loading a whole dataset (both splits) into typed arrays, with the checksums of the files
 * read and where they came from, for results records.
 * @module
 */
import { basename } from "node:path";
import { DataError } from "../util/errors.ts";
import { type FolderLoadOptions, type FolderMeta, loadFolderDataset } from "./folder.ts";
import { isFolderDataset } from "./folder_scan.ts";
import type { Verification } from "./provenance.ts";
import { md5Hex } from "./checksum.ts";
import { parseCifarRecords } from "./cifar.ts";
import { gunzipIfNeeded } from "./gzip.ts";
import { readIdxImages, readIdxLabels } from "./idx.ts";
import { type DataSource, locateDataset, type LocateOptions, type SourceKind } from "./locate.ts";
import type { DatasetSpec } from "./registry.ts";
import { readFileFast } from "./io.ts";
import { gunzipBounds } from "./sizes.ts";
import { readTar } from "./tar.ts";
import type { LabeledImageSet } from "./types.ts";
import { checkBytes, checkFile, type FileCheck, mismatchMessage } from "./verify.ts";

/** Where the data came from and the checksums of the files read: goes into results. */
export interface DataMeta {
  /** The dataset whose files were read (`fashion-mnist-sample` for the sample fallback). */
  dataset: string;
  /** The dataset asked for. */
  requested: string;
  source: SourceKind;
  /** Folder (or archive) the files were read from. */
  root: string;
  files: FileCheck[];
  sizes: { train: number; test: number };
  /** Whether checksums were verified (`unchecked` with `--no-verify`; see provenance.ts). */
  verification?: Verification;
  /** Folder datasets (`folder:DIR`): the folder, file counts, file-list digest, decoding. */
  folder?: FolderMeta;
}

/** A dataset loaded into memory. */
export interface LoadedDataset {
  spec: DatasetSpec;
  train: LabeledImageSet;
  test: LabeledImageSet;
  meta: DataMeta;
}

/** Options for {@linkcode loadDataset}. */
export interface LoadOptions extends LocateOptions, Omit<FolderLoadOptions, keyof LocateOptions> {
  /** Fail on files whose checksums differ from the registry's (default true). With false,
   * only the MD5 of each file as stored is computed and recorded, with status `unchecked`. */
  verify?: boolean;
}

/**
 * Finds (see {@linkcode locateDataset}), reads, verifies and decodes a dataset; a
 * `folder:DIR` dataset is listed and decoded by {@linkcode loadFolderDataset}.
 * @throws {UsageError} for an unknown dataset.
 * @throws {DataError} for missing, corrupt or mismatching files, naming the file.
 */
export async function loadDataset(
  dataset: string | DatasetSpec,
  options: LoadOptions = {},
): Promise<LoadedDataset> {
  if (typeof dataset === "string" && isFolderDataset(dataset)) {
    return await loadFolderDataset(dataset, options);
  }
  const source = await locateDataset(dataset, options);
  return loadFromSource(source, options);
}

/** Loads the files of an already resolved source (synchronously: whole-file reads). */
export function loadFromSource(
  source: DataSource,
  options: { verify?: boolean } = {},
): LoadedDataset {
  const spec = source.spec;
  const checks: FileCheck[] = [];
  const verify = options.verify !== false;
  let read: (name: string) => Uint8Array;
  let root = source.root;
  if (source.archivePath) {
    const members = readArchive(source, verify, checks);
    root = source.archivePath;
    read = members;
  } else {
    read = (name) => readFileFast(source.paths[name]!);
  }
  // Decompresses and checks one file; returns its content and the path to name in errors.
  const open = (name: string): Opened => {
    const fileSpec = spec.files.find((f) => f.name === name)!;
    const path = source.archivePath ? `${source.archivePath}:${name}` : source.paths[name]!;
    const stored = read(name);
    // Bounded (lib/data/sizes.ts), and only after the stored bytes are checked: an official
    // file verifies by its MD5 before anything is decompressed.
    let content: Uint8Array | undefined;
    const inflate = () => content ??= gunzipIfNeeded(stored, path, gunzipBounds(fileSpec, spec));
    if (!source.archivePath && !verify) {
      checks.push({ name, path, bytes: stored.length, md5: md5Hex(stored), status: "unchecked" });
    } else if (!source.archivePath) {
      const check = checkBytes(fileSpec, path, stored, inflate);
      if (check.status === "mismatch") {
        throw new DataError(`Cannot load ${spec.name}: ${mismatchMessage(check, fileSpec)}`);
      }
      checks.push(check);
    }
    return { content: inflate(), path };
  };
  const split = spec.format === "idx" ? loadIdxSplit : loadCifarSplit;
  const train = split(spec, spec.train.files, open);
  const test = split(spec, spec.test.files, open);
  const meta: DataMeta = {
    dataset: spec.name,
    requested: source.requested,
    source: source.kind,
    root,
    files: checks,
    sizes: { train: train.n, test: test.n },
    verification: verify ? "verified" : "unchecked",
  };
  return { spec, train, test, meta };
}

/** A file's content and the path that names it in errors. */
interface Opened {
  content: Uint8Array;
  path: string;
}

function loadIdxSplit(
  spec: DatasetSpec,
  files: string[],
  open: (name: string) => Opened,
): LabeledImageSet {
  const [imagesName, labelsName] = files as [string, string];
  const im = open(imagesName), lb = open(labelsName);
  const img = readIdxImages(im.content, im.path, { height: spec.height, width: spec.width });
  const labels = readIdxLabels(lb.content, lb.path, spec.classNames.length);
  if (labels.length !== img.n) {
    throw new DataError(
      `Cannot load ${im.path} with ${
        basename(lb.path)
      }: ${img.n} images but ${labels.length} labels`,
    );
  }
  return {
    images: img.images,
    labels,
    n: img.n,
    height: img.height,
    width: img.width,
    channels: 1,
  };
}

function loadCifarSplit(
  spec: DatasetSpec,
  files: string[],
  open: (name: string) => Opened,
): LabeledImageSet {
  const parts = [];
  for (const name of files) {
    const { content, path } = open(name);
    parts.push(parseCifarRecords(content, path, {
      labelBytes: spec.format === "cifar100" ? 2 : 1,
      numClasses: spec.classNames.length,
      numFineClasses: spec.fineClassNames?.length,
      fineToCoarse: spec.fineToCoarse,
    }));
  }
  const n = parts.reduce((s, p) => s + p.n, 0);
  const size = spec.height * spec.width * spec.channels;
  const images = new Uint8Array(n * size);
  const labels = new Uint8Array(n);
  const fine = spec.format === "cifar100" ? new Uint8Array(n) : undefined;
  let at = 0;
  for (const p of parts) {
    images.set(p.images, at * size);
    labels.set(p.labels, at);
    if (fine && p.fineLabels) fine.set(p.fineLabels, at);
    at += p.n;
  }
  const set: LabeledImageSet = {
    images,
    labels,
    n,
    height: spec.height,
    width: spec.width,
    channels: spec.channels,
  };
  if (fine) set.fineLabels = fine;
  return set;
}

/** Reads a CIFAR archive into memory, checks it, and returns a member lookup. */
function readArchive(
  source: DataSource,
  verify: boolean,
  checks: FileCheck[],
): (name: string) => Uint8Array {
  const spec = source.spec;
  const archive = spec.archive!;
  const path = source.archivePath!;
  const stored = readFileFast(path);
  const check = checkBytes(archive, path, stored);
  if (check.status === "mismatch") {
    if (verify) throw new DataError(`Cannot load ${spec.name}: ${mismatchMessage(check, archive)}`);
    check.status = "unchecked";
  }
  checks.push(check);
  const entries = readTar(
    gunzipIfNeeded(stored, basename(path), gunzipBounds(archive, spec)),
    path,
  );
  const byName = new Map(
    entries.filter((e) => e.type === "file").map((e) => [e.path.replace(/^\.\//, ""), e.data]),
  );
  return (name) => {
    const data = byName.get(name);
    if (!data) throw new DataError(`Cannot load ${spec.name}: ${path} has no ${name}`);
    return data;
  };
}

/**
 * Which source a dataset resolves to and the checksums of its files, without decoding them
 * (what `deno task data verify` prints). Sizes are the registry's split sizes.
 * @throws {DataError} when nothing is found; mismatching files are reported with status
 * `mismatch`, not thrown.
 */
export async function describeDataset(
  dataset: string | DatasetSpec,
  options: LocateOptions = {},
): Promise<DataMeta> {
  const src = await locateDataset(dataset, options);
  const spec = src.spec;
  const files: FileCheck[] = [];
  if (src.archivePath) files.push(await checkFile(spec.archive!, src.archivePath));
  else for (const f of spec.files) files.push(await checkFile(f, src.paths[f.name]!));
  return {
    dataset: spec.name,
    requested: src.requested,
    source: src.kind,
    root: src.archivePath ?? src.root,
    files,
    sizes: { train: spec.train.n, test: spec.test.n },
  };
}
