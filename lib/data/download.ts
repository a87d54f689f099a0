/**
 * Downloads one file: streamed to a temporary file beside the target while its MD5 is
 * computed, renamed into place only when complete and verified. Any failure (HTTP error,
 * connection refused, interrupted transfer, checksum mismatch) removes the temporary file
 * and throws a one-line `DataError` naming the URL.
 * @module
 */
import { dirname } from "node:path";
import { tempPathFor } from "../util/atomic.ts";
import { DataError } from "../util/errors.ts";
import { Progress, type ProgressOptions } from "../util/progress.ts";
import { md5Stream } from "./checksum.ts";

/** Options for {@linkcode downloadFile}. */
export interface DownloadOptions {
  /** Expected MD5; a mismatch fails the download and nothing is saved. */
  md5?: string;
  /** Expected size (used for the progress bar when the server sends no Content-Length). */
  bytes?: number;
  /** No progress bar. */
  quiet?: boolean;
  /** Progress bar options (e.g. a custom writer). */
  progress?: ProgressOptions;
  /** Give up when the server sends nothing for this long (default 60 000 ms). */
  idleTimeoutMs?: number;
}

/** What was downloaded. */
export interface Downloaded {
  url: string;
  path: string;
  bytes: number;
  md5: string;
}

function reason(err: unknown): string {
  // fetch() puts the useful part ("Connection refused") in `cause`.
  const parts: string[] = [];
  for (let e: unknown = err, depth = 0; e !== undefined && depth < 5; depth++) {
    parts.push(e instanceof Error ? e.message : String(e));
    e = e instanceof Error ? e.cause : undefined;
  }
  const msg = parts.join(": ");
  if (/connection refused/i.test(msg)) return "connection refused";
  if (/dns error|failed to lookup|name or service not known/i.test(msg)) return "host not found";
  return msg.split("\n")[0]!.trim();
}

async function writeAll(file: Deno.FsFile, chunk: Uint8Array): Promise<void> {
  let off = 0;
  while (off < chunk.length) off += await file.write(chunk.subarray(off));
}

/**
 * Downloads `url` to `dest` (creating its folder). `dest` appears only when the transfer is
 * complete and matches `md5`.
 * @throws {DataError} naming the URL and what went wrong.
 */
export async function downloadFile(
  url: string,
  dest: string,
  options: DownloadOptions = {},
): Promise<Downloaded> {
  // Aborts when the server stays silent for idleTimeoutMs (the timer restarts on every chunk).
  const idleMs = options.idleTimeoutMs ?? 60_000;
  const abort = new AbortController();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const arm = () => {
    clearTimeout(timer);
    timer = setTimeout(() => abort.abort(new Error(`no data for ${idleMs / 1000} s`)), idleMs);
  };
  arm();
  try {
    return await download(url, dest, options, abort.signal, arm);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The response to a GET of `url` (no content encoding, so the bytes are the file's).
 * @throws {DataError} when the request fails or the status is not OK.
 */
async function openResponse(
  url: string,
  signal: AbortSignal,
): Promise<{ res: Response; body: ReadableStream<Uint8Array> }> {
  let res: Response;
  try {
    res = await fetch(url, { headers: { "accept-encoding": "identity" }, signal });
  } catch (err) {
    throw new DataError(`Cannot download ${url}: ${reason(signal.aborted ? signal.reason : err)}`);
  }
  if (!res.ok || !res.body) {
    await res.body?.cancel();
    throw new DataError(`Cannot download ${url}: HTTP ${res.status} ${res.statusText}`.trim());
  }
  return { res, body: res.body };
}

/** The progress bar of a download of `total` bytes (KiB steps), named after the file. */
function downloadBar(url: string, total: number, options: DownloadOptions): Progress {
  const name = url.slice(url.lastIndexOf("/") + 1) || url;
  return new Progress(name, Math.max(1, Math.ceil(total / 1024)), {
    unit: "KiB",
    quiet: options.quiet,
    ...options.progress,
  });
}

async function download(
  url: string,
  dest: string,
  options: DownloadOptions,
  signal: AbortSignal,
  onData: () => void,
): Promise<Downloaded> {
  const { res, body } = await openResponse(url, signal);
  const header = Number(res.headers.get("content-length") ?? NaN);
  const expected = Number.isFinite(header) ? header : undefined;
  const bar = downloadBar(url, expected ?? options.bytes ?? 0, options);
  await Deno.mkdir(dirname(dest), { recursive: true });
  const tmp = tempPathFor(dest);
  const hash = md5Stream();
  let got = 0;
  let shownKiB = 0;
  const file = await Deno.open(tmp, { write: true, createNew: true });
  const fail = async (msg: string): Promise<never> => {
    try {
      file.close();
    } catch { /* already closed */ }
    await Deno.remove(tmp).catch(() => {});
    throw new DataError(`Cannot download ${url}: ${msg}`);
  };
  try {
    for await (const chunk of body) {
      onData();
      hash.update(chunk);
      await writeAll(file, chunk);
      got += chunk.length;
      const kib = Math.floor(got / 1024);
      if (kib > shownKiB) {
        bar.tick(kib - shownKiB);
        shownKiB = kib;
      }
    }
  } catch (err) {
    const why = reason(signal.aborted ? signal.reason : err);
    return await fail(`transfer interrupted after ${got} bytes (${why}); nothing was saved`);
  }
  if (expected !== undefined && got !== expected) {
    return await fail(`truncated transfer: got ${got} of ${expected} bytes; nothing was saved`);
  }
  const md5 = hash.digest();
  if (options.md5 && md5 !== options.md5) {
    return await fail(`checksum mismatch: md5 ${md5}, expected ${options.md5}; nothing was saved`);
  }
  try {
    file.close();
    await Deno.rename(tmp, dest);
  } catch (err) {
    await Deno.remove(tmp).catch(() => {});
    throw new DataError(`Cannot save ${dest}: ${reason(err)}`);
  }
  bar.finish();
  return { url, path: dest, bytes: got, md5 };
}

/**
 * Tries `urls` in order (mirrors) and returns the first complete, verified download.
 * @throws {DataError} listing every URL's failure on one line.
 */
export async function downloadFirst(
  urls: readonly string[],
  dest: string,
  options: DownloadOptions = {},
): Promise<Downloaded> {
  const errors: string[] = [];
  for (const url of urls) {
    try {
      return await downloadFile(url, dest, options);
    } catch (err) {
      if (!(err instanceof DataError)) throw err;
      errors.push(err.message);
    }
  }
  if (errors.length === 0) throw new DataError(`Cannot download ${dest}: no URL to download from`);
  throw new DataError(errors.join("; "));
}
