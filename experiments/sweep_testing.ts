/**
 * Helpers of the sweep CLI tests (`deno task ablation`, `deno task compare`): their command
 * lines writing under a folder, folder listings, and one smoke comparison shared by the tests
 * that only read what it wrote.
 * @module
 */
import assert from "node:assert/strict";
import { denoExecutable } from "../lib/experiments/process_pool.ts";
import { CHROMIUM, findTool } from "../lib/util/tool_testing.ts";

/**
 * `deno run` args of the sweep CLI `script` (a file beside this one) with the task's permissions,
 * writing under `root`, without PNG export (`noPng: false` for a CLI without `--no-png`).
 */
export function sweepArgs(
  script: string,
  root: string,
  extra: string[],
  { noPng = true }: { noPng?: boolean } = {},
): string[] {
  return [
    "run",
    "--allow-read",
    `--allow-write=${root}`,
    "--allow-env",
    "--allow-run=deno",
    "--allow-ffi",
    new URL(script, import.meta.url).pathname,
    "--root",
    root,
    ...(noPng ? ["--no-png"] : []),
    ...extra,
  ];
}

/**
 * `deno run` args of `deno task run` (experiments/run.ts) with the task's permissions, writing
 * under `dir`.
 */
export function runTaskArgs(dir: string): string[] {
  return [
    "run",
    "--allow-read",
    `--allow-write=${dir}`,
    "--allow-env",
    "--allow-ffi",
    new URL("./run.ts", import.meta.url).pathname,
  ];
}

/** `deno run` args of the ablation CLI (smoke preset, embedded sample) writing under `root`. */
export function ablationArgs(root: string, extra: string[]): string[] {
  return sweepArgs("./ablation.ts", root, [
    "--dataset",
    "fashion-mnist-sample",
    "--preset",
    "smoke",
    ...extra,
  ]);
}

/** File names in `dir` (sorted), [] when it does not exist. */
export async function listDir(dir: string): Promise<string[]> {
  try {
    return (await Array.fromAsync(Deno.readDir(dir))).map((e) => e.name).sort();
  } catch {
    return [];
  }
}

/** Runs `deno` with `args`; fails the test with the child's stderr when it exits non-zero. */
export async function runDeno(args: string[]): Promise<void> {
  const out = await new Deno.Command(denoExecutable(), { args }).output();
  assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
}

/** The dataset of {@link smokeCompare}. */
export const SMOKE_COMPARE_DATASET = "fashion-mnist-sample";

/** A finished smoke comparison: its root folder and the browser its figures were drawn with. */
export interface SmokeCompare {
  root: string;
  /** Chromium's path when it was found (then the summary's figures exist as SVG, PDF, PNG). */
  chromium?: string;
}

let shared: Promise<SmokeCompare> | undefined;

/**
 * `deno task compare` of raw-ocsvm and dsebm on classes 0 and 1 of the embedded sample (smoke
 * preset) in a temp folder, with the summary's figures when chromium is installed. It runs once
 * per test process: every test file of the process that calls this reads the same folder, so
 * callers must only read it (or write beside it, e.g. an index page). The folder is removed
 * when the process exits.
 */
export function smokeCompare(): Promise<SmokeCompare> {
  shared ??= (async () => {
    const chromium = findTool(CHROMIUM);
    const root = await Deno.makeTempDir({ prefix: "geomad-smoke-compare-" });
    globalThis.addEventListener("unload", () => {
      try {
        Deno.removeSync(root, { recursive: true });
      } catch {
        // already gone
      }
    });
    const args = sweepArgs("./compare.ts", root, [
      "--dataset",
      SMOKE_COMPARE_DATASET,
      "--classes",
      "0,1",
      "--methods",
      "raw-ocsvm,dsebm",
      "--preset",
      "smoke",
    ]).filter((a) => a !== "--no-png" || !chromium)
      .map((a) => a === "--allow-run=deno" ? `--allow-run=deno,${chromium ?? "deno"}` : a);
    await runDeno(args);
    return { root, chromium };
  })();
  return shared;
}
