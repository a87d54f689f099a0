import assert from "node:assert/strict";
import { getDatasetSpec } from "../data/registry.ts";
import { methodNames } from "../detectors/catalogue.ts";
import { PUBLISHED, publishedFor } from "./published.ts";

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
  assert.equal(publishedFor("goad", "fashion-mnist"), undefined);
});
