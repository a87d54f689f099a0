/**
 * Helpers of the sweep CLI tests (`deno task ablation`, `deno task compare`): their command
 * lines writing under a folder, and folder listings.
 * @module
 */

/**
 * `deno run` args of the sweep CLI `script` (a file beside this one) with the task's permissions,
 * writing under `root`, without PNG export.
 */
export function sweepArgs(script: string, root: string, extra: string[]): string[] {
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
    "--no-png",
    ...extra,
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
