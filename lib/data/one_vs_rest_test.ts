import assert from "node:assert/strict";
import { UsageError } from "../util/errors.ts";
import { loadDataset } from "./load.ts";
import { loadOneVsRest, oneVsRest } from "./one_vs_rest.ts";
import { classCounts } from "./split.ts";
import { cifarFiles, writeFiles } from "./testdata/fixtures.ts";

Deno.test("oneVsRest() on the sample: normal-class train, full test, labels, padding", async () => {
  const data = await loadDataset("fashion-mnist-sample");
  const d = oneVsRest(data, 3);
  assert.deepEqual([d.train.n, d.train.height, d.train.width, d.train.channels], [300, 32, 32, 1]);
  assert.deepEqual([d.test.n, d.testLabels.length], [1000, 1000]);
  assert.equal(d.testLabels.reduce((a, b) => a + b, 0), 100);
  for (let i = 0; i < d.test.n; i++) assert.equal(d.testLabels[i], d.testClasses[i] === 3 ? 1 : 0);
  assert.deepEqual(d.testClasses, data.test.labels);
  let min = Infinity, max = -Infinity;
  for (const v of d.train.data) {
    min = Math.min(min, v);
    max = Math.max(max, v);
  }
  assert.ok(min >= -1 && max <= 1 && max > 0.9);
  for (let x = 0; x < 32; x++) assert.equal(d.train.data[x], -1); // top pad row of image 0
  // Pixel (r, c) of the first normal training image is at (r + 2, c + 2), scaled.
  const first = [...data.train.labels].indexOf(3);
  const v = data.train.images[first * 784 + 10 * 28 + 14]!;
  assert.equal(d.train.data[12 * 32 + 16], Math.fround(2 * (v / 255) - 1));
  assert.equal(d.meta.normalClassName, "Dress");
  assert.equal(d.meta.preprocessing, "2*(x/255)-1; zero-padded to 32x32 before scaling");
  assert.equal(oneVsRest(data, 3, { pad: false }).train.height, 28);
});

Deno.test("oneVsRest() limits are seeded; the test limit is stratified", async () => {
  const data = await loadDataset("fashion-mnist-sample");
  const a = oneVsRest(data, 0, { trainLimit: 50, testLimit: 200, seed: 4 });
  const b = oneVsRest(data, 0, { trainLimit: 50, testLimit: 200, seed: 4 });
  const c = oneVsRest(data, 0, { trainLimit: 50, testLimit: 200, seed: 5 });
  assert.deepEqual([a.train.n, a.test.n], [50, 200]);
  assert.deepEqual(classCounts(a.testClasses, 10), new Array(10).fill(20));
  assert.deepEqual(a.train.data, b.train.data);
  assert.deepEqual(a.testIndices, b.testIndices);
  assert.notDeepEqual(a.testIndices, c.testIndices);
  assert.notDeepEqual(a.train.data, c.train.data);
  assert.deepEqual(a.meta.used, { train: 50, test: 200 });
  // The test subset does not depend on the train limit.
  assert.deepEqual(oneVsRest(data, 0, { testLimit: 200, seed: 4 }).testIndices, a.testIndices);
});

Deno.test("oneVsRest() on CIFAR-100 uses the 20 superclasses", async () => {
  const dir = await Deno.makeTempDir();
  await writeFiles(dir, cifarFiles("cifar100", 400, 9));
  const data = await loadDataset("cifar100", { dataDir: dir, useEnv: false, verify: false });
  const d = oneVsRest(data, 13);
  assert.deepEqual([d.train.height, d.train.width, d.train.channels], [32, 32, 3]);
  assert.equal(d.train.n, [...data.train.labels].filter((l) => l === 13).length);
  assert.ok(d.testClasses.every((c) => c < 20));
  assert.equal(d.meta.normalClassName, "non-insect_invertebrates");
  assert.equal(d.meta.preprocessing, "2*(x/255)-1");
  await Deno.remove(dir, { recursive: true });
});

Deno.test("loadOneVsRest() throws UsageError for unknown datasets and classes before loading", async () => {
  await assert.rejects(() => loadOneVsRest("svhn", 0), UsageError);
  await assert.rejects(
    () => loadOneVsRest("cifar10", 10, { dataDir: "/nonexistent" }),
    (e: unknown) =>
      e instanceof UsageError &&
      /Cannot use class 10 of cifar10: classes are 0\.\.9/.test(e.message),
  );
  const d = await loadOneVsRest("fashion-mnist-sample", 9, { testLimit: 100 });
  assert.deepEqual([d.train.n, d.test.n, d.meta.dataset, d.meta.source], [
    300,
    100,
    "fashion-mnist-sample",
    "sample",
  ]);
});
