/**
 * Source resolution: where a dataset's files come from, in this order:
 * 1. an explicit folder (`dataDir` option / `--data-dir`, else `GEOMAD_DATA_DIR`), which must
 *    exist and hold the files (directly or in a `<dataset>/` subfolder);
 * 2. the download cache `data/cache/<dataset>/`;
 * 3. system locations (Debian's /usr/share/datasets/fashion-mnist);
 * 4. a download into the cache, when `download: true`;
 * 5. for Fashion-MNIST only, the embedded sample (`fashion-mnist-sample`), when
 *    `allowSample` is not false. The returned source then names the sample dataset.
 * @module
 */
import { join } from "node:path";
import { DataError } from "../util/errors.ts";
import { fetchDataset, type FetchOptions } from "./fetch.ts";
import {
  defaultCacheDir,
  defaultSampleRoot,
  ENV_DATA_DIR,
  findFiles,
  type FoundFiles,
  isDir,
  readEnv,
} from "./paths.ts";
import { type DatasetSpec, getDatasetSpec } from "./registry.ts";

/** How the files were found. */
export type SourceKind = "data-dir" | "cache" | "system" | "download" | "sample" | "folder";

/** A resolved dataset location. */
export interface DataSource {
  /** The spec of the dataset the files belong to (the sample's spec for a sample fallback). */
  spec: DatasetSpec;
  /** The dataset that was asked for. */
  requested: string;
  kind: SourceKind;
  /** The folder holding the files. */
  root: string;
  /** Spec file name -> path. Empty when only the archive is present (CIFAR). */
  paths: Record<string, string>;
  /** CIFAR: the archive to read in memory when the extracted files are not present. */
  archivePath?: string;
}

/** Options for {@linkcode locateDataset}. */
export interface LocateOptions extends FetchOptions {
  /** A folder with the official files (`--data-dir`); overrides `GEOMAD_DATA_DIR`. */
  dataDir?: string;
  /** System folders to look in (default: the registry's, e.g. Debian's). */
  systemDirs?: readonly string[];
  /** Folder holding the embedded samples (default data/samples). */
  sampleRoot?: string;
  /** Download into the cache when nothing is found (default false). */
  download?: boolean;
  /** Fall back to the embedded sample when nothing is found (default true). */
  allowSample?: boolean;
  /** Read GEOMAD_DATA_DIR (default true). */
  useEnv?: boolean;
}

function complete(found: FoundFiles, spec: DatasetSpec): boolean {
  return found.missing.length === 0 || (spec.archive !== undefined && !!found.archivePath);
}

function sourceOf(
  spec: DatasetSpec,
  requested: string,
  kind: SourceKind,
  root: string,
  found: FoundFiles,
): DataSource {
  const src: DataSource = { spec, requested, kind, root, paths: {} };
  if (found.missing.length === 0) src.paths = found.paths;
  else src.archivePath = found.archivePath;
  return src;
}

/** An embedded sample's files; DataError naming the first missing one. */
async function sampleSource(
  spec: DatasetSpec,
  sampleDir: string,
  options: LocateOptions,
): Promise<DataSource> {
  const root = join(options.sampleRoot ?? defaultSampleRoot(), sampleDir);
  const found = await findFiles(root, spec);
  if (found.missing.length > 0) {
    throw new DataError(
      `Cannot load ${spec.name}: sample file ${join(root, found.missing[0]!)} is missing`,
    );
  }
  return sourceOf(spec, spec.name, "sample", root, found);
}

/**
 * The files in an explicit data dir (`what` names where it came from), directly in it or in
 * its `<dataset>/` folder; DataError when the folder or a file is missing.
 */
async function dataDirSource(
  spec: DatasetSpec,
  dataDir: string,
  what: string,
): Promise<DataSource> {
  if (!(await isDir(dataDir))) {
    throw new DataError(`Cannot read ${what} '${dataDir}': no such folder`);
  }
  let firstMissing: string | undefined;
  for (const root of [dataDir, join(dataDir, spec.name)]) {
    const found = await findFiles(root, spec);
    if (complete(found, spec)) return sourceOf(spec, spec.name, "data-dir", root, found);
    if (found.missing.length < spec.files.length) firstMissing ??= join(root, found.missing[0]!);
  }
  const missing = firstMissing ?? join(dataDir, spec.files[0]!.name);
  throw new DataError(
    `Cannot load ${spec.name} from ${what} '${dataDir}': missing ${missing}` +
      (spec.archive ? ` (or ${spec.archive.name})` : ""),
  );
}

/**
 * Finds (or downloads) a dataset's files; see the module doc for the order.
 * @throws {UsageError} for an unknown dataset.
 * @throws {DataError} when an explicit data dir does not exist or lacks files, or nothing is
 * found (the message says how to get the data).
 */
export async function locateDataset(
  dataset: string | DatasetSpec,
  options: LocateOptions = {},
): Promise<DataSource> {
  const spec = typeof dataset === "string" ? getDatasetSpec(dataset) : dataset;
  const requested = spec.name;
  if (spec.sampleDir) return await sampleSource(spec, spec.sampleDir, options);
  const fromEnv = options.dataDir === undefined && options.useEnv !== false
    ? readEnv(ENV_DATA_DIR)
    : undefined;
  const dataDir = options.dataDir ?? fromEnv;
  if (dataDir !== undefined) {
    const what = options.dataDir !== undefined ? "data dir" : `data dir (${ENV_DATA_DIR})`;
    return await dataDirSource(spec, dataDir, what);
  }

  const cacheRoot = join(options.cacheDir ?? defaultCacheDir(), spec.name);
  const cached = await findFiles(cacheRoot, spec);
  if (cached.missing.length === 0) return sourceOf(spec, requested, "cache", cacheRoot, cached);

  for (const root of options.systemDirs ?? spec.systemDirs) {
    const found = await findFiles(root, spec);
    if (found.missing.length === 0) return sourceOf(spec, requested, "system", root, found);
  }

  if (options.download) {
    const { dir } = await fetchDataset(spec, options);
    const found = await findFiles(dir, spec);
    return sourceOf(spec, requested, "download", dir, found);
  }
  if (cached.archivePath) return sourceOf(spec, requested, "cache", cacheRoot, cached);

  if (spec.fallbackSample && options.allowSample !== false) {
    const sample = await locateDataset(spec.fallbackSample, options);
    return { ...sample, requested };
  }
  throw new DataError(
    `Cannot find ${spec.name}: not in ${cacheRoot}` +
      (spec.systemDirs.length ? ` or ${spec.systemDirs.join(", ")}` : "") +
      `; run 'deno task data fetch ${spec.name}' or pass --data-dir with the official files`,
  );
}
