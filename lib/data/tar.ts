/**
 * A small, safe reader and extractor for (gzipped) tar archives: ustar, GNU long names and
 * pax path headers. Entries with absolute paths or `..` components, links and special files
 * are rejected before anything is written, so extraction never leaves the target folder.
 * @module
 */
import { dirname, join } from "node:path";
import { DataError } from "../util/errors.ts";
import { gunzipIfNeeded, type GunzipOptions } from "./gzip.ts";
import { readFileFast } from "./io.ts";

/** One archive entry. */
export interface TarEntry {
  /** The path as stored (after GNU/pax long-name resolution). */
  path: string;
  type: "file" | "dir" | "symlink" | "hardlink" | "other";
  /** File contents (a view into the archive bytes); empty for non-files. */
  data: Uint8Array;
  /** Link target for links. */
  linkTarget?: string;
}

const BLOCK = 512;
const dec = new TextDecoder();

function field(b: Uint8Array, off: number, len: number): string {
  const s = b.subarray(off, off + len);
  const end = s.indexOf(0);
  return dec.decode(end < 0 ? s : s.subarray(0, end));
}

function octal(b: Uint8Array, off: number, len: number, archive: string): number {
  if (b[off]! & 0x80) { // GNU base-256 encoding for large values
    let v = 0;
    for (let i = 1; i < len; i++) v = v * 256 + b[off + i]!;
    return v;
  }
  const s = field(b, off, len).trim();
  if (s === "") return 0;
  if (!/^[0-7]+$/.test(s)) throw new DataError(`Cannot read ${archive}: corrupt tar header`);
  return parseInt(s, 8);
}

function checksumOk(h: Uint8Array, archive: string): boolean {
  const stored = octal(h, 148, 8, archive);
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 32 : h[i]!;
  return sum === stored;
}

function paxPath(data: Uint8Array, key: string): string | undefined {
  // Records: "<len> <key>=<value>\n".
  const text = dec.decode(data);
  let pos = 0;
  let found: string | undefined;
  while (pos < text.length) {
    const sp = text.indexOf(" ", pos);
    if (sp < 0) break;
    const len = parseInt(text.slice(pos, sp), 10);
    if (!(len > 0)) break;
    const rec = text.slice(sp + 1, pos + len - 1);
    const eq = rec.indexOf("=");
    if (eq > 0 && rec.slice(0, eq) === key) found = rec.slice(eq + 1);
    pos += len;
  }
  return found;
}

/** The path a header names: its name field, after the ustar prefix when there is one. */
function headerPath(h: Uint8Array): string {
  const path = field(h, 0, 100);
  if (!field(h, 257, 6).startsWith("ustar")) return path;
  const prefix = field(h, 345, 155);
  return prefix ? `${prefix}/${path}` : path;
}

/** The entry type of a header's type flag. */
function entryType(flag: string): TarEntry["type"] {
  return flag === "0" || flag === "\0" || flag === "7"
    ? "file"
    : flag === "5"
    ? "dir"
    : flag === "2"
    ? "symlink"
    : flag === "1"
    ? "hardlink"
    : "other";
}

/**
 * Lists the entries of an uncompressed tar archive held in memory.
 * @throws {DataError} naming `archive` on a bad header checksum or a truncated archive.
 */
export function readTar(bytes: Uint8Array, archive: string): TarEntry[] {
  const entries: TarEntry[] = [];
  let pos = 0;
  let longName: string | undefined;
  let longLink: string | undefined;
  while (pos + BLOCK <= bytes.length) {
    const h = bytes.subarray(pos, pos + BLOCK);
    if (h.every((x) => x === 0)) return entries; // end-of-archive marker
    if (!checksumOk(h, archive)) {
      throw new DataError(`Cannot read ${archive}: corrupt tar header at byte ${pos}`);
    }
    const size = octal(h, 124, 12, archive);
    const flag = String.fromCharCode(h[156]!);
    const start = pos + BLOCK;
    const end = start + size;
    if (end > bytes.length) {
      throw new DataError(`Cannot read ${archive}: truncated tar archive (entry at byte ${pos})`);
    }
    const data = bytes.subarray(start, end);
    pos = start + Math.ceil(size / BLOCK) * BLOCK;
    if (flag === "L") {
      longName = field(data, 0, data.length);
      continue;
    }
    if (flag === "K") {
      longLink = field(data, 0, data.length);
      continue;
    }
    if (flag === "x") {
      longName = paxPath(data, "path") ?? longName;
      longLink = paxPath(data, "linkpath") ?? longLink;
      continue;
    }
    if (flag === "g") continue;
    const path = longName ?? headerPath(h);
    const linkTarget = longLink ?? field(h, 157, 100);
    longName = longLink = undefined;
    const type = entryType(flag);
    entries.push(
      type === "symlink" || type === "hardlink"
        ? { path, type, data: data.subarray(0, 0), linkTarget }
        : { path, type, data: type === "file" ? data : data.subarray(0, 0) },
    );
  }
  throw new DataError(`Cannot read ${archive}: truncated tar archive (no end marker)`);
}

/**
 * The entry's relative path with `.` components removed.
 * @throws {DataError} when the path is absolute or has a `..` component.
 */
export function safeEntryPath(path: string, archive: string): string {
  if (path.startsWith("/") || /^[A-Za-z]:/.test(path) || path.includes("\\")) {
    throw new DataError(`Cannot extract ${archive}: entry '${path}' has an absolute path`);
  }
  const parts = path.split("/").filter((p) => p !== "" && p !== ".");
  if (parts.includes("..")) {
    throw new DataError(
      `Cannot extract ${archive}: entry '${path}' escapes the target folder (..)`,
    );
  }
  return parts.join("/");
}

/**
 * Extracts a tar or tar.gz file into `dir`, which must not exist yet. Every entry is checked
 * first (paths, types); on any error `dir` is removed, so nothing half-extracted remains.
 * Links and special files are rejected (the CIFAR archives have none).
 * @returns the relative paths of the extracted files.
 * @throws {DataError} naming the archive and the offending entry.
 */
export async function extractTarGz(
  archivePath: string,
  dir: string,
  bounds: GunzipOptions = {},
): Promise<string[]> {
  const raw = gunzipIfNeeded(readFileFast(archivePath), archivePath, bounds);
  const entries = readTar(raw, archivePath);
  const plan: { rel: string; entry: TarEntry }[] = [];
  for (const entry of entries) {
    const rel = safeEntryPath(entry.path, archivePath);
    if (entry.type === "symlink" || entry.type === "hardlink") {
      throw new DataError(
        `Cannot extract ${archivePath}: entry '${entry.path}' is a link to '${entry.linkTarget}' (links are not extracted)`,
      );
    }
    if (entry.type === "other") {
      throw new DataError(`Cannot extract ${archivePath}: entry '${entry.path}' is a special file`);
    }
    if (rel !== "") plan.push({ rel, entry });
  }
  await Deno.mkdir(dir, { recursive: false });
  const files: string[] = [];
  try {
    for (const { rel, entry } of plan) {
      const out = join(dir, rel);
      if (entry.type === "dir") {
        await Deno.mkdir(out, { recursive: true });
      } else {
        await Deno.mkdir(dirname(out), { recursive: true });
        await Deno.writeFile(out, entry.data);
        files.push(rel);
      }
    }
  } catch (err) {
    await Deno.remove(dir, { recursive: true }).catch(() => {});
    throw err;
  }
  return files;
}
