/**
 * Atomic file writes: write to a temporary file beside the target, then rename.
 * Nothing is ever visible under the final name until it is complete.
 * @module
 */
import { basename, dirname, join } from "node:path";

/** A temporary path beside `path` (same folder, so rename is atomic). */
export function tempPathFor(path: string): string {
  const rand = Math.random().toString(36).slice(2, 10);
  return join(dirname(path), `.${basename(path)}.${Deno.pid}.${rand}.tmp`);
}

/**
 * Checks, before long work, that an atomic write to `path` can succeed: creates the parent
 * folders and writes and removes a temporary file beside `path` (what `writeFileAtomic` will
 * do). Throws the file system's error otherwise.
 */
export function assertWritable(path: string): void {
  Deno.mkdirSync(dirname(path), { recursive: true });
  const probe = tempPathFor(path);
  Deno.writeFileSync(probe, new Uint8Array());
  Deno.removeSync(probe);
}

/** Writes bytes atomically, creating parent folders. */
export async function writeFileAtomic(path: string, data: Uint8Array): Promise<void> {
  await Deno.mkdir(dirname(path), { recursive: true });
  const tmp = tempPathFor(path);
  try {
    await Deno.writeFile(tmp, data);
    await Deno.rename(tmp, path);
  } catch (err) {
    await Deno.remove(tmp).catch(() => {});
    throw err;
  }
}

/** Writes text atomically, creating parent folders. */
export function writeTextAtomic(path: string, text: string): Promise<void> {
  return writeFileAtomic(path, new TextEncoder().encode(text));
}

/** Writes JSON (2-space indented, trailing newline) atomically. */
export function writeJsonAtomic(path: string, value: unknown): Promise<void> {
  return writeTextAtomic(path, JSON.stringify(value, null, 2) + "\n");
}

/**
 * True when process `pid` is certainly gone (Linux: no /proc/<pid>); false when it may be
 * alive or this cannot be told (another OS, no read permission).
 */
export function processGone(pid: number): boolean {
  // (Deno reads /proc/<pid> only with --allow-all; otherwise this says "not gone" and the
  // caller falls back to the age limit.)
  if (Deno.build.os !== "linux" || pid === Deno.pid) return false;
  try {
    Deno.statSync(`/proc/${pid}`);
    return false;
  } catch (err) {
    return err instanceof Deno.errors.NotFound;
  }
}

/**
 * Removes the temp files ({@linkcode tempPathFor}: `.<name>.<pid>.<rand>.tmp`) that writers
 * killed mid-write left in `dir`: those of a process that is gone, and any older than
 * `maxAgeMs` (default 5 minutes; a live writer renames its temp file within moments, a
 * download keeps touching its own). With `dirs`, also folders named `.<prefix>-<pid>-<rand>`
 * for each prefix (e.g. `extract`). Returns the names removed.
 */
export async function removeStaleTemps(
  dir: string,
  options: { maxAgeMs?: number; dirs?: readonly string[] } = {},
): Promise<string[]> {
  const removed: string[] = [];
  const maxAge = options.maxAgeMs ?? 5 * 60_000;
  let entries: Deno.DirEntry[];
  try {
    entries = await Array.fromAsync(Deno.readDir(dir));
  } catch {
    return removed;
  }
  for (const e of entries) {
    const file = e.isFile ? /^\..+\.(\d+)\.[a-z0-9]+\.tmp$/.exec(e.name) : null;
    const folder = e.isDirectory
      ? (options.dirs ?? []).map((p) => new RegExp(`^\\.${p}-(\\d+)-[a-z0-9]+$`).exec(e.name))
        .find((m) => m !== null)
      : null;
    const m = file ?? folder;
    if (!m) continue;
    const path = join(dir, e.name);
    const mtime = (await Deno.stat(path).catch(() => undefined))?.mtime;
    const old = !mtime || Date.now() - mtime.getTime() >= maxAge;
    if (!old && !processGone(Number(m[1]))) continue;
    try {
      await Deno.remove(path, { recursive: true });
      removed.push(e.name);
    } catch {
      // gone already, or not ours to remove: leave it
    }
  }
  return removed;
}
