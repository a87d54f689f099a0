/**
 * Gzip detection and decompression with one-line `DataError`s naming the file.
 * @module
 */
import { gunzipSync } from "node:zlib";
import { DataError } from "../util/errors.ts";

/** True when `bytes` starts with the gzip magic number (1f 8b). */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/**
 * Decompresses `bytes` when it is gzip data, otherwise returns it unchanged.
 * A file whose name ends in `.gz` must be gzip data.
 * @throws {DataError} on corrupt or truncated gzip data, naming `name`.
 */
export function gunzipIfNeeded(bytes: Uint8Array, name: string): Uint8Array {
  if (!isGzip(bytes)) {
    if (name.endsWith(".gz")) {
      throw new DataError(`Cannot read ${name}: not gzip data (no 1f 8b magic number)`);
    }
    return bytes;
  }
  let out: Uint8Array;
  try {
    out = gunzipSync(bytes, { chunkSize: outputChunkSize(bytes) });
  } catch (err) {
    const why = err instanceof Error ? err.message.split("\n")[0] : String(err);
    throw new DataError(`Cannot read ${name}: corrupt or truncated gzip data (${why})`);
  }
  return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
}

/**
 * An output chunk as large as the decompressed data (read from the gzip trailer's ISIZE),
 * so zlib fills one buffer instead of concatenating 16 KiB pieces: ~1.5x less CPU for the
 * 47 MB Fashion-MNIST training images. Bounded to [64 KiB, 1 GiB].
 */
function outputChunkSize(gz: Uint8Array): number {
  if (gz.length < 18) return 1 << 16;
  const n = gz.length;
  const isize = (gz[n - 4]! | (gz[n - 3]! << 8) | (gz[n - 2]! << 16) | (gz[n - 1]! << 24)) >>> 0;
  return Math.min(Math.max(isize + 64, 1 << 16), 1 << 30);
}
