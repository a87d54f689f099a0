/**
 * `--shard 0/2` and `--shard 1/2`, started at once like two array jobs on one shared folder,
 * run disjoint halves of the grid; a later summary merges both.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { denoExecutable } from "../lib/experiments/process_pool.ts";
import { ablationArgs, listDir } from "./sweep_testing.ts";

Deno.test("ablation --shard 0/2 and 1/2: disjoint halves, union = grid, merged summary", async () => {
  const root = await Deno.makeTempDir();
  try {
    const dir = join(root, "fashion-mnist-sample");
    const grid = ["--classes", "0", "--transforms", "rot4,blur"];
    const run = async (extra: string[]) => {
      const args = ablationArgs(root, [...grid, ...extra]);
      const out = await new Deno.Command(denoExecutable(), { args }).output();
      const stderr = new TextDecoder().decode(out.stderr);
      assert.equal(out.code, 0, stderr);
      return stderr;
    };
    const [log0, log1] = await Promise.all([
      run(["--shard", "0/2", "--jobs", "1"]),
      run(["--shard", "1/2", "--jobs", "1"]),
    ]);
    // Grid order: rot4, blur; round robin: shard 0 runs rot4, shard 1 blur.
    assert.match(log0!, /2 runs in the grid, shard 0\/2: 1/);
    assert.match(log1!, /2 runs in the grid, shard 1\/2: 1/);
    assert.match(log0!, /\[1\/1\] geom rot4 class 0 seed 0: dirichlet/);
    assert.match(log1!, /\[1\/1\] geom blur class 0 seed 0: dirichlet/);
    assert.doesNotMatch(
      log0! + log1!,
      /geom rot4 .*\n(.*\n)*.*geom rot4|geom blur .*\n(.*\n)*.*geom blur/,
    );
    const files = await listDir(join(dir, "runs"));
    assert.deepEqual(files, [
      "smoke__blur__class-0__seed-0.json",
      "smoke__rot4__class-0__seed-0.json",
    ]);
    await run(["--summary-only"]);
    const summary = JSON.parse(await Deno.readTextFile(join(dir, "summary.json")));
    assert.equal(summary.runs.used, 2); // every result found, from both shards
    assert.deepEqual(summary.runs.missing, []);
    assert.deepEqual(summary.sets, ["rot4", "blur"]);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
