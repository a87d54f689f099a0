/** `deno task compare` end to end: a real smoke run, a reused failed result, bad usage. */
import assert from "node:assert/strict";
import { join } from "node:path";
import { getMethod, methodNames } from "../lib/detectors/catalogue.ts";
import { denoExecutable } from "../lib/experiments/process_pool.ts";
import { resultPath } from "../lib/experiments/result.ts";
import { resolveSweepData } from "../lib/experiments/sweep.ts";
import { fakeResult } from "../lib/experiments/testing.ts";
import { readRunResult } from "../lib/experiments/result.ts";
import { folderCacheFiles } from "../lib/data/folder_cache.ts";
import { cacheGroup } from "../lib/data/folder_scan.ts";
import { defaultCacheDir } from "../lib/data/paths.ts";
import { writeImageFolder } from "../lib/data/testdata/folder_fixtures.ts";
import { listDir, sweepArgs } from "./sweep_testing.ts";
import { defaultMethods } from "./compare.ts";

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

Deno.test("compare --keep-scores: each method against the first on the same test images", async () => {
  const root = await Deno.makeTempDir();
  try {
    const dataset = "fashion-mnist-sample";
    // A result finished without kept scores is reused as it is, and listed as not paired.
    const run = { dataset, normalClass: 1, seed: 0 };
    const done = fakeResult(getMethod("raw-ocsvm-fair").plan("smoke"), {
      ...run,
      auroc: { "raw-ocsvm-fair": 0.6 },
      origin: await resolveSweepData(dataset),
    });
    const donePath = resultPath(root, { method: "raw-ocsvm-fair", preset: "smoke", ...run });
    await Deno.mkdir(join(donePath, ".."), { recursive: true });
    await Deno.writeTextFile(donePath, JSON.stringify(done));
    const out = await compare(root, [
      "--dataset",
      dataset,
      "--classes",
      "0,1",
      "--methods",
      "raw-ocsvm,raw-ocsvm-fair",
      "--preset",
      "smoke",
      "--keep-scores",
    ]);
    const err = new TextDecoder().decode(out.stderr);
    assert.equal(out.code, 0, err);
    assert.match(err, /4 runs: 1 done already, 3 to run/);
    const dir = join(root, "compare", dataset);
    const summary = JSON.parse(await Deno.readTextFile(join(dir, "summary.json")));
    assert.equal(summary.paired.vs, "raw-ocsvm");
    assert.equal(summary.paired.pairs.length, 1);
    const pair = summary.paired.pairs[0];
    assert.deepEqual([pair.method, pair.normalClass, pair.score], [
      "raw-ocsvm-fair",
      0,
      "raw-ocsvm-fair",
    ]);
    const cell = (m: string) =>
      summary.cells.find((c: { method: string; normalClass: unknown }) =>
        c.method === m && c.normalClass === 0
      );
    assert.ok(Math.abs(pair.diff - (cell("raw-ocsvm-fair").mean - cell("raw-ocsvm").mean)) < 1e-12);
    assert.deepEqual(summary.paired.unpaired.map((u: { normalClass: number }) => u.normalClass), [
      1,
    ]);
    const md = await Deno.readTextFile(join(dir, "summary.md"));
    assert.match(md, /^## Paired against RAW-OC-SVM, on the same test images$/m);
    const html = await Deno.readTextFile(join(dir, "summary.html"));
    assert.match(html, /Paired against the first method, on the same test images/);
    assert.match(
      md,
      /^- Not paired: RAW-OC-SVM \(fair\), class 1, seed 0: raw-ocsvm-fair: no kept scores/m,
    );
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("compare: a folder dataset is decoded once, runs get its flags, summaries name it", async () => {
  const root = await Deno.makeTempDir();
  const images = join(root, "img");
  const dataset = `folder:${images}`;
  try {
    await writeImageFolder(images, { classes: ["x", "y"], train: 20, test: 10, size: 16 });
    // This task may write data/cache (as deno task compare may), so its runs cache the arrays.
    const args = sweepArgs("./compare.ts", root, [
      "--dataset",
      dataset,
      "--methods",
      "raw-ocsvm-fair",
      "--preset",
      "smoke",
      "--channels",
      "1",
      "--no-verify",
    ]).map((a) => a === `--allow-write=${root}` ? `${a},${defaultCacheDir()}` : a);
    const out = await new Deno.Command(denoExecutable(), { args }).output();
    const err = new TextDecoder().decode(out.stderr);
    assert.equal(out.code, 0, err);
    assert.match(err, /compare: decoding folder:.*img once into the cache/);
    const dir = join(root, "compare", "folder-img");
    const md = await Deno.readTextFile(join(dir, "summary.md"));
    assert.match(md, /^# Method comparison: folder:.*img, preset smoke$/m);
    assert.match(md, /\| x \(0\) +\| +\d+\.\d \|/);
    assert.match(md, /- Data read: folder .*img \(60 images, list sha256 [0-9a-f]{12}\)\.$/m);
    const r = await readRunResult(
      resultPath(root, {
        method: "raw-ocsvm-fair",
        dataset: "folder-img",
        preset: "smoke",
        normalClass: 1,
        seed: 0,
      }),
    );
    assert.equal(r.data.folder?.channelsRequested, 1);
    assert.equal(r.data.folder?.cache, "hit"); // decoded by the warm-up, not by the run
  } finally {
    // The warm-up stored the decoded arrays in data/cache/folders: remove that entry.
    const group = await cacheGroup(images, { imageSize: null, channels: 1 });
    for (const f of folderCacheFiles(defaultCacheDir(), group)) await Deno.remove(f);
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("compare: a folder that cannot be loaded stops the sweep before any run, with one line", async () => {
  const root = await Deno.makeTempDir();
  try {
    const images = join(root, "img");
    await writeImageFolder(images, { classes: ["x", "y"], train: 2, test: 2, size: 16 });
    await writeImageFolder(join(root, "big"), { classes: ["x"], train: 1, test: 0, size: 20 });
    await Deno.rename(
      join(root, "big", "train", "x", "0000.png"),
      join(images, "train", "x", "big.png"),
    );
    const out = await compare(root, [
      "--dataset",
      `folder:${images}`,
      "--methods",
      "raw-ocsvm-fair",
      "--preset",
      "smoke",
    ]);
    const err = new TextDecoder().decode(out.stderr).trim().split("\n");
    assert.equal(out.code, 2, err.join("\n"));
    assert.match(
      err.at(-3)!,
      /^compare: error: Cannot load folder dataset .*: train\/x\/0000\.png is 16x16 RGB but train\/x\/big\.png is 20x20 RGB; pass --image-size N/,
    );
    assert.deepEqual(await listDir(join(root, "raw-ocsvm-fair")), []); // no run started
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("compare's default methods: the catalogue but cae-ocsvm-fair, which retrains CAE-OC-SVM", () => {
  const all = methodNames();
  assert.deepEqual(defaultMethods(), all.filter((m) => m !== "cae-ocsvm-fair"));
  assert.equal(getMethod("cae-ocsvm-fair").variantOf, "cae-ocsvm");
  assert.ok(defaultMethods().includes("raw-ocsvm-fair")); // no network: cheap, so it stays
});
