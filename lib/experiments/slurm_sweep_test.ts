import assert from "node:assert/strict";
import { join, resolve } from "node:path";
import { forwardFlags, readSubmissions, stateCounts } from "./slurm_sweep.ts";

Deno.test("forwardFlags: every set flag but Slurm's and the per-job ones; paths absolute", () => {
  const args = forwardFlags({
    dataset: "cifar10",
    root: "results/x",
    "data-dir": "/data",
    precision: "bf16", // a flag this module does not know of is repeated too
    "no-png": true,
    quiet: false,
    backend: undefined,
    slurm: true,
    submit: true,
    partition: "gpu",
    "runs-per-task": "2",
    shard: "0/2",
    jobs: "4",
    "retry-failed": true,
    "summary-only": false,
  }, ["root", "data-dir"]);
  assert.deepEqual(args, [
    "--dataset",
    "cifar10",
    "--root",
    resolve("results/x"),
    "--data-dir",
    "/data",
    "--precision",
    "bf16",
    "--no-png",
  ]);
});

Deno.test("readSubmissions: [] when absent, a one-line error when damaged", async () => {
  const dir = await Deno.makeTempDir();
  try {
    assert.deepEqual(await readSubmissions(dir), []);
    await Deno.writeTextFile(join(dir, "jobs.json"), "{");
    await assert.rejects(readSubmissions(dir), /jobs\.json is not valid JSON .*remove it/);
    await Deno.writeTextFile(join(dir, "jobs.json"), '{"schema": "x"}');
    await assert.rejects(readSubmissions(dir), /is not a geomad\.slurm-jobs\/v1 record/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("stateCounts: every state, in a fixed order", () => {
  assert.equal(
    stateCounts([{ out: "a", state: "done" }, { out: "b", state: "missing" }]),
    "1 done, 0 running, 0 pending, 0 failed, 1 missing",
  );
});
