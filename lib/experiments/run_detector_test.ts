import assert from "node:assert/strict";
import { evaluateAll } from "./run_detector.ts";
import { aurocDeLong, aurocDeLongPaired } from "../metrics/auroc_se.ts";
import { formatMetricsTable } from "./table.ts";
import { getMethod } from "../detectors/catalogue.ts";
import { fakeResult } from "./testing.ts";
import { resultProblem, withDigest } from "./result.ts";
import { Rng } from "../util/rng.ts";

/** Anomaly scores of 40 normal and 160 anomalous images: `b` a noisier copy of `a`. */
function twoScores() {
  const rng = new Rng(5);
  const labels = Uint8Array.from({ length: 200 }, (_, i) => (i < 40 ? 1 : 0));
  const a = Float64Array.from(labels, (l) => rng.next() + (l ? 0 : 0.5));
  const b = a.map((x) => x + 0.6 * rng.next());
  return { labels, a, b };
}

Deno.test("evaluateAll: each score's DeLong SE, and every score but the first against the first", () => {
  const { labels, a, b } = twoScores();
  const m = evaluateAll({ dirichlet: a, simple: b }, labels);
  const neg = (x: Float64Array) => Array.from(x, (v) => -v); // normal = positive
  assert.equal(m.dirichlet!.vsFirst, undefined, "the first score is the reference");
  assert.equal(m.dirichlet!.aurocSe, aurocDeLong(neg(a), labels).se);
  const want = aurocDeLongPaired(neg(b), neg(a), labels);
  assert.deepEqual(m.simple!.vsFirst, {
    score: "dirichlet",
    diff: want.diff,
    se: want.se,
    p: want.p,
  });
  assert.ok(Math.abs(m.simple!.vsFirst!.diff - (m.simple!.auroc - m.dirichlet!.auroc)) < 1e-12);
  assert.ok(m.simple!.vsFirst!.diff < 0, "the noisier copy ranks worse");
  // A run with one score, or a class with one test image, holds no comparison.
  assert.equal(evaluateAll({ dirichlet: a }, labels).dirichlet!.vsFirst, undefined);
  const one = Uint8Array.from(labels, (_, i) => (i === 0 ? 1 : 0));
  const single = evaluateAll({ dirichlet: a, simple: b }, one);
  assert.equal(single.simple!.vsFirst, undefined);
  assert.equal(single.simple!.aurocSe, undefined);
});

Deno.test("the run table prints the paired differences; records validate them", () => {
  const { labels, a, b } = twoScores();
  const plan = getMethod("geom").plan("smoke");
  const base = fakeResult(plan, { dataset: "fashion-mnist", normalClass: 0, seed: 0 });
  const metrics = evaluateAll({ dirichlet: a, simple: b }, labels);
  const r = withDigest({ ...base, metrics });
  assert.equal(resultProblem(r), undefined);
  const d = metrics.simple!.vsFirst!;
  const table = formatMetricsTable(r);
  assert.match(table, /AUROC minus dirichlet's on the same test images \(DeLong's paired test\)/);
  assert.match(table, new RegExp(`simple\\s+-${(-d.diff).toFixed(4)}\\s+${d.se.toFixed(4)}\\s`));
  const bad = (vsFirst: unknown) =>
    resultProblem(
      withDigest(
        { ...r, metrics: { ...metrics, simple: { ...metrics.simple!, vsFirst } } } as never,
      ),
    );
  assert.match(bad({ ...d, score: "entropy" }) ?? "", /'metrics.simple.vsFirst' is not/);
  assert.match(bad({ ...d, score: "simple" }) ?? "", /vsFirst/);
  assert.match(bad({ ...d, score: "toString" }) ?? "", /vsFirst/, "not an inherited name");
  assert.match(bad({ ...d, p: 2 }) ?? "", /vsFirst/);
  assert.match(bad({ ...d, diff: NaN }) ?? "", /vsFirst/);
});
