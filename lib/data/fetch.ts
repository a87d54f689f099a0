/**
 * `fetch`: download a dataset into the cache (data/cache/<dataset>/) from the official
 * locations or a mirror, verify it, and extract CIFAR archives safely.
 * @module
 */
import { join } from "node:path";
import { DataError, UsageError } from "../util/errors.ts";
import type { ProgressOptions } from "../util/progress.ts";
import { downloadFirst } from "./download.ts";
import { defaultCacheDir, ENV_MIRROR, isDir, isFile, readEnv } from "./paths.ts";
import { type DatasetSpec, getDatasetSpec } from "./registry.ts";
import { removeStaleTemps } from "../util/atomic.ts";
import { gunzipBounds } from "./sizes.ts";
import { extractTarGz } from "./tar.ts";
import { checkFile, mismatchMessage } from "./verify.ts";

/** Options for {@linkcode fetchDataset}. */
export interface FetchOptions {
  /** Cache folder (default data/cache). */
  cacheDir?: string;
  /** Base URL replacing the official ones; files are fetched from `<mirror>/<dataset>/<file>`.
   * Default: `GEOMAD_MIRROR`. */
  mirror?: string;
  /** No progress bars. */
  quiet?: boolean;
  /** Download again even when verified files are present. */
  force?: boolean;
  /** Progress bar options (tests pass a writer). */
  progress?: ProgressOptions;
  /** Read GEOMAD_MIRROR (default true). */
  useEnv?: boolean;
}

/** What {@linkcode fetchDataset} did. */
export interface FetchResult {
  /** The dataset's cache folder. */
  dir: string;
  /** Files (or the archive) downloaded now. */
  downloaded: string[];
  /** Files already present and verified. */
  present: string[];
  /** Files extracted from the archive now. */
  extracted: string[];
  /** Temp files and folders of killed fetches removed from the cache folder at the start. */
  removedTemps?: string[];
}

/** The URLs to try for one file or archive of a dataset. */
export function downloadUrls(
  spec: DatasetSpec,
  file: string,
  options: FetchOptions = {},
): string[] {
  const mirror = options.mirror ?? (options.useEnv === false ? undefined : readEnv(ENV_MIRROR));
  if (mirror) return [`${mirror.replace(/\/+$/, "")}/${spec.name}/${file}`];
  return spec.mirrors.map((base) => base + file);
}

async function verified(
  path: string,
  fileSpec: Parameters<typeof checkFile>[0],
): Promise<boolean> {
  if (!(await isFile(path))) return false;
  return (await checkFile(fileSpec, path)).status !== "mismatch";
}

/** Downloads each file of `spec` into `dir` unless a verified copy is there (or `force`). */
async function fetchFiles(
  spec: DatasetSpec,
  dir: string,
  options: FetchOptions,
  result: FetchResult,
): Promise<void> {
  const dl = { quiet: options.quiet, progress: options.progress };
  for (const f of spec.files) {
    const dest = join(dir, f.name);
    if (!options.force && await verified(dest, f)) {
      result.present.push(f.name);
      continue;
    }
    await downloadFirst(downloadUrls(spec, f.name, options), dest, {
      ...dl,
      md5: f.md5,
      bytes: f.bytes,
    });
    result.downloaded.push(f.name);
  }
}

/**
 * Downloads a dataset into the cache and verifies every file; CIFAR archives are extracted
 * into a temporary folder and renamed into place. Files already present and verified are kept.
 * @throws {UsageError} for an unknown or embedded dataset.
 * @throws {DataError} on download, checksum or extraction failures (nothing partial is left
 * under a final name).
 */
export async function fetchDataset(
  dataset: string | DatasetSpec,
  options: FetchOptions = {},
): Promise<FetchResult> {
  const spec = typeof dataset === "string" ? getDatasetSpec(dataset) : dataset;
  if (spec.sampleDir) {
    throw new UsageError(`Cannot fetch ${spec.name}: it is embedded in the repository`);
  }
  const dir = join(options.cacheDir ?? defaultCacheDir(), spec.name);
  const result: FetchResult = { dir, downloaded: [], present: [], extracted: [] };
  // Temp files and extraction folders that a killed fetch left behind.
  result.removedTemps = await removeStaleTemps(dir, { dirs: ["extract"] });
  for (const name of result.removedTemps) {
    if (!options.quiet) console.error(`removed ${join(dir, name)}, left by a killed fetch`);
  }
  const dl = { quiet: options.quiet, progress: options.progress };

  if (!spec.archive) {
    await fetchFiles(spec, dir, options, result);
    return result;
  }

  // CIFAR: the extracted files, or else the archive (downloaded if needed) then extraction.
  const extractedOk = async () => {
    for (const f of spec.files) if (!(await verified(join(dir, f.name), f))) return false;
    return true;
  };
  if (!options.force && await extractedOk()) {
    result.present.push(...spec.files.map((f) => f.name));
    return result;
  }
  const archive = spec.archive;
  const archivePath = join(dir, archive.name);
  if (!options.force && await verified(archivePath, archive)) {
    result.present.push(archive.name);
  } else {
    await downloadFirst(downloadUrls(spec, archive.name, options), archivePath, {
      ...dl,
      md5: archive.md5,
      bytes: archive.bytes,
    });
    result.downloaded.push(archive.name);
  }
  result.extracted = await extractInto(spec, archivePath, dir);
  return result;
}

/** The top folder of the extracted files, e.g. `cifar-10-batches-bin`. */
function topFolder(spec: DatasetSpec): string {
  const first = spec.files[0]!.name;
  return first.slice(0, first.indexOf("/"));
}

async function extractInto(spec: DatasetSpec, archivePath: string, dir: string): Promise<string[]> {
  const top = topFolder(spec);
  const tmp = join(dir, `.extract-${Deno.pid}-${Math.random().toString(36).slice(2, 10)}`);
  try {
    await extractTarGz(archivePath, tmp, gunzipBounds(spec.archive!, spec));
    for (const f of spec.files) {
      const path = join(tmp, f.name);
      if (!(await isFile(path))) {
        throw new DataError(`Cannot extract ${archivePath}: it has no ${f.name}`);
      }
      const check = await checkFile(f, path);
      if (check.status === "mismatch") {
        throw new DataError(`Cannot extract ${archivePath}: ${mismatchMessage(check, f)}`);
      }
    }
    const final = join(dir, top);
    if (await isDir(final)) await Deno.remove(final, { recursive: true });
    await Deno.rename(join(tmp, top), final);
    return spec.files.map((f) => f.name);
  } finally {
    await Deno.remove(tmp, { recursive: true }).catch(() => {});
  }
}
