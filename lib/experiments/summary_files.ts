/**
 * Reading the summary files that `deno task ablation` and `deno task compare` write
 * (results/ablation/<dataset>/summary.json, results/compare/<dataset>/summary.json), for
 * notebooks and reports. A missing file is not an error (the sweep has not run yet); a file
 * that is not such a summary is.
 * @module
 */
import type { AblationSummary } from "./ablation_summary.ts";
import type { CompareSummary } from "./compare_summary.ts";
import { DataError } from "../util/errors.ts";

/** Schema prefix of ablation summaries (`geomad.ablation/v1`, ...). */
export const ABLATION_SCHEMA_PREFIX = "geomad.ablation/";
/** Schema prefix of comparison summaries (`geomad.compare/v1`, ...). */
export const COMPARE_SCHEMA_PREFIX = "geomad.compare/";

/** Options for {@linkcode readSummaryFile}. */
export interface ReadSummaryFileOptions {
  /** The `schema` field must start with this. */
  schema: string;
  /** Top-level fields that must be arrays. */
  arrays?: readonly string[];
  /** Top-level fields that must be non-empty strings. */
  strings?: readonly string[];
}

/**
 * The parsed JSON object at `path`, or undefined when there is no such file. Throws DataError
 * when the file cannot be read or parsed, is not an object, its `schema` does not start with
 * `options.schema`, or a required field is missing or of the wrong type.
 */
export async function readSummaryFile(
  path: string,
  options: ReadSummaryFileOptions,
): Promise<Record<string, unknown> | undefined> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return undefined;
    throw new DataError(`Cannot read summary ${path}: ${(err as Error).message}`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new DataError(`Cannot read summary ${path}: not JSON (${(err as Error).message})`);
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new DataError(`Cannot read summary ${path}: not a JSON object`);
  }
  const obj = value as Record<string, unknown>;
  if (typeof obj.schema !== "string" || !obj.schema.startsWith(options.schema)) {
    throw new DataError(
      `Cannot read summary ${path}: schema is ${JSON.stringify(obj.schema ?? null)}, ` +
        `expected ${options.schema}*`,
    );
  }
  for (const key of options.arrays ?? []) {
    if (!Array.isArray(obj[key])) {
      throw new DataError(`Cannot read summary ${path}: '${key}' is not an array`);
    }
  }
  for (const key of options.strings ?? []) {
    if (typeof obj[key] !== "string" || obj[key] === "") {
      throw new DataError(`Cannot read summary ${path}: '${key}' is not a non-empty string`);
    }
  }
  return obj;
}

/**
 * The ablation summary at `path` (`deno task ablation` writes
 * results/ablation/<dataset>/summary.json), or undefined when it does not exist yet.
 * Throws DataError for a file that is not an ablation summary.
 */
export async function readAblationSummary(path: string): Promise<AblationSummary | undefined> {
  const obj = await readSummaryFile(path, {
    schema: ABLATION_SCHEMA_PREFIX,
    arrays: ["sets", "scores", "classes", "seeds", "cells", "statements", "classNames"],
    strings: ["dataset"],
  });
  return obj as AblationSummary | undefined;
}

/**
 * The comparison summary at `path` (`deno task compare` writes
 * results/compare/<dataset>/summary.json), or undefined when it does not exist yet.
 * Throws DataError for a file that is not a comparison summary.
 */
export async function readCompareSummary(path: string): Promise<CompareSummary | undefined> {
  const obj = await readSummaryFile(path, {
    schema: COMPARE_SCHEMA_PREFIX,
    arrays: ["methods", "classes", "cells"],
    strings: ["dataset"],
  });
  return obj as CompareSummary | undefined;
}
