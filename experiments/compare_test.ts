/** `deno task compare` end to end: a real smoke run, a reused failed result, bad usage. */
import assert from "node:assert/strict";
import { join } from "node:path";
import { getMethod } from "../lib/detectors/registry.ts";
import { denoExecutable } from "../lib/experiments/pool.ts";
import { resultPath } from "../lib/experiments/result.ts";
import { resolveSweepData } from "../lib/experiments/sweep.ts";
import { fakeResult } from "../lib/experiments/testing.ts";
import { sweepArgs } from "./sweep_testing.ts";

function compare(root: string, extra: string[]): Promise<Deno.CommandOutput> {
  const args = sweepArgs("./compare.ts", root, extra);
  return new Deno.Command(denoExecutable(), { args }).output();
}

Deno.test("compare: an unknown method is a usage error listing the methods", async () => {
  const root = await Deno.makeTempDir();
  try {
    const out = await compare(root, ["--dataset", "fashion-mnist", "--methods", "geom,svdd"]);
    assert.equal(out.code, 2);
    const err = new TextDecoder().decode(out.stderr);
    assert.match(err, /^compare: error: unknown method 'svdd' \(choose from geom, raw-ocsvm, /);
    assert.deepEqual(await Array.fromAsync(Deno.readDir(root)), []); // nothing ran or written
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("compare: runs what is missing, reuses a failed result and reports its reason", async () => {
  const root = await Deno.makeTempDir();
  try {
    const dataset = "fashion-mnist-sample";
    const run = { dataset, normalClass: 0, seed: 0 };
    const failed = fakeResult(getMethod("raw-ocsvm-fair").plan("smoke"), {
      ...run,
      error: "Cannot fit: loss is NaN at epoch 2",
      origin: await resolveSweepData(dataset),
    });
    const failedPath = resultPath(root, { method: "raw-ocsvm-fair", preset: "smoke", ...run });
    await Deno.mkdir(join(failedPath, ".."), { recursive: true });
    await Deno.writeTextFile(failedPath, JSON.stringify(failed));
    const out = await compare(root, [
      "--dataset",
      dataset,
      "--classes",
      "0",
      "--methods",
      "raw-ocsvm,raw-ocsvm-fair",
      "--preset",
      "smoke",
    ]);
    const err = new TextDecoder().decode(out.stderr);
    assert.equal(out.code, 0, err);
    assert.match(err, /2 runs: 1 done already, 1 to run/);
    const dir = join(root, "compare", dataset);
    const md = await Deno.readTextFile(join(dir, "summary.md"));
    assert.match(md, /\| class +\| RAW-OC-SVM † \| RAW-OC-SVM \(fair\) \|/);
    assert.match(md, /\| T-shirt\/top \(0\) \| +\d+\.\d \| +failed \|/);
    assert.match(md, /- RAW-OC-SVM \(fair\), class 0, seed 0: Cannot fit: loss is NaN at epoch 2/);
    const summary = JSON.parse(await Deno.readTextFile(join(dir, "summary.json")));
    const cell = (m: string) =>
      summary.cells.find((c: { method: string; normalClass: unknown }) =>
        c.method === m && c.normalClass === 0
      );
    assert.equal(cell("raw-ocsvm").status, "ok");
    assert.equal(cell("raw-ocsvm").hindsight, true);
    assert.ok(cell("raw-ocsvm").mean > 0.5);
    assert.equal(cell("raw-ocsvm-fair").status, "failed");
    assert.ok((await Deno.stat(join(dir, "summary.html"))).size > 1e6); // plotly inlined
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
