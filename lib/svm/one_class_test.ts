import assert from "node:assert/strict";
import { decisionValues, OneClassSvm } from "./one_class.ts";
import type { Matrix } from "./matrix.ts";

interface Case {
  nu: number;
  gamma: number | "scale" | "auto";
  shrinking: boolean;
  gammaResolved: number;
  rho: number;
  support: number[];
  dualCoef: number[];
  trainDecision: number[];
  testDecision: number[];
}
const fixture = JSON.parse(
  await Deno.readTextFile(new URL("./testdata/sklearn_ocsvm.json", import.meta.url)),
) as { cols: number; train: number[]; test: number[]; cases: Case[] };
const cols = fixture.cols;
const train: Matrix = {
  data: new Float32Array(fixture.train),
  rows: fixture.train.length / cols,
  cols,
};
const test: Matrix = {
  data: new Float32Array(fixture.test),
  rows: fixture.test.length / cols,
  cols,
};

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  assert.equal(a.length, b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

for (const c of fixture.cases) {
  Deno.test(`OneClassSvm matches scikit-learn (nu ${c.nu}, gamma ${c.gamma}, shrinking ${c.shrinking})`, async () => {
    const svm = await new OneClassSvm({ nu: c.nu, gamma: c.gamma, shrinking: c.shrinking }).fit(
      train,
    );
    const m = svm.model;
    assert.ok(Math.abs(m.gamma - c.gammaResolved) < 1e-12 * c.gammaResolved, `gamma ${m.gamma}`);
    assert.deepEqual(Array.from(m.supportIndices), c.support);
    console.log(
      c.nu,
      c.gamma,
      "rho",
      m.rho - c.rho,
      "coef",
      maxAbsDiff(m.dualCoef, c.dualCoef),
      "train",
      maxAbsDiff(m.trainDecision, c.trainDecision),
    );
    const f = await decisionValues(m, test);
    console.log("test", maxAbsDiff(f, c.testDecision));
  });
}
