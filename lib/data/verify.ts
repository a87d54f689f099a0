/**
 * Checking files against the registry's checksums.
 * @module
 */
import { DataError } from "../util/errors.ts";
import { md5File, md5Hex } from "./checksum.ts";
import { gunzipIfNeeded, isGzip } from "./gzip.ts";
import { readFileFast } from "./io.ts";
import type { ArchiveSpec, DataFileSpec } from "./registry.ts";
import { gunzipBounds } from "./sizes.ts";

/**
 * How a file compares with the registry:
 * `official` = byte-identical to the official file; `content` = its decompressed content is
 * identical (a gunzipped copy, or a known repackaging such as Debian's re-headered .gz);
 * `mismatch`; `unchecked` = not compared (verification off).
 */
export type CheckStatus = "official" | "content" | "mismatch" | "unchecked";

/** The checksum record of one file, as stored in results. */
export interface FileCheck {
  /** Canonical file name (relative to the dataset folder). */
  name: string;
  /** Path read. */
  path: string;
  bytes: number;
  /** MD5 of the file as stored. */
  md5: string;
  /** MD5 of the decompressed content, when it was computed. */
  contentMd5?: string;
  status: CheckStatus;
}

/**
 * Compares bytes already read with a file spec: the official file (or a known repackaging)
 * verifies by the MD5 of the stored bytes, before anything is decompressed; only otherwise is
 * the content decompressed (`content`, or a bounded gunzip: lib/data/sizes.ts) and hashed.
 * Content that cannot be decompressed within its bounds is a mismatch.
 */
export function checkBytes(
  spec: DataFileSpec | ArchiveSpec,
  path: string,
  stored: Uint8Array,
  content?: Uint8Array | (() => Uint8Array),
): FileCheck {
  const md5 = md5Hex(stored);
  const base: Omit<FileCheck, "status"> = { name: spec.name, path, bytes: stored.length, md5 };
  if (md5 === spec.md5) return { ...base, status: "official" };
  if ("repackMd5s" in spec && spec.repackMd5s?.includes(md5)) {
    return { ...base, status: "content" };
  }
  const want = "contentMd5" in spec ? spec.contentMd5 : undefined;
  if (want) {
    let raw: Uint8Array;
    try {
      raw = typeof content === "function"
        ? content()
        : content ?? (isGzip(stored) ? gunzipIfNeeded(stored, path, gunzipBounds(spec)) : stored);
    } catch (err) {
      if (err instanceof DataError) return { ...base, status: "mismatch" }; // corrupt gzip
      throw err;
    }
    const contentMd5 = raw === stored ? md5 : md5Hex(raw);
    return { ...base, contentMd5, status: contentMd5 === want ? "content" : "mismatch" };
  }
  return { ...base, status: "mismatch" };
}

/** Checks a file on disk against its spec (streams large files that need no decompression). */
export async function checkFile(
  spec: DataFileSpec | ArchiveSpec,
  path: string,
): Promise<FileCheck> {
  const hasContent = "contentMd5" in spec && !!spec.contentMd5;
  if (!hasContent) {
    const { md5, bytes } = await md5File(path);
    return {
      name: spec.name,
      path,
      bytes,
      md5,
      status: md5 === spec.md5 ? "official" : "mismatch",
    };
  }
  return checkBytes(spec, path, readFileFast(path));
}

/** A one-line description of a mismatch, naming the file and the expected checksums. */
export function mismatchMessage(check: FileCheck, spec: DataFileSpec | ArchiveSpec): string {
  const want = "contentMd5" in spec && spec.contentMd5
    ? `${spec.md5} (or content ${spec.contentMd5})`
    : spec.md5;
  const got = check.contentMd5 && check.contentMd5 !== check.md5
    ? `${check.md5} (content ${check.contentMd5})`
    : check.md5;
  return `checksum mismatch for ${check.path}: md5 ${got}, expected ${want}`;
}
