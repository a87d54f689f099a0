import assert from "node:assert/strict";
import { Rng } from "../util/rng.ts";
import { referenceCases } from "./testdata/reference.ts";
import { comparePaired, downsampleRoc, evaluate, fprAtTpr } from "./evaluate.ts";
import { rocCurve } from "./roc.ts";

function close(a: number, e: number): boolean {
  return Math.abs(a - e) <= 1e-12 * Math.max(1, Math.abs(e));
}

Deno.test("evaluate() equals scikit-learn on anomaly scores with normal = 1", () => {
  let checked = 0;
  for (const c of referenceCases) {
    const e = c.evaluate;
    if (!e) continue;
    const m = evaluate(c.scores, c.labels);
    for (
      const key of ["auroc", "auprNormal", "auprAnomaly", "apNormal", "apAnomaly", "fpr95"] as const
    ) {
      assert.ok(close(m[key], e[key]), `${c.name} ${key}: ${m[key]} vs ${e[key]}`);
    }
    const nNormal = c.labels.filter((l) => l === 1).length;
    assert.equal(m.nNormal, nNormal);
    assert.equal(m.nAnomaly, c.labels.length - nNormal);
    checked++;
  }
  assert.ok(checked >= 4);
});

Deno.test("evaluate() ranks normal positive by -score and accepts boolean labels", () => {
  const m = evaluate(new Float64Array([0.1, 0.9, 0.2, 0.8]), [true, false, true, false]);
  assert.equal(m.auroc, 1);
  assert.equal(m.fpr95, 0);
  assert.equal(m.auprNormal, 1);
  assert.equal(m.auprAnomaly, 1);
  assert.deepEqual(m.rocPoints, { fpr: [0, 0, 0, 0.5, 1], tpr: [0, 0.5, 1, 1, 1] });
  const flipped = evaluate(new Float64Array([0.9, 0.1, 0.8, 0.2]), [1, 0, 1, 0]);
  assert.equal(flipped.auroc, 0);
  assert.equal(flipped.fpr95, 1);
});

Deno.test("evaluate() result serialises to JSON", () => {
  const m = evaluate([0.3, 0.1, 0.2], [0, 1, 1]);
  const back = JSON.parse(JSON.stringify(m));
  assert.deepEqual(back, m);
});

Deno.test("evaluate() throws RangeError on bad labels or lengths", () => {
  assert.throws(() => evaluate([1, 2], [1, 2]), {
    name: "RangeError",
    message: /Cannot evaluate scores: label 1 is 2/,
  });
  assert.throws(() => evaluate([1, 2], [1]), /2 scores but 1 labels/);
  assert.throws(() => evaluate([1, 2], [1, 1]), /need both classes/);
  assert.throws(() => evaluate([NaN, 2], [1, 0]), /NaN/);
});

Deno.test("fprAtTpr() takes the first ROC point reaching the target (hand-computed)", () => {
  // 20 positives scored 20..1, 10 negatives scored 15.5, 14.5, ... 6.5.
  const scores: number[] = [], labels: number[] = [];
  for (let i = 20; i >= 1; i--) scores.push(i), labels.push(1);
  for (let j = 0; j < 10; j++) scores.push(15.5 - j), labels.push(0);
  // TPR 19/20 = 0.95 reached at threshold 2: all 10 negatives are >= 2 -> FPR 1.
  assert.equal(fprAtTpr(scores, labels), 1);
  // TPR 0.5 (10/20) at threshold 11: negatives 15.5..11.5 -> 5 of 10.
  assert.equal(fprAtTpr(scores, labels, { tpr: 0.5 }), 0.5);
  // TPR 0.25 at threshold 16: no negatives.
  assert.equal(fprAtTpr(scores, labels, { tpr: 0.25 }), 0);
  assert.throws(() => fprAtTpr(scores, labels, { tpr: 0 }), RangeError);
  assert.throws(() => fprAtTpr(scores, labels, { tpr: 1.5 }), RangeError);
});

Deno.test("downsampleRoc() keeps ends, at most maxPoints, and evenly spread points", () => {
  const rng = new Rng(5);
  const n = 5000;
  const scores = new Float64Array(n), labels = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    labels[i] = rng.next() < 0.3 ? 1 : 0;
    scores[i] = rng.normal() + labels[i]!;
  }
  const roc = rocCurve(scores, labels);
  assert.ok(roc.fpr.length > 1000);
  for (const maxPoints of [2, 3, 50, 200]) {
    const d = downsampleRoc(roc, maxPoints);
    assert.ok(d.fpr.length <= maxPoints, `${d.fpr.length} > ${maxPoints}`);
    assert.equal(d.fpr[0], 0);
    assert.equal(d.tpr[0], 0);
    assert.equal(d.fpr.at(-1), 1);
    assert.equal(d.tpr.at(-1), 1);
    if (maxPoints >= 50) {
      assert.ok(d.fpr.length >= maxPoints - 2, `${d.fpr.length} points for ${maxPoints}`);
      for (let i = 1; i < d.fpr.length; i++) {
        assert.ok(d.fpr[i]! >= d.fpr[i - 1]! && d.tpr[i]! >= d.tpr[i - 1]!);
      }
    }
  }
  const small = downsampleRoc({ fpr: [0, 0.5, 1], tpr: [0, 1, 1] }, 10);
  assert.deepEqual(small, { fpr: [0, 0.5, 1], tpr: [0, 1, 1] });
  assert.throws(() => downsampleRoc(roc, 1), RangeError);
  assert.throws(() => downsampleRoc({ fpr: [0, 1], tpr: [0] }), RangeError);
});

Deno.test("comparePaired() tests two anomaly scores in evaluate()'s convention", () => {
  const labels = [1, 1, 1, 0, 0, 0, 1, 0];
  const a = new Float64Array([0.1, 0.3, 0.2, 0.9, 0.4, 0.8, 0.5, 0.7]);
  const b = new Float64Array([0.6, 0.1, 0.2, 0.9, 0.3, 0.5, 0.4, 0.8]);
  const r = comparePaired(a, b, labels);
  assert.equal(r.a, evaluate(a, labels).auroc);
  assert.equal(r.b, evaluate(b, labels).auroc);
  assert.equal(r.diff, r.a - r.b);
  assert.ok(r.diff > 0 && r.se > 0 && r.p > 0 && r.p < 1);
  // the same call on normality (negated) scores would be the mirror image: AUROCs 1 - a, 1 - b
  const m = comparePaired(a.map((x) => -x), b.map((x) => -x), labels);
  assert.ok(Math.abs(m.diff + r.diff) < 1e-12 && Math.abs(m.se - r.se) < 1e-12);
  assert.throws(() => comparePaired(a, b.subarray(1), labels), RangeError);
});
