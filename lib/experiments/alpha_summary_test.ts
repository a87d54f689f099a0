import assert from "node:assert/strict";
import type { DirichletScorer } from "../scores/dirichlet_score.ts";
import { fitDirichletScorer } from "../scores/dirichlet_score.ts";
import { alphaMatrix, alphaSummary } from "./alpha_summary.ts";

const scorer: DirichletScorer = {
  nTransforms: 2,
  alphas: Float64Array.from([9, 1, 10, 30]),
  clamp: 1e-10,
  iterations: [4, 7],
  converged: [true, false],
  nImages: 5,
};

Deno.test("alphaMatrix() gives rows per applied transformation, raw, log10 or mean", () => {
  assert.deepEqual(alphaMatrix(scorer), [[9, 1], [10, 30]]);
  assert.deepEqual(alphaMatrix(scorer, { scale: "mean" }), [[0.9, 0.1], [0.25, 0.75]]);
  const log = alphaMatrix(scorer, { scale: "log10" });
  assert.ok(Math.abs(log[1]![0]! - 1) < 1e-15 && log[0]![1] === 0);
});

Deno.test("alphaSummary() summarises each transformation's Dirichlet", () => {
  assert.deepEqual(alphaSummary(scorer, { labels: ["id", "rot90"] }), [
    {
      t: 0,
      transformation: "id",
      alphaSum: 10,
      selfAlpha: 9,
      selfMean: 0.9,
      topClass: 0,
      iterations: 4,
      converged: true,
    },
    {
      t: 1,
      transformation: "rot90",
      alphaSum: 40,
      selfAlpha: 30,
      selfMean: 0.75,
      topClass: 1,
      iterations: 7,
      converged: false,
    },
  ]);
  assert.equal(alphaSummary(scorer)[1]!.transformation, "1");
});

Deno.test("alphaSummary() of a fitted scorer: confident outputs give a large correct-class mean", () => {
  // Three images, T = 2: the classifier puts ~0.9 on the applied transformation.
  const probs = Float32Array.from([
    ...[0.9, 0.1, 0.15, 0.85],
    ...[0.92, 0.08, 0.1, 0.9],
    ...[0.88, 0.12, 0.05, 0.95],
  ]);
  const rows = alphaSummary(fitDirichletScorer(probs, { nTransforms: 2 }));
  assert.deepEqual(rows.map((r) => r.topClass), [0, 1]);
  assert.ok(rows.every((r) => r.selfMean > 0.85 && r.selfMean < 0.95), JSON.stringify(rows));
});

Deno.test("alphaMatrix() and alphaSummary() reject bad alphas and labels", () => {
  const bad = { ...scorer, alphas: Float64Array.from([1, 2, 3]) };
  assert.throws(() => alphaMatrix(bad), {
    name: "RangeError",
    message: "Cannot read alphas: 3 alphas for 2 transformations",
  });
  const zero = { ...scorer, alphas: Float64Array.from([1, 0, 1, 1]) };
  assert.throws(() => alphaSummary(zero), /Cannot summarise alphas: alpha 1 is 0/);
  assert.throws(() => alphaSummary(scorer, { labels: ["a"] }), /1 labels for 2 transformations/);
});
