import assert from "node:assert/strict";
import { classKey, parseResult, readResults } from "./results.ts";
import { DataError } from "../util/errors.ts";
import { writeFakeResults } from "./testdata/fake_results.ts";

Deno.test("parseResult() reads the documented fields and ignores the rest", () => {
  const r = parseResult({
    schema: "geomad.result/v1",
    method: "geom",
    dataset: "cifar10",
    normalClass: 3,
    normalClassName: "cat",
    seed: 1,
    preset: "ci",
    extra: { anything: true },
    metrics: {
      dirichlet: { auroc: 0.9, auprNormal: 0.5, fpr95: "x", roc: { fpr: [0, 1], tpr: [0, 1] } },
      simple: { auroc: 0.8, aurocSe: 0.01, roc: { fpr: [0, 1], tpr: [0] } },
      entropy: { auroc: 0.7, aurocSe: "0.01" },
      junk: 3,
    },
  }, "a.json");
  assert.deepEqual(r, {
    source: "a.json",
    method: "geom",
    dataset: "cifar10",
    normalClass: 3,
    normalClassName: "cat",
    seed: 1,
    preset: "ci",
    metrics: {
      dirichlet: { auroc: 0.9, auprNormal: 0.5, roc: { fpr: [0, 1], tpr: [0, 1] } },
      simple: { auroc: 0.8, aurocSe: 0.01 },
      entropy: { auroc: 0.7 },
    },
  });
});

Deno.test("parseResult() reads the fields result records have, no aliases nothing writes", () => {
  const r = parseResult({
    method: "m",
    dataset: "d",
    normalClass: "shoe",
    metrics: { s: { roc: { fpr: [0, 1], tpr: [0, 1] } } },
  }, "b");
  assert.equal(r.normalClass, "shoe");
  assert.deepEqual(r.metrics.s!.roc, { fpr: [0, 1], tpr: [0, 1] });
  const old = { method: "m", dataset: "d", class: 2, metrics: { s: { auroc: 1 } } };
  assert.throws(() => parseResult(old, "c"), /'normalClass' is missing/);
  const alias = parseResult({ ...old, normalClass: 2, metrics: { s: { rocPoints: {} } } }, "d");
  assert.equal(alias.metrics.s!.roc, undefined);
});

Deno.test("parseResult() keeps the well-formed entries of a per-class breakdown", () => {
  const r = parseResult({
    method: "m",
    dataset: "d",
    normalClass: 0,
    metrics: {
      s: {
        auroc: 0.9,
        byClass: [
          { class: 1, name: "b", n: 3, auroc: 0.75 },
          { class: 2, auroc: "x" },
          { class: 1.5, auroc: 0.5 },
          { class: 3, auroc: 0.25 },
          { class: 0, auroc: 0.1 }, // the normal class itself
          { class: 1, auroc: 0.2 }, // listed twice
        ],
      },
      t: { auroc: 0.8, byClass: [{ class: "1", auroc: 0.5 }] },
    },
  }, "e");
  assert.deepEqual(r.metrics.s!.byClass, [
    { class: 1, name: "b", auroc: 0.75 },
    { class: 3, auroc: 0.25 },
  ]);
  assert.equal(r.metrics.t!.byClass, undefined);
  const text = parseResult({
    method: "m",
    dataset: "d",
    normalClass: "2",
    metrics: { s: { byClass: [{ class: 2, auroc: 0.5 }, { class: 1, auroc: 0.5 }] } },
  }, "f");
  assert.deepEqual(text.metrics.s!.byClass, [{ class: 1, auroc: 0.5 }]);
});

Deno.test("parseResult() rejects failed runs and records missing required fields", () => {
  const ok = { method: "m", dataset: "d", normalClass: 0, metrics: { s: { auroc: 1 } } };
  assert.throws(() => parseResult({ ...ok, status: "failed", error: "NaN loss" }, "f"), /NaN loss/);
  assert.throws(() => parseResult({ ...ok, method: "" }, "f"), /'method'/);
  assert.throws(() => parseResult({ ...ok, normalClass: undefined }, "f"), /'normalClass'/);
  assert.throws(() => parseResult({ ...ok, metrics: {} }, "f"), /holds no score/);
  assert.throws(() => parseResult([ok], "f"), DataError);
});

Deno.test("readResults() walks folders, reads arrays and lists what it skipped", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const written = await writeFakeResults(`${dir}/runs`, 1, 1);
    await Deno.writeTextFile(`${dir}/bad.json`, "{not json");
    await Deno.writeTextFile(`${dir}/notes.txt`, "ignored");
    await Deno.writeTextFile(
      `${dir}/pair.json`,
      JSON.stringify([{ method: "m", dataset: "d", normalClass: 0, metrics: { s: {} } }, {}]),
    );
    const set = await readResults(dir);
    assert.equal(set.records.length, written + 1);
    assert.deepEqual(set.skipped.map((s) => s.source).sort(), ["bad.json", "pair.json[1]"]);
    assert.ok(set.records.some((r) => r.source === "runs/geom/class-0/seed-0.json"));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("readResults() throws DataError for a missing folder", async () => {
  await assert.rejects(
    readResults("/nonexistent/geomad"),
    /Cannot read results in .*no such folder/,
  );
});

Deno.test("classKey: a class number written as text is the number, other names stay", () => {
  assert.equal(classKey(3), 3);
  assert.equal(classKey("3"), 3);
  assert.equal(classKey("12"), 12);
  assert.equal(classKey("cat"), "cat");
  assert.equal(classKey(""), "");
  assert.equal(classKey(" 3"), " 3");
  assert.equal(classKey("3.5"), "3.5");
});
