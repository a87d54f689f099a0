import assert from "node:assert/strict";
import { getMethod } from "../detectors/catalogue.ts";
import { compareFidelity, fidelityMarkdown } from "./precision_fidelity.ts";
import { fakeResult } from "./testing.ts";

const plan = getMethod("geom").plan("smoke");
const run = (c: number, dirichlet: number, simple: number) =>
  fakeResult(plan, {
    dataset: "fashion-mnist",
    normalClass: c,
    seed: 0,
    auroc: { dirichlet, simple },
  });

Deno.test("compareFidelity() pairs classes and applies the mean and max limits", () => {
  const fp32 = [run(0, 0.9, 0.8), run(1, 0.7, 0.6), run(2, 0.5, 0.5)];
  const ok = compareFidelity(fp32, [run(1, 0.704, 0.6), run(0, 0.899, 0.8)]);
  assert.deepEqual(ok.rows.map((r) => r.normalClass), [0, 1], "class 2 has no bf16 run");
  const d = ok.scores[0]!;
  assert.equal(d.score, "dirichlet");
  assert.ok(Math.abs(d.meanAbs - 0.0025) < 1e-12);
  assert.ok(Math.abs(d.maxAbs - 0.004) < 1e-12);
  assert.equal(d.worstClass, 1);
  assert.equal(ok.pass, true);
  const oneBad = compareFidelity(fp32.slice(0, 2), [run(0, 0.9, 0.8), run(1, 0.72, 0.6)]);
  assert.equal(oneBad.scores[0]!.pass, false, "0.02 on one class exceeds 0.015");
  assert.equal(oneBad.scores[1]!.pass, true);
  assert.equal(oneBad.pass, false);
  assert.match(fidelityMarkdown(oneBad), /dirichlet: .*max 0\.0200 on class 1 .*FAIL/);
  assert.equal(compareFidelity([], []).pass, false, "no pairs: no evidence");
});
