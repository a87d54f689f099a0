import assert from "node:assert/strict";
import { assertClose, referenceCases } from "./testdata/reference.ts";
import { auroc, rocCurve, trapezoid } from "./roc.ts";

Deno.test("auroc() equals scikit-learn's roc_auc_score on every reference case", () => {
  assert.ok(referenceCases.length >= 8);
  for (const c of referenceCases) {
    assertClose([auroc(c.scores, c.labels, { positive: c.positive })], [c.auroc], c.name);
  }
});

Deno.test("rocCurve() equals scikit-learn's roc_curve(drop_intermediate=False)", () => {
  let checked = 0;
  for (const c of referenceCases) {
    if (!c.roc) continue;
    checked++;
    const r = rocCurve(c.scores, c.labels, { positive: c.positive });
    assertClose(r.fpr, c.roc.fpr, `${c.name} fpr`);
    assertClose(r.tpr, c.roc.tpr, `${c.name} tpr`);
    assert.equal(r.thresholds[0], Infinity);
    assertClose(r.thresholds.subarray(1), c.roc.thresholds, `${c.name} thresholds`);
  }
  assert.ok(checked >= 8);
});

Deno.test("auroc() counts a positive-negative tie as one half (hand-computed)", () => {
  // Pairs (pos, neg): (0.8, 0.1) win, (0.8, 0.4) win, (0.4, 0.1) win, (0.4, 0.4) tie -> 3.5 / 4.
  assert.equal(auroc([0.1, 0.4, 0.4, 0.8], [0, 0, 1, 1]), 0.875);
  // All tied: 0.5 whatever the labels.
  assert.equal(auroc(new Float32Array([2, 2, 2, 2, 2]), [1, 0, 0, 1, 0]), 0.5);
  // Perfect and reversed.
  assert.equal(auroc([3, 2, 1], [1, 1, 0]), 1);
  assert.equal(auroc([3, 2, 1], [0, 1, 1]), 0);
  // Integer scores: pos {2, 1}, neg {1, 0}: (2,1) (2,0) (1,0) wins, (1,1) tie -> 3.5 / 4.
  assert.equal(auroc(new Int32Array([2, 1, 1, 0]), new Uint8Array([1, 1, 0, 0])), 0.875);
});

Deno.test("auroc() follows the positive option and boolean labels", () => {
  const s = [0.1, 0.4, 0.35, 0.8];
  assert.equal(auroc(s, [0, 0, 1, 1]), 0.75);
  assert.equal(auroc(s, [0, 0, 1, 1], { positive: 0 }), 0.25);
  assert.equal(auroc(s, [false, false, true, true]), 0.75);
  assert.equal(auroc(s, [2, 2, 5, 5], { positive: 5 }), 0.75);
});

Deno.test("auroc() sorts Infinity scores like any other value", () => {
  assert.equal(auroc([Infinity, -Infinity, 0, Infinity], [1, 0, 0, 0]), 2.5 / 3);
});

Deno.test("rocCurve() gives one point per distinct score plus the origin (hand-computed)", () => {
  const r = rocCurve([0.1, 0.4, 0.4, 0.8], [0, 0, 1, 1]);
  assert.deepEqual([...r.fpr], [0, 0, 0.5, 1]);
  assert.deepEqual([...r.tpr], [0, 0.5, 1, 1]);
  assert.deepEqual([...r.thresholds], [Infinity, 0.8, 0.4, 0.1]);
  assert.equal(trapezoid(r.fpr, r.tpr), 0.875);
});

Deno.test("auroc() and rocCurve() throw RangeError on bad input", () => {
  assert.throws(() => auroc([1, 2, 3], [0, 1]), {
    name: "RangeError",
    message: /Cannot compute AUROC: 3 scores but 2 labels/,
  });
  assert.throws(() => auroc([1, 2, 3], [1, 1, 1]), {
    name: "RangeError",
    message: /every sample has the positive label 1/,
  });
  assert.throws(() => auroc([1, 2, 3], [0, 0, 0]), /no sample has the positive label 1/);
  assert.throws(() => auroc([1, NaN, 3], [0, 1, 0]), {
    name: "RangeError",
    message: /score 1 is NaN/,
  });
  assert.throws(() => auroc([1, 2, 3], [0, 1, 2]), /more than two distinct values/);
  assert.throws(() => auroc([1, 2], [0, NaN]), /label 1 is NaN/);
  assert.throws(() => auroc([], []), /no samples/);
  assert.throws(() => rocCurve([1, 2], [0, 0]), /Cannot compute ROC curve/);
  assert.throws(() => trapezoid([0, 1], [0]), RangeError);
});
