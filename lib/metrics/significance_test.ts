import assert from "node:assert/strict";
import { holm, resolvedBySign, tCritical95, withHolm } from "./significance.ts";

Deno.test("holm() adjusts p-values step-down, in the order given", () => {
  // sorted: 0.005 x4 = 0.02, 0.01 x3 = 0.03, 0.03 x2 = 0.06, 0.04 x1 = 0.04 -> max 0.06
  const adj = holm([0.01, 0.04, 0.03, 0.005]);
  const expected = [0.03, 0.06, 0.06, 0.02];
  adj.forEach((x, i) => assert.ok(Math.abs(x - expected[i]!) < 1e-15, `${i}: ${x}`));
  assert.deepEqual(holm([0.5, 0.9]), [1, 1]); // capped at 1
  assert.deepEqual(holm([]), []);
  assert.throws(() => holm([0.1, NaN]), RangeError);
  assert.throws(() => holm([1.2]), RangeError);
});

Deno.test("tCritical95() matches Student's t quantiles, table and expansion", () => {
  assert.equal(tCritical95(1), 12.7062);
  assert.equal(tCritical95(2), 4.3027);
  assert.equal(tCritical95(30), 2.0423);
  // scipy.stats.t.ppf(0.975, df): 31 -> 2.0395, 60 -> 2.0003, 120 -> 1.9799, 1e6 -> 1.9600
  for (const [df, t] of [[31, 2.0395], [60, 2.0003], [120, 1.9799], [1e6, 1.96]] as const) {
    assert.ok(Math.abs(tCritical95(df) - t) < 1e-4, `df ${df}: ${tCritical95(df)}`);
  }
  assert.throws(() => tCritical95(0), RangeError);
  assert.throws(() => tCritical95(2.5), RangeError);
});

Deno.test("withHolm() adjusts within each family, keeping the order given", () => {
  const tests = [
    { f: "a", p: 0.01 },
    { f: "b", p: 0.04 },
    { f: "a", p: 0.03 },
    { f: "b", p: 0.02 },
  ];
  // family a: 0.01 x2 = 0.02, 0.03 x1 -> 0.03; family b: 0.02 x2 = 0.04, 0.04 x1 -> 0.04
  const byFamily = withHolm(tests, (t) => t.f).map((t) => [t.f, t.p, t.pHolm]);
  assert.deepEqual(byFamily, [["a", 0.01, 0.02], ["b", 0.04, 0.04], ["a", 0.03, 0.03], [
    "b",
    0.02,
    0.04,
  ]]);
  // one family: the four together, as holm()
  assert.deepEqual(withHolm(tests).map((t) => t.pHolm), holm(tests.map((t) => t.p)));
});

Deno.test("resolvedBySign() counts differences resolved above and below zero", () => {
  const tests = [
    { diff: 0.1, p: 0.01, q: 0.2 },
    { diff: -0.2, p: 0.001, q: 0.004 },
    { diff: 0.3, p: 0.06, q: 0.06 },
    { diff: -0.1, p: 0.049, q: 0.1 },
  ];
  assert.deepEqual(resolvedBySign(tests, (t) => t.p), { above: 1, below: 2 });
  assert.deepEqual(resolvedBySign(tests, (t) => t.q), { above: 0, below: 1 });
  assert.deepEqual(resolvedBySign(tests, (t) => t.p, 0.1), { above: 2, below: 2 });
});
