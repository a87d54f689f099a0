import assert from "node:assert/strict";
import { getDatasetSpec } from "../data/registry.ts";
import { methodNames } from "../detectors/catalogue.ts";
import {
  FASHION_MNIST_OFFICIAL_NAMES,
  FASHION_MNIST_PRINTED,
  labelOrderOfSortedRows,
  PUBLISHED,
  publishedFor,
} from "./published.ts";

Deno.test("PUBLISHED per-class numbers have one value per class and match their means", () => {
  for (const p of PUBLISHED) {
    if (!p.perClass) continue;
    assert.equal(p.perClass.length, getDatasetSpec(p.dataset).classNames.length, p.dataset);
    const mean = p.perClass.reduce((a, b) => a + b, 0) / p.perClass.length;
    // Values are rounded to 0.1: their mean and the printed mean may differ by up to 0.1.
    assert.ok(Math.abs(mean - p.mean) <= 0.1, `${p.method} ${p.dataset}: ${mean} vs ${p.mean}`);
  }
});

Deno.test("publishedFor() finds the paper's Fashion-MNIST numbers", () => {
  assert.equal(publishedFor("geom", "fashion-mnist")?.mean, 93.5);
  assert.equal(publishedFor("geom", "fashion-mnist")?.perClass?.[6], 83.3);
  assert.equal(publishedFor("raw-ocsvm", "fashion-mnist")?.mean, 92.8);
  assert.equal(publishedFor("raw-ocsvm-fair", "fashion-mnist"), undefined);
  assert.equal(publishedFor("geom", "fashion-mnist-sample"), undefined);
});

Deno.test("PUBLISHED names only methods the registry knows or the baselines to come", () => {
  const known = new Set([...methodNames(), "cae-ocsvm", "adgan", "deep-svdd"]);
  for (const p of PUBLISHED) assert.ok(known.has(p.method), p.method);
});

Deno.test("publishedFor() has the family's CIFAR-10 means, each with its source", () => {
  assert.equal(publishedFor("goad", "cifar10")?.mean, 88.2);
  assert.match(publishedFor("goad", "cifar10")!.source, /Bergman & Hoshen/);
  assert.equal(publishedFor("rot-trans", "cifar10")?.mean, 90.1);
  assert.match(publishedFor("rot-trans", "cifar10")!.source, /Hendrycks/);
});

Deno.test("GOAD's per-class tables average to its printed means", () => {
  for (const dataset of ["cifar10", "fashion-mnist"]) {
    const p = publishedFor("goad", dataset)!;
    assert.equal(p.perClass?.length, 10, dataset);
    const mean = p.perClass!.reduce((a, b) => a + b, 0) / 10;
    assert.ok(Math.abs(mean - p.mean) < 0.05, `${dataset}: ${mean} vs printed ${p.mean}`);
  }
  assert.equal(publishedFor("goad", "fashion-mnist")!.perClass![8], 98.9, "bag, label order");
});

Deno.test("the Fashion-MNIST row is read in the official code's sorted order of class names", () => {
  // create_auc_table prints ankle-boot, bag, coat, dress, pullover, sandal, shirt, sneaker,
  // t-shirt, trouser ('-' sorts before 'r'): T-shirt is the 9th printed value, bag the 2nd.
  assert.deepEqual(
    publishedFor("geom", "fashion-mnist")?.perClass,
    [90.8, 99.2, 92.1, 89.9, 91.1, 93.4, 83.3, 98.9, 97.6, 99.4],
  );
  assert.equal(FASHION_MNIST_PRINTED[0], 99.4);
  assert.equal(FASHION_MNIST_OFFICIAL_NAMES.length, 10);
});

Deno.test("labelOrderOfSortedRows leaves rows of already-sorted names unchanged", () => {
  const cifar10 = getDatasetSpec("cifar10").classNames; // label order = sorted order
  const row = [74.7, 95.7, 78.1, 72.4, 87.8, 87.8, 83.4, 95.5, 93.3, 91.3];
  assert.deepEqual(labelOrderOfSortedRows(row, cifar10), row);
  assert.deepEqual(labelOrderOfSortedRows([1, 2, 3], ["c", "a", "b"]), [3, 1, 2]);
  assert.throws(() => labelOrderOfSortedRows([1, 2], ["a"]), /2 printed values for 1 class names/);
});
