/**
 * Writing a whole image folder atomically: the files go to a temporary folder beside the
 * destination, `concurrency` at a time, and the folder is renamed into place only when every file
 * is written. An existing destination is replaced only with `force`, and only after the new folder
 * is complete; a failure removes the temporary folder and leaves the destination as it was.
 * Shared by `data reencode` and `data export`.
 * @module
 */
import { dirname, join, resolve } from "node:path";
import { DataError, UsageError } from "../util/errors.ts";
import { Progress } from "../util/progress.ts";
import { forEachConcurrent } from "../util/concurrent.ts";

/** How {@linkcode writeFolderAtomic} writes. */
export interface FolderWriteOptions {
  /** Replace an existing destination (after the new folder is complete). */
  force?: boolean;
  /** Files written at once (default 16). */
  concurrency?: number;
  quiet?: boolean;
  /** Progress lines go here instead of stderr (tests). */
  onProgress?: (line: string, final: boolean) => void;
}

/** One file to write: its path relative to the folder and a function making its bytes. */
export interface FolderEntry {
  rel: string;
  bytes: () => Promise<Uint8Array>;
  /** What the error message names when `bytes` fails (default: `rel`). */
  source?: string;
}

function exists(path: string): boolean {
  try {
    Deno.lstatSync(path);
    return true;
  } catch {
    return false;
  }
}

/**
 * Throws UsageError when `out` exists and `force` is not set (call before any long work).
 */
export function checkDestination(out: string, force = false): void {
  if (exists(out) && !force) {
    throw new UsageError(`Cannot write ${resolve(out)}: it exists (pass --force to replace it)`);
  }
}

/**
 * Writes `entries` below the folder `out` (see the module doc); `label` names the progress bar.
 * Returns the bytes written.
 * @throws {UsageError} when `out` exists without `force`.
 * @throws {DataError} naming the first entry whose bytes cannot be made or written.
 */
export async function writeFolderAtomic(
  out: string,
  entries: readonly FolderEntry[],
  label: string,
  options: FolderWriteOptions = {},
): Promise<number> {
  out = resolve(out);
  checkDestination(out, options.force);
  const tmp = `${out}.tmp-${Deno.pid}`;
  await Deno.remove(tmp, { recursive: true }).catch(() => {});
  const progress = new Progress(label, entries.length, {
    unit: "img",
    quiet: options.quiet,
    write: options.onProgress,
  });
  let bytes = 0;
  try {
    await forEachConcurrent(entries, options.concurrency ?? 16, async (e) => {
      let data: Uint8Array;
      try {
        data = await e.bytes();
        await Deno.mkdir(dirname(join(tmp, e.rel)), { recursive: true });
        await Deno.writeFile(join(tmp, e.rel), data);
      } catch (err) {
        const msg = String((err as Error)?.message ?? err).split("\n")[0]!.trim();
        throw new DataError(`Cannot write ${e.source ?? e.rel}: ${msg}`);
      }
      bytes += data.length;
      progress.tick();
    });
  } catch (err) {
    await Deno.remove(tmp, { recursive: true }).catch(() => {});
    throw err;
  }
  progress.finish();
  if (exists(out)) {
    // Keep the old folder until the new one is in place.
    const old = `${out}.old-${Deno.pid}`;
    await Deno.rename(out, old);
    await Deno.rename(tmp, out);
    await Deno.remove(old, { recursive: true });
  } else {
    await Deno.rename(tmp, out);
  }
  return bytes;
}
