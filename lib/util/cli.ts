/**
 * Shared CLI plumbing: run a main function, print one-line errors, exit with the right code.
 * @module
 */
import { parseArgs, type ParseArgsConfig } from "node:util";
import { exitCodeFor, oneLine, UsageError } from "./errors.ts";

/**
 * Runs `main` and exits: 0 on success, 2 on `UsageError`, 1 on any other error, printing
 * `<prog>: <message>` on one line (set GEOMAD_DEBUG=1 to see the stack).
 */
export async function runCli(prog: string, main: () => Promise<void> | void): Promise<never> {
  try {
    await main();
    Deno.exit(0);
  } catch (err) {
    console.error(`${prog}: error: ${oneLine(err)}`);
    if (debugEnabled() && err instanceof Error) console.error(err.stack);
    Deno.exit(exitCodeFor(err));
  }
}

function debugEnabled(): boolean {
  try {
    return Boolean(Deno.env.get("GEOMAD_DEBUG"));
  } catch {
    return false; // no --allow-env for it: never a reason to crash while reporting an error
  }
}

/** `node:util` parseArgs that throws `UsageError` (exit 2) instead of a TypeError. */
export function parseFlags<T extends ParseArgsConfig["options"]>(
  args: string[],
  options: T,
  allowPositionals = true,
) {
  try {
    return parseArgs({ args, options, allowPositionals, strict: true });
  } catch (err) {
    throw new UsageError(oneLine(err));
  }
}

/** Parses an integer flag value, throwing `UsageError` with the flag's name when invalid. */
export function intFlag(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n)) throw new UsageError(`--${name} must be an integer, got '${value}'`);
  return n;
}

/** Parses a comma-separated list flag. */
export function listFlag(value: string | undefined): string[] | undefined {
  if (value === undefined) return undefined;
  return value.split(",").map((s) => s.trim()).filter((s) => s.length > 0);
}
