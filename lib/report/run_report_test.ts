import assert from "node:assert/strict";
import { getMethod } from "../detectors/catalogue.ts";
import { fakeResult } from "../experiments/testing.ts";
import { byClassRowsOf, extremeIndices, metricsRowsOf } from "./run_report.ts";

Deno.test("extremeIndices() returns most normal and most anomalous first", () => {
  const s = [0.5, -1, 3, 0.5, 2];
  const e = extremeIndices(s, 2);
  assert.deepEqual(e.normal, [1, 0]);
  assert.deepEqual(e.anomalous, [2, 4]);
});

Deno.test("extremeIndices() caps k at the number of scores", () => {
  const e = extremeIndices([1, 2], 5);
  assert.deepEqual(e.normal, [0, 1]);
  assert.deepEqual(e.anomalous, [1, 0]);
});

Deno.test("byClassRowsOf() gives a row per anomalous class and a column per score", () => {
  const plan = getMethod("geom").plan("smoke");
  const r = fakeResult(plan, {
    dataset: "fashion-mnist",
    normalClass: 1,
    seed: 0,
    auroc: { dirichlet: 0.8, simple: 0.7 },
  });
  assert.deepEqual(byClassRowsOf(r), []); // a record from before the breakdown
  r.metrics.dirichlet!.byClass = [
    { class: 0, name: "T-shirt/top", n: 1000, auroc: 0.9 },
    { class: 2, name: "Pullover", n: 1000, auroc: 0.7 },
  ];
  r.metrics.simple!.byClass = [{ class: 2, name: "Pullover", n: 1000, auroc: 0.6 }];
  assert.deepEqual(byClassRowsOf(r), [
    { "anomalous class": "0 T-shirt/top", n: 1000, dirichlet: 0.9, simple: null },
    { "anomalous class": "2 Pullover", n: 1000, dirichlet: 0.7, simple: 0.6 },
  ]);
});

Deno.test("metricsRowsOf() gives each score's SE and the paired test against the first", () => {
  const plan = getMethod("geom").plan("smoke");
  const base = fakeResult(plan, { dataset: "fashion-mnist", normalClass: 0, seed: 0 });
  const m = { auroc: 0.9, auprNormal: 0.5, auprAnomaly: 0.95, fpr95: 0.4 };
  const rows = metricsRowsOf({
    ...base,
    metrics: {
      dirichlet: { ...m, aurocSe: 0.01 },
      simple: {
        ...m,
        auroc: 0.88,
        vsFirst: { score: "dirichlet", diff: -0.02, se: 0.008, p: 0.012 },
      },
      entropy: m,
    },
  });
  assert.deepEqual(rows.map((r) => r["AUROC SE (test set)"]), [0.01, null, null]);
  assert.equal(rows[0]!["AUROC - dirichlet's"], undefined);
  assert.deepEqual(
    [rows[1]!["AUROC - dirichlet's"], rows[1]!["paired SE"], rows[1]!["paired p"]],
    [-0.02, 0.008, 0.012],
  );
});
