import assert from "node:assert/strict";
import { getMethod } from "../detectors/catalogue.ts";
import { fakeResult } from "../experiments/testing.ts";
import { byClassRowsOf, extremeIndices } from "./run_report.ts";

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
