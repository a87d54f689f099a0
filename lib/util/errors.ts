/**
 * Error kinds that the CLIs turn into one-line messages and exit codes.
 * @module
 */

/** Bad command-line usage (unknown flag, missing argument): exit code 2. */
export class UsageError extends Error {
  override name = "UsageError";
}

/** Bad or unavailable input data (corrupt file, checksum mismatch, missing folder): exit code 1. */
export class DataError extends Error {
  override name = "DataError";
}

/** A run that failed for a reason worth reporting (NaN loss, divergence): exit code 1. */
export class RunError extends Error {
  override name = "RunError";
}

/** Exit code for an error: 2 for usage errors, 1 for everything else. */
export function exitCodeFor(err: unknown): number {
  return err instanceof UsageError ? 2 : 1;
}

/** A one-line message for an error (first line of its message, never a stack). */
export function oneLine(err: unknown): string {
  const msg = err instanceof Error ? err.message : String(err);
  return msg.split("\n")[0]!.trim();
}
