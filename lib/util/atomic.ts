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
