/**
 * The decoded-array cache of folder datasets: one file per (file list, sizes, modification
 * times, decoding options), `data/cache/folders/<group>-<key>.u8`, holding a JSON header and the
 * uint8 pixels and labels of both splits. The group names the folder and the decoding options;
 * storing an entry removes the older ones of its group, so a folder whose files change does not
 * pile up stale copies. Reading it back is one file read, so a folder of
 * 60,000 images loads again in about a second instead of being decoded anew.
 * @module
 */
import { join } from "node:path";
import { writeFileAtomic } from "../util/atomic.ts";
import { readFileFast } from "./io.ts";
import type { DecodedSplit } from "./folder_decode.ts";

const MAGIC = "GEOMADF1";
/** Bumped whenever decoding changes what an image decodes to (part of the cache key). */
export const FOLDER_CACHE_VERSION = 1;

/** What a cache file holds. */
export interface CachedFolder {
  classNames: string[];
  train: DecodedSplit;
  test: DecodedSplit;
}

interface Header {
  version: number;
  key: string;
  classNames: string[];
  height: number;
  width: number;
  channels: number;
  train: number;
  test: number;
}

/** The cache file of `key` in `group` below `cacheDir` (data/cache by default). */
export function folderCachePath(cacheDir: string, group: string, key: string): string {
  return join(cacheDir, "folders", `${group.slice(0, 16)}-${key.slice(0, 32)}.u8`);
}

/** The cache files of `group` below `cacheDir` (paths, sorted). */
export function folderCacheFiles(cacheDir: string, group: string): string[] {
  const dir = join(cacheDir, "folders"), prefix = `${group.slice(0, 16)}-`;
  try {
    return [...Deno.readDirSync(dir)]
      .filter((e) => e.isFile && e.name.startsWith(prefix) && e.name.endsWith(".u8"))
      .map((e) => join(dir, e.name)).sort();
  } catch {
    return [];
  }
}

/**
 * Reads a cache file; undefined when it is missing, damaged, or holds another key (a damaged
 * file is simply decoded again and overwritten).
 */
export function readFolderCache(path: string, key: string): CachedFolder | undefined {
  let bytes: Uint8Array;
  try {
    bytes = readFileFast(path);
  } catch {
    return undefined;
  }
  try {
    if (new TextDecoder().decode(bytes.subarray(0, 8)) !== MAGIC) return undefined;
    const len = new DataView(bytes.buffer, bytes.byteOffset + 8, 4).getUint32(0, true);
    const h = JSON.parse(new TextDecoder().decode(bytes.subarray(12, 12 + len))) as Header;
    if (h.version !== FOLDER_CACHE_VERSION || h.key !== key) return undefined;
    const size = h.height * h.width * h.channels;
    let at = 12 + len;
    const take = (n: number) => {
      const part = bytes.subarray(at, at + n);
      at += n;
      return part;
    };
    const split = (n: number): DecodedSplit => ({
      images: take(n * size),
      labels: take(n),
      n,
      height: h.height,
      width: h.width,
      channels: h.channels,
    });
    const train = split(h.train), test = split(h.test);
    if (at !== bytes.length) return undefined;
    return { classNames: h.classNames, train, test };
  } catch {
    return undefined;
  }
}

/**
 * Writes a cache file atomically, then removes the other files of its group (`group`: see
 * {@linkcode folderCachePath}).
 */
export async function writeFolderCache(
  path: string,
  key: string,
  data: CachedFolder,
  group?: { cacheDir: string; group: string },
): Promise<void> {
  const header: Header = {
    version: FOLDER_CACHE_VERSION,
    key,
    classNames: data.classNames,
    height: data.train.height,
    width: data.train.width,
    channels: data.train.channels,
    train: data.train.n,
    test: data.test.n,
  };
  const head = new TextEncoder().encode(JSON.stringify(header));
  const parts = [
    data.train.images,
    data.train.labels,
    data.test.images,
    data.test.labels,
  ];
  const total = 12 + head.length + parts.reduce((s, p) => s + p.length, 0);
  const out = new Uint8Array(total);
  out.set(new TextEncoder().encode(MAGIC), 0);
  new DataView(out.buffer).setUint32(8, head.length, true);
  out.set(head, 12);
  let at = 12 + head.length;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  await writeFileAtomic(path, out);
  if (group) {
    for (const old of folderCacheFiles(group.cacheDir, group.group)) {
      if (old !== path) await Deno.remove(old).catch(() => {});
    }
  }
}
