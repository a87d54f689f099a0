import assert from "node:assert/strict";
import { aurocDeLong, aurocDeLongPaired, erfc, hanleyMcNeilSe } from "./auroc_se.ts";
import { auroc } from "./roc.ts";
import { Rng } from "../util/rng.ts";

/** DeLong's variance straight from its definition, over every (positive, negative) pair. */
function bruteDeLong(scores: number[], labels: number[]): { auroc: number; se: number } {
  const pos = scores.filter((_, i) => labels[i] === 1);
  const neg = scores.filter((_, i) => labels[i] !== 1);
  const psi = (p: number, n: number) => (p > n ? 1 : p === n ? 0.5 : 0);
  const v10 = pos.map((p) => neg.reduce((s, n) => s + psi(p, n), 0) / neg.length);
  const v01 = neg.map((n) => pos.reduce((s, p) => s + psi(p, n), 0) / pos.length);
  const a = v10.reduce((s, v) => s + v, 0) / pos.length;
  const svar = (v: number[]) => v.reduce((s, x) => s + (x - a) ** 2, 0) / (v.length - 1);
  return { auroc: a, se: Math.sqrt(svar(v10) / pos.length + svar(v01) / neg.length) };
}

Deno.test("aurocDeLong: a hand-computed case with a tie", () => {
  // Positives 0.8, 0.4; negatives 0.1, 0.4. V10 = 1, 0.75; V01 = 1, 0.75; AUROC 0.875;
  // s10 = s01 = 2 x 0.125^2 / 1 = 0.03125; var = 0.03125 / 2 + 0.03125 / 2.
  const r = aurocDeLong([0.1, 0.4, 0.4, 0.8], [0, 0, 1, 1]);
  assert.equal(r.auroc, 0.875);
  assert.ok(Math.abs(r.se - Math.sqrt(0.03125)) < 1e-15, String(r.se));
});

Deno.test("aurocDeLong: equals the pairwise definition and auroc() on random scores with ties", () => {
  const rng = new Rng(7);
  for (const [n, levels] of [[40, 5], [200, 1000], [301, 3]] as const) {
    const labels = Array.from({ length: n }, (_, i) => (i % 3 === 0 ? 1 : 0));
    // Positives score a little higher; few levels make many ties.
    const scores = labels.map((l) => Math.floor((rng.next() + 0.3 * l) * levels) / levels);
    const got = aurocDeLong(scores, labels);
    const want = bruteDeLong(scores, labels);
    assert.ok(Math.abs(got.auroc - want.auroc) < 1e-12, `n ${n}: auroc`);
    assert.ok(Math.abs(got.se - want.se) < 1e-12, `n ${n}: se ${got.se} vs ${want.se}`);
    assert.ok(Math.abs(got.auroc - auroc(scores, labels)) < 1e-12);
  }
});

Deno.test("aurocDeLong: zero when the classes are separated, the positive option, errors", () => {
  assert.deepEqual(aurocDeLong([3, 2, 1, 0], [1, 1, 0, 0]), { auroc: 1, se: 0 });
  const r = aurocDeLong([3, 2, 1, 0], [5, 5, 7, 7], { positive: 7 });
  assert.deepEqual(r, { auroc: 0, se: 0 });
  assert.throws(() => aurocDeLong([1, 2, 3], [1, 0, 0]), /need 2 samples of each class, have 1/);
  assert.throws(() => aurocDeLong([1, NaN, 3, 4], [1, 0, 0, 1]), /score 1 is NaN/);
});

Deno.test("hanleyMcNeilSe: the published formula by hand, and near DeLong on exponential scores", () => {
  // A = 0.9, 1000 positives, 9000 negatives: Q1 = 0.9 / 1.1, Q2 = 1.62 / 1.9.
  const a = 0.9, q1 = 0.9 / 1.1, q2 = 1.62 / 1.9;
  const want = Math.sqrt((a * (1 - a) + 999 * (q1 - a * a) + 8999 * (q2 - a * a)) / 9e6);
  assert.ok(Math.abs(hanleyMcNeilSe(0.9, 1000, 9000) - want) < 1e-15);
  assert.ok(Math.abs(want - 0.00659) < 1e-5, String(want)); // about 1.3 points at 95%
  assert.equal(hanleyMcNeilSe(1, 10, 10), 0);
  // Exponential scores (the model Hanley & McNeil assume): the two estimates agree closely.
  const rng = new Rng(3);
  const labels = Array.from({ length: 4000 }, (_, i) => (i < 1000 ? 1 : 0));
  const scores = labels.map((l) => -Math.log(1 - rng.next()) * (l ? 4 : 1));
  const d = aurocDeLong(scores, labels);
  const hm = hanleyMcNeilSe(d.auroc, 1000, 3000);
  assert.ok(Math.abs(hm / d.se - 1) < 0.1, `Hanley-McNeil ${hm} vs DeLong ${d.se}`);
  assert.throws(() => hanleyMcNeilSe(1.2, 10, 10), /AUROC 1.2 is not in \[0, 1\]/);
  assert.throws(() => hanleyMcNeilSe(0.5, 0, 10), /nPos 0 is not an integer >= 1/);
});

Deno.test("aurocDeLongPaired: equals the pairwise definition with covariances", () => {
  const rng = new Rng(11);
  const n = 120;
  const labels = Array.from({ length: n }, (_, i) => (i % 4 === 0 ? 1 : 0));
  const a = labels.map((l) => Math.round((rng.next() + 0.4 * l) * 20) / 20); // ties
  const b = a.map((x, i) => x + 0.3 * rng.next() - (labels[i] ? 0.05 : 0)); // correlated with a
  const pos = (s: number[]) => s.filter((_, i) => labels[i] === 1);
  const neg = (s: number[]) => s.filter((_, i) => labels[i] !== 1);
  const psi = (p: number, q: number) => (p > q ? 1 : p === q ? 0.5 : 0);
  const v10 = (s: number[]) =>
    pos(s).map((p) => neg(s).reduce((t, q) => t + psi(p, q), 0) / (n - 30));
  const v01 = (s: number[]) => neg(s).map((q) => pos(s).reduce((t, p) => t + psi(p, q), 0) / 30);
  const cov = (x: number[], y: number[]) => {
    const mx = x.reduce((t, v) => t + v, 0) / x.length,
      my = y.reduce((t, v) => t + v, 0) / y.length;
    return x.reduce((t, v, i) => t + (v - mx) * (y[i]! - my), 0) / (x.length - 1);
  };
  const [xa, xb, ya, yb] = [v10(a), v10(b), v01(a), v01(b)];
  const variance = (cov(xa, xa) + cov(xb, xb) - 2 * cov(xa, xb)) / 30 +
    (cov(ya, ya) + cov(yb, yb) - 2 * cov(ya, yb)) / (n - 30);
  const r = aurocDeLongPaired(a, b, labels);
  assert.ok(Math.abs(r.a - auroc(a, labels)) < 1e-12 && Math.abs(r.b - auroc(b, labels)) < 1e-12);
  assert.ok(Math.abs(r.diff - (r.a - r.b)) < 1e-15);
  assert.ok(Math.abs(r.se - Math.sqrt(variance)) < 1e-12, `${r.se} vs ${Math.sqrt(variance)}`);
  assert.ok(Math.abs(r.p - erfc(Math.abs(r.diff) / r.se / Math.SQRT2)) < 1e-15);
  // Correlated scores: the difference is known better than either AUROC.
  assert.ok(r.se < aurocDeLong(a, labels).se, "paired SE below a single AUROC's");
});

Deno.test("aurocDeLongPaired: a score against itself or a monotone map of it, and errors", () => {
  const labels = [1, 0, 1, 0, 0, 1, 0];
  const s = [0.9, 0.1, 0.5, 0.6, 0.2, 0.7, 0.3];
  assert.deepEqual(aurocDeLongPaired(s, s, labels), {
    a: 11 / 12,
    b: 11 / 12,
    diff: 0,
    se: 0,
    p: 1,
  });
  const r = aurocDeLongPaired(s, s.map((x) => Math.exp(3 * x)), labels);
  assert.equal(r.diff, 0);
  assert.equal(r.p, 1);
  // Different rankings, the same AUROC: the difference is 0 with a positive SE, and p is 1, not
  // erfc's fit at 0 (which is above 1).
  const same = aurocDeLongPaired([4, 1, 3, 2], [1, 4, 2, 3], [1, 1, 0, 0]);
  assert.equal(same.diff, 0);
  assert.ok(same.se > 0);
  assert.equal(same.p, 1);
  assert.throws(() => aurocDeLongPaired(s, s.slice(1), labels), /7 and 6 scores/);
  assert.throws(() => aurocDeLongPaired(s, s.map(() => NaN), labels), /score 0 is NaN/);
});

Deno.test("erfc: reference values (Abramowitz & Stegun) and the 5% two-sided point", () => {
  const table: [number, number][] = [[0, 1], [0.5, 0.4795001222], [1, 0.1572992071], [
    2,
    0.004677734981,
  ]];
  for (const [x, want] of table) {
    assert.ok(Math.abs(erfc(x) / want - 1) < 2e-7, `erfc(${x}) = ${erfc(x)}`);
    assert.ok(Math.abs(erfc(-x) - (2 - want)) < 1e-7);
  }
  assert.ok(Math.abs(erfc(3) / 2.20904970e-5 - 1) < 2e-7);
  assert.ok(Math.abs(erfc(1.959963985 / Math.SQRT2) - 0.05) < 1e-8);
});
