import assert from "node:assert/strict";
import { assertClose, referenceCases } from "./testdata/reference.ts";
import { averagePrecision, prAuc, precisionRecallCurve } from "./precision_recall.ts";

Deno.test("averagePrecision() equals scikit-learn's average_precision_score", () => {
  for (const c of referenceCases) {
    const ap = averagePrecision(c.scores, c.labels, { positive: c.positive });
    assertClose([ap], [c.averagePrecision], c.name);
  }
});

Deno.test("precisionRecallCurve() equals scikit-learn's precision_recall_curve", () => {
  let checked = 0;
  for (const c of referenceCases) {
    if (!c.pr) continue;
    checked++;
    const pr = precisionRecallCurve(c.scores, c.labels, { positive: c.positive });
    assertClose(pr.precision, c.pr.precision, `${c.name} precision`);
    assertClose(pr.recall, c.pr.recall, `${c.name} recall`);
    assertClose(pr.thresholds, c.pr.thresholds, `${c.name} thresholds`);
  }
  assert.ok(checked >= 8);
});

Deno.test("prAuc() equals scikit-learn's auc(recall, precision)", () => {
  for (const c of referenceCases) {
    assertClose([prAuc(c.scores, c.labels, { positive: c.positive })], [c.prAuc], c.name);
  }
});

Deno.test("averagePrecision() and prAuc() on hand-computed cases", () => {
  // Ranked: 0.8 (pos), 0.4 (neg), 0.35 (pos), 0.1 (neg): AP = 0.5 * 1 + 0.5 * 2/3.
  const s = [0.1, 0.4, 0.35, 0.8], y = [0, 0, 1, 1];
  assert.ok(Math.abs(averagePrecision(s, y) - 5 / 6) < 1e-15);
  // Curve (recall, precision): (0,1) (0.5,1) (0.5,0.5) (1,2/3) (1,0.5);
  // trapezoids: 0.5*1 + 0 + 0.5*(0.5+2/3)/2 + 0 = 0.5 + 7/24.
  assert.ok(Math.abs(prAuc(s, y) - (0.5 + 7 / 24)) < 1e-15);
  // A tie between one positive and one negative at the top: one step to recall 1/2 at P = 1/2.
  assert.equal(averagePrecision([1, 1, 0], [1, 0, 1]), 0.5 * 0.5 + 0.5 * (2 / 3));
});

Deno.test("precisionRecallCurve() ends at (recall 0, precision 1) with increasing thresholds", () => {
  const pr = precisionRecallCurve([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1]);
  assert.deepEqual([...pr.thresholds], [0.1, 0.35, 0.4, 0.8]);
  assert.deepEqual([...pr.recall], [1, 1, 0.5, 0.5, 0]);
  assert.deepEqual([...pr.precision], [0.5, 2 / 3, 0.5, 1, 1]);
});

Deno.test("averagePrecision() throws RangeError on bad input", () => {
  assert.throws(() => averagePrecision([1, 2], [1]), {
    name: "RangeError",
    message: /Cannot compute average precision: 2 scores but 1 labels/,
  });
  assert.throws(() => averagePrecision([NaN, 2], [1, 0]), /score 0 is NaN/);
  assert.throws(() => prAuc([1, 2], [1, 1]), /need both classes/);
});

Deno.test("prAuc() of a perfect ranking is exactly 1, never an ulp above (9 positives, 1 negative)", () => {
  const scores = [10, 11, 12, 13, 14, 15, 16, 17, 18, 0];
  const labels = [1, 1, 1, 1, 1, 1, 1, 1, 1, 0];
  assert.equal(prAuc(scores, labels), 1);
});
