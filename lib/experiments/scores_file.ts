/**
 * A run's per-image test scores, kept beside its result record (`--keep-scores`): the anomaly
 * score of every test image under every score variant, with the labels, classes and official
 * indices of the test images and a digest of the images themselves. Two runs kept this way can be
 * compared on the same test images after the fact (DeLong's paired test across methods or seeds,
 * {@linkcode pairedAcross}), without rerunning either.
 *
 * The file is `<record stem>.scores.json.gz` (gzipped JSON, so folder scans for `.json` records
 * pass it by), written atomically.
 * @module
 */
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { gzipSync } from "node:zlib";
import type { Images } from "../data/types.ts";
import { gunzipIfNeeded } from "../data/gzip.ts";
import type { PairedAurocs } from "../metrics/auroc_se.ts";
import { comparePaired } from "../metrics/evaluate.ts";
import { writeFileAtomic } from "../util/atomic.ts";
import { DataError, oneLine } from "../util/errors.ts";
import { resultDigest, runKey, type RunResult } from "./result.ts";

/** Schema identifier of {@linkcode ScoresFile}. */
export const SCORES_SCHEMA = "geomad.scores/v1";

/** The kept scores of one run. */
export interface ScoresFile {
  schema: typeof SCORES_SCHEMA;
  /** The run's key (`<method>/<dataset>/<preset>/class-<c>/seed-<s>`) and its record's digest. */
  run: string;
  recordDigest: string;
  /** SHA-256 of the test images as the detector saw them (shape and float32 pixels). */
  testDigest: string;
  /** Index of each test image in the official test split. */
  testIndices: number[];
  /** 1 = normal, 0 = anomalous, per test image. */
  labels: number[];
  /** Class of each test image. */
  classes: number[];
  /**
   * Anomaly score per variant (higher = more anomalous), aligned with the test images; in the
   * file an infinite score is the string "Infinity" or "-Infinity" (JSON has no infinities).
   */
  scores: Record<string, number[]>;
}

/** The kept-scores file of the result record at `resultPath` (`x.json` -> `x.scores.json.gz`). */
export function scoresPathOf(resultPath: string): string {
  return resultPath.replace(/\.json$/, "") + ".scores.json.gz";
}

/** SHA-256 (hex) of images: their shape, then their float32 pixels' bytes. */
export function imagesDigest(images: Images): string {
  const h = createHash("sha256");
  h.update(`${images.n}x${images.height}x${images.width}x${images.channels}\n`);
  const d = images.data;
  h.update(new Uint8Array(d.buffer, d.byteOffset, d.byteLength));
  return h.digest("hex");
}

/** The test data a scores file records. */
export interface ScoredTest {
  test: Images;
  testLabels: Uint8Array;
  testClasses?: Uint8Array;
  testIndices?: Int32Array;
}

/** A run's scores as a {@linkcode ScoresFile}. */
export function scoresFileOf(
  result: RunResult,
  scores: Record<string, Float64Array>,
  data: ScoredTest,
): ScoresFile {
  const n = data.testLabels.length;
  for (const [name, s] of Object.entries(scores)) {
    if (s.length !== n) throw new RangeError(`score '${name}' has ${s.length} values, ${n} images`);
  }
  return {
    schema: SCORES_SCHEMA,
    run: runKey(result),
    recordDigest: resultDigest(result), // the digest writeRunResult gives the record
    testDigest: imagesDigest(data.test),
    testIndices: Array.from(data.testIndices ?? Array.from({ length: n }, (_, i) => i)),
    labels: Array.from(data.testLabels),
    classes: Array.from(data.testClasses ?? data.testLabels),
    scores: Object.fromEntries(Object.entries(scores).map(([k, s]) => [k, Array.from(s)])),
  };
}

/** JSON of a scores file, infinities as strings. */
function encode(file: ScoresFile): string {
  return JSON.stringify(
    file,
    (_, v) => (v === Infinity ? "Infinity" : v === -Infinity ? "-Infinity" : v),
  );
}

const INFINITIES: Record<string, number> = { "Infinity": Infinity, "-Infinity": -Infinity };

/**
 * The most a scores file may hold once unzipped: 64 MiB, some 30 times a full test set's four
 * scores.
 */
export const MAX_SCORES_BYTES = 64 * 1024 * 1024;

/** Writes a scores file atomically (gzipped JSON). */
export async function writeScoresFile(path: string, file: ScoresFile): Promise<void> {
  await writeFileAtomic(path, gzipSync(new TextEncoder().encode(encode(file))));
}

const integers = (v: unknown, n: number) =>
  Array.isArray(v) && v.length === n && v.every((x) => Number.isSafeInteger(x));

/** Why `v` is not a scores file, or undefined. */
function scoresProblem(v: unknown): string | undefined {
  if (typeof v !== "object" || v === null || Array.isArray(v)) return "not a JSON object";
  const f = v as Record<string, unknown>;
  if (f.schema !== SCORES_SCHEMA) {
    return `schema ${JSON.stringify(f.schema)} is not ${SCORES_SCHEMA}`;
  }
  if (typeof f.run !== "string" || typeof f.testDigest !== "string") return "no run or testDigest";
  if (typeof f.recordDigest !== "string") return "no recordDigest";
  const labels = f.labels;
  if (!Array.isArray(labels) || !labels.every((x) => x === 0 || x === 1)) {
    return "'labels' is not a list of 0 and 1";
  }
  const n = labels.length;
  if (!integers(f.testIndices, n) || !integers(f.classes, n)) {
    return `'testIndices' or 'classes' is not ${n} integers`;
  }
  const scores = f.scores;
  if (typeof scores !== "object" || scores === null || Object.keys(scores).length === 0) {
    return "'scores' is missing or empty";
  }
  for (const [name, s] of Object.entries(scores)) {
    if (!Array.isArray(s) || s.length !== n) return `score '${name}' is not ${n} numbers`;
    for (let i = 0; i < n; i++) {
      const x = s[i];
      if (typeof x === "string" && Object.hasOwn(INFINITIES, x)) s[i] = INFINITIES[x];
      else if (typeof x !== "number") return `score '${name}' is not ${n} numbers`;
    }
  }
  return undefined;
}

/** Reads a scores file; DataError naming the file and the problem otherwise. */
export async function readScoresFile(path: string): Promise<ScoresFile> {
  let parsed: unknown;
  try {
    const bytes = gunzipIfNeeded(await Deno.readFile(path), path, { maxBytes: MAX_SCORES_BYTES });
    parsed = JSON.parse(new TextDecoder().decode(bytes));
  } catch (err) {
    if (err instanceof DataError) throw err; // gunzip's, naming the file already
    throw new DataError(`Cannot read scores ${path}: ${oneLine(err)}`);
  }
  const why = scoresProblem(parsed);
  if (why) throw new DataError(`Cannot read scores ${path}: ${why}`);
  return parsed as ScoresFile;
}

/**
 * The kept scores beside the result record at `resultPath` whose content digest is `digest`, or
 * why there are none: no scores file (the run was not kept with --keep-scores), or a file that
 * belongs to an earlier run at the same path (its recordDigest is not this record's). Either
 * way the run's scores come back with {@linkcode RERUN_HINT}.
 * @throws {DataError} for a scores file that cannot be read.
 */
export async function keptScoresOf(
  resultPath: string,
  digest: string | undefined,
): Promise<{ file: ScoresFile } | { missing: string; stale: boolean }> {
  const path = scoresPathOf(resultPath);
  let file: ScoresFile;
  try {
    file = await readScoresFile(path);
  } catch (err) {
    if (err instanceof DataError && !existsSync(path)) {
      return { missing: `no kept scores (${path})`, stale: false };
    }
    throw err;
  }
  if (digest === undefined || file.recordDigest !== digest) {
    return {
      missing: `${path} holds the scores of another run than ${resultPath} (an earlier run at ` +
        "the same path)",
      stale: true,
    };
  }
  return { file };
}

/**
 * How to give a finished run its scores: sweeps reuse finished results as they are, so it is the
 * run's own command that does it.
 */
export const RERUN_HINT = "run it again with `deno task run`, its flags and `--keep-scores " +
  "--force` (a kept checkpoint makes that a rescoring)";

/**
 * {@linkcode keptScoresOf} for a summary, which goes on without them: the scores, or why there
 * are none (an unreadable file included).
 */
export async function keptScoresOrWhy(
  resultPath: string,
  digest: string | undefined,
): Promise<{ scores?: ScoresFile; noScores?: string }> {
  try {
    const kept = await keptScoresOf(resultPath, digest);
    return "file" in kept ? { scores: kept.file } : { noScores: kept.missing };
  } catch (err) {
    return { noScores: oneLine(err) };
  }
}

/** Score `scoreA` of run `a` against score `scoreB` of run `b`, on the same test images. */
export interface PairedAcross extends PairedAurocs {
  /** How many test images, of them normal. */
  n: number;
  nNormal: number;
}

/**
 * DeLong's paired test of two kept runs' AUROCs (normal = positive), `a`'s score minus `b`'s, on
 * the test images they share. The runs may differ in method, seed or anything else, but must
 * have scored the same images (same digest, indices and labels).
 * @throws {DataError} when the test images differ or a score is missing.
 */
export function pairedAcross(
  a: ScoresFile,
  b: ScoresFile,
  scoreA: string,
  scoreB: string,
): PairedAcross {
  for (const [f, s] of [[a, scoreA], [b, scoreB]] as const) {
    if (!Object.hasOwn(f.scores, s)) {
      throw new DataError(
        `Cannot compare: run ${f.run} has no score '${s}' (it has ${
          Object.keys(f.scores).join(", ")
        })`,
      );
    }
  }
  const same = a.testDigest === b.testDigest && a.labels.length === b.labels.length &&
    a.testIndices.every((x, i) => x === b.testIndices[i]) &&
    a.labels.every((x, i) => x === b.labels[i]);
  if (!same) {
    throw new DataError(
      `Cannot compare ${a.run} with ${b.run}: they scored different test images ` +
        `(${a.labels.length} and ${b.labels.length}; digests ${a.testDigest.slice(0, 12)} and ` +
        `${b.testDigest.slice(0, 12)})`,
    );
  }
  const r = comparePaired(a.scores[scoreA]!, b.scores[scoreB]!, a.labels);
  return { ...r, n: a.labels.length, nNormal: a.labels.reduce((t, x) => t + x, 0) };
}
