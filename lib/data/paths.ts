/**
 * Where data lives: the repository's data/cache and data/samples folders, environment
 * variables, and finding a dataset's canonical files inside a folder.
 * @module
 */
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { DatasetSpec } from "./registry.ts";

/** Environment variable naming a folder with dataset files (like `--data-dir`). */
export const ENV_DATA_DIR = "GEOMAD_DATA_DIR";
/** Environment variable naming a base URL that replaces the official download locations. */
export const ENV_MIRROR = "GEOMAD_MIRROR";

/** The repository's data/ folder. */
export function repoDataDir(): string {
  return fileURLToPath(new URL("../../data/", import.meta.url));
}

/** The default download cache: data/cache (one folder per dataset below it). */
export function defaultCacheDir(): string {
  return join(repoDataDir(), "cache");
}

/** The folder of embedded samples: data/samples. */
export function defaultSampleRoot(): string {
  return join(repoDataDir(), "samples");
}

/**
 * An environment variable, or undefined when unset, empty or not readable: without
 * `--allow-env=<name>` it is treated as unset (never prompts).
 */
export function readEnv(name: string): string | undefined {
  try {
    if (Deno.permissions.querySync({ name: "env", variable: name }).state !== "granted") {
      return undefined;
    }
    const v = Deno.env.get(name);
    return v === undefined || v === "" ? undefined : v;
  } catch {
    return undefined;
  }
}

/** True when `path` is an existing regular file. */
export async function isFile(path: string): Promise<boolean> {
  try {
    return (await Deno.stat(path)).isFile;
  } catch {
    return false;
  }
}

/** True when `path` is an existing folder. */
export async function isDir(path: string): Promise<boolean> {
  try {
    return (await Deno.stat(path)).isDirectory;
  } catch {
    return false;
  }
}

/** The files of a dataset found in one folder. */
export interface FoundFiles {
  /** Spec file name -> path found (a `.gz` file may also be found decompressed, without `.gz`). */
  paths: Record<string, string>;
  /** Spec file names not found. */
  missing: string[];
  /** The archive (CIFAR), when present in the folder. */
  archivePath?: string;
}

/** Looks for a dataset's canonical files in `root`. */
export async function findFiles(root: string, spec: DatasetSpec): Promise<FoundFiles> {
  const paths: Record<string, string> = {};
  const missing: string[] = [];
  for (const f of spec.files) {
    const candidates = [f.name];
    if (f.name.endsWith(".gz")) candidates.push(f.name.slice(0, -3));
    let hit: string | undefined;
    for (const c of candidates) {
      if (await isFile(join(root, c))) {
        hit = join(root, c);
        break;
      }
    }
    if (hit) paths[f.name] = hit;
    else missing.push(f.name);
  }
  const found: FoundFiles = { paths, missing };
  if (spec.archive && await isFile(join(root, spec.archive.name))) {
    found.archivePath = join(root, spec.archive.name);
  }
  return found;
}
