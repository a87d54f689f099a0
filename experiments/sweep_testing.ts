/**
 * Helpers of the ablation CLI tests: the command line of a smoke ablation under a folder.
 * @module
 */

const ABLATION = new URL("./ablation.ts", import.meta.url).pathname;

/** `deno run` args of the ablation CLI (smoke preset, embedded sample) writing under `root`. */
export function ablationArgs(root: string, extra: string[]): string[] {
  return [
    "run",
    "--allow-read",
    `--allow-write=${root}`,
    "--allow-env",
    "--allow-run=deno",
    "--allow-ffi",
    ABLATION,
    "--dataset",
    "fashion-mnist-sample",
    "--preset",
    "smoke",
    "--root",
    root,
    "--no-png",
    ...extra,
  ];
}

/** File names in `dir` (sorted), [] when it does not exist. */
export async function listDir(dir: string): Promise<string[]> {
  try {
    return (await Array.fromAsync(Deno.readDir(dir))).map((e) => e.name).sort();
  } catch {
    return [];
  }
}
