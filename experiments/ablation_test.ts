/**
 * The ablation survives kill -9: real GEOM smoke runs, the ablation killed after its first
 * result, a damaged file planted, then the same command finishes the grid.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { denoExecutable } from "../lib/experiments/process_pool.ts";
import { readRunResult } from "../lib/experiments/result.ts";
import { ablationArgs, listDir } from "./sweep_testing.ts";

Deno.test("ablation: kill -9 after the first result, restart, the grid completes intact", async () => {
  const root = await Deno.makeTempDir();
  try {
    const runs = join(root, "fashion-mnist-sample", "runs");
    const args = ablationArgs(root, ["--classes", "0,1", "--transforms", "rot4", "--jobs", "1"]);
    const first = new Deno.Command(denoExecutable(), { args, stdout: "null", stderr: "null" })
      .spawn();
    let done: string[] = [];
    for (let i = 0; i < 1200 && done.length === 0; i++) {
      await new Promise((r) => setTimeout(r, 100));
      done = (await listDir(runs)).filter((n) => n.endsWith(".json") && !n.startsWith("."));
    }
    first.kill("SIGKILL");
    await first.status;
    assert.deepEqual(done, ["smoke__rot4__class-0__seed-0.json"]);
    const before = await Deno.readTextFile(join(runs, done[0]!));
    // A damaged result (as a non-atomic writer killed mid-write would leave) must be rerun.
    await Deno.writeTextFile(join(runs, "smoke__rot4__class-1__seed-0.json"), '{"schema": "geo');

    const second = await new Deno.Command(denoExecutable(), { args }).output();
    const stderr = new TextDecoder().decode(second.stderr);
    assert.equal(second.code, 0, stderr);
    assert.match(stderr, /2 runs: 1 done already, 1 to run \(0 stale, 1 damaged\)/);
    const names = await listDir(runs);
    assert.deepEqual(names, [0, 1].map((c) => `smoke__rot4__class-${c}__seed-0.json`));
    assert.equal(await Deno.readTextFile(join(runs, done[0]!)), before, "finished run redone");
    for (const n of names) {
      const r = await readRunResult(join(runs, n));
      assert.equal(r.status, "ok");
      assert.equal(r.hyperparameters.transforms, "rot4");
      assert.ok(r.metrics.dirichlet && r.metrics.simple, n);
    }
    const summary = JSON.parse(
      await Deno.readTextFile(join(root, "fashion-mnist-sample", "summary.json")),
    );
    assert.equal(summary.runs.used, 2);
    assert.deepEqual(summary.runs.missing, []);
    assert.deepEqual(summary.runs.ignored, []);
    assert.deepEqual(summary.classes, [0, 1]);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
