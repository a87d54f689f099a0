import assert from "node:assert/strict";
import { Rng } from "../util/rng.ts";
import {
  clampedLogRow,
  dirichletStats,
  fitDirichlet,
  fitDirichletFromStats,
  FLOAT32_MIN_POSITIVE,
  initialDirichletAlpha,
} from "./dirichlet_mle.ts";
import { sampleDirichlet } from "./sample_dirichlet.ts";
import { digamma, EULER_GAMMA } from "./special.ts";

function maxRelativeError(estimate: ArrayLike<number>, truth: ArrayLike<number>): number {
  let worst = 0;
  for (let k = 0; k < truth.length; k++) {
    worst = Math.max(worst, Math.abs(estimate[k]! - truth[k]!) / truth[k]!);
  }
  return worst;
}

Deno.test("fitDirichlet() recovers known alpha from synthetic samples within 5%", () => {
  const rng = new Rng(2018);
  const k72 = Array.from({ length: 72 }, () => 0.5 + 4.5 * rng.next());
  k72[17] = 40; // one dominant class, as for a confident transformation classifier
  const cases: { alpha: number[]; n: number }[] = [
    { alpha: [1, 2, 3], n: 5000 },
    { alpha: [0.3, 0.5, 0.8, 0.4], n: 10000 },
    { alpha: [20, 50, 30], n: 5000 },
    { alpha: [0.6, 12, 0.9, 0.35, 2], n: 10000 },
    { alpha: k72, n: 12000 },
  ];
  for (const { alpha, n } of cases) {
    const samples = sampleDirichlet(alpha, { n, rng });
    // (Not all converge: [20, 50, 30] stops at the 1000-update cap, as Minka's fixed point is
    // slow for high precision; the estimate is within 1.2% there.)
    const fit = fitDirichlet(samples, { nClasses: alpha.length });
    const err = maxRelativeError(fit.alpha, alpha);
    assert.ok(err < 0.05, `K=${alpha.length} alpha=${alpha.slice(0, 4)}: max rel err ${err}`);
  }
});

Deno.test("fitDirichletFromStats() ends at a stationary point of the likelihood", () => {
  const samples = sampleDirichlet([0.7, 3, 1.5, 9], { n: 3000, rng: new Rng(4) });
  const stats = dirichletStats(samples, { nClasses: 4 });
  const fit = fitDirichletFromStats(stats);
  // d logL / d alpha_k / n = psi(sum alpha) - psi(alpha_k) + meanLogP_k.
  const psiSum = digamma(fit.alpha.reduce((a, b) => a + b, 0));
  for (let k = 0; k < 4; k++) {
    const grad = psiSum - digamma(fit.alpha[k]!) + stats.meanLogP[k]!;
    assert.ok(Math.abs(grad) < 1e-9, `gradient ${k}: ${grad}`);
  }
});

Deno.test("fitDirichletFromStats() honours the stopping rule", () => {
  const stats = dirichletStats(sampleDirichlet([2, 5, 1], { n: 2000, rng: new Rng(8) }), {
    nClasses: 3,
  });
  const full = fitDirichletFromStats(stats);
  assert.ok(full.converged);
  assert.ok(full.lastStep < 1e-9);
  assert.ok(full.iterations > 2 && full.iterations < 1000, `${full.iterations} iterations`);
  // One update fewer: the tolerance is not yet met, so the rule must have continued.
  const cut = fitDirichletFromStats(stats, { maxIterations: full.iterations - 1 });
  assert.equal(cut.iterations, full.iterations - 1);
  assert.equal(cut.converged, false);
  assert.ok(cut.lastStep >= 1e-9);
  // A looser tolerance stops earlier, at the first step below it.
  const loose = fitDirichletFromStats(stats, { tolerance: 1e-3 });
  assert.ok(loose.iterations < full.iterations && loose.lastStep < 1e-3);
  const before = fitDirichletFromStats(stats, {
    tolerance: 1e-3,
    maxIterations: loose.iterations - 1,
  });
  assert.ok(before.lastStep >= 1e-3);
  // The cap: tolerance 0 is never met, so exactly maxIterations updates.
  const capped = fitDirichletFromStats(stats, { tolerance: 0, maxIterations: 7 });
  assert.equal(capped.iterations, 7);
  assert.equal(capped.converged, false);
});

Deno.test("initialDirichletAlpha() is mean times Wicker's approximate precision (hand-computed)", () => {
  // K = 2, meanP = [0.5, 0.5], meanLogP = log 0.5 - d: s = gamma_E / d, alpha0 = s / 2 each.
  const d = 0.1;
  const alpha = initialDirichletAlpha({
    n: 10,
    meanP: new Float64Array([0.5, 0.5]),
    meanLogP: new Float64Array([Math.log(0.5) - d, Math.log(0.5) - d]),
  });
  assert.ok(Math.abs(alpha[0]! - EULER_GAMMA / d / 2) < 1e-12);
  assert.ok(Math.abs(alpha[1]! - EULER_GAMMA / d / 2) < 1e-12);
  // K = 3 with uneven means.
  const meanP = new Float64Array([0.2, 0.3, 0.5]);
  const meanLogP = new Float64Array([-2, -1.5, -0.9]);
  const denom = 0.2 * (Math.log(0.2) + 2) + 0.3 * (Math.log(0.3) + 1.5) +
    0.5 * (Math.log(0.5) + 0.9);
  const s = (2 * EULER_GAMMA) / denom;
  const a3 = initialDirichletAlpha({ n: 10, meanP, meanLogP });
  for (let k = 0; k < 3; k++) assert.ok(Math.abs(a3[k]! - meanP[k]! * s) < 1e-12);
});

Deno.test("fitDirichlet() stays finite on exact zeros and on vectors with no spread", () => {
  // Float32 softmax underflow: exact zeros everywhere in one component.
  const zeros = new Float32Array([0.7, 0.3, 0, 0.6, 0.4, 0, 0.9, 0.1, 0, 0.5, 0.5, 0]);
  const fit = fitDirichlet(zeros, { nClasses: 3 });
  assert.ok(fit.alpha.every(Number.isFinite), `alpha ${fit.alpha}`);
  assert.ok(fit.alpha.every((a) => a > 0));
  // Identical rows: the MLE is at infinity. Exactly no spread: start at precision K, stop at
  // the cap with finite alphas in the right proportions.
  const flat = fitDirichlet(new Float64Array([0.25, 0.75, 0.25, 0.75]), { nClasses: 2 });
  assert.equal(flat.converged, false);
  assert.equal(flat.iterations, 1000);
  assert.ok(flat.alpha.every(Number.isFinite));
  assert.ok(Math.abs(flat.alpha[0]! / (flat.alpha[0]! + flat.alpha[1]!) - 0.25) < 1e-3);
  // Rounding-level spread: a huge but finite precision.
  const near = fitDirichlet(new Float64Array([0.2, 0.8, 0.2, 0.8, 0.2, 0.8]), { nClasses: 2 });
  assert.ok(near.alpha.every(Number.isFinite));
  assert.ok(Math.abs(near.alpha[0]! / (near.alpha[0]! + near.alpha[1]!) - 0.2) < 1e-6);
});

Deno.test("clampedLogRow() floors, renormalises and keeps NaN", () => {
  const out = new Float64Array(3), probs = new Float64Array(3);
  clampedLogRow([0, 0.5, 0.5], 0, 3, 0.01, out, probs);
  const s = 1.01;
  assert.deepEqual([...probs], [0.01 / s, 0.5 / s, 0.5 / s]);
  assert.ok(Math.abs(out[0]! - Math.log(0.01 / s)) < 1e-15);
  clampedLogRow([9, 0.2, NaN, 0.8], 1, 3, 1e-10, out);
  assert.ok(Number.isNaN(out[1]!));
});

Deno.test("clampedLogRow() at the float32 floor without renormalising changes exact zeros only", () => {
  const out = new Float64Array(4), probs = new Float64Array(4);
  // float32 softmax values as the official code logs them: a denormal stays itself
  const row = new Float32Array([0.9, 0.1 - 1e-30, 1e-40, 0]);
  clampedLogRow(row, 0, 4, FLOAT32_MIN_POSITIVE, out, probs, false);
  for (let j = 0; j < 3; j++) {
    assert.equal(out[j], Math.log(row[j]!));
    assert.equal(probs[j], row[j]);
  }
  assert.equal(out[3], Math.log(2 ** -149));
  assert.ok(Math.abs(out[3]! - -103.2789) < 1e-4);
  // the 1e-10 floor with renormalisation moves the confident end
  clampedLogRow(row, 0, 4, 1e-10, out, probs);
  assert.ok(out[2]! > -23.1 && out[0]! < Math.log(0.9));
});

Deno.test("fitDirichlet() and dirichletStats() throw RangeError on bad input", () => {
  assert.throws(() => fitDirichlet([0.5, 0.5, 0.2], { nClasses: 2 }), {
    name: "RangeError",
    message: /Cannot compute Dirichlet statistics: 3 values are not rows of 2/,
  });
  assert.throws(() => fitDirichlet([0.5, 0.5], { nClasses: 2 }), /at least 2 vectors/);
  assert.throws(() => fitDirichlet([1, 1], { nClasses: 1 }), /nClasses 1/);
  assert.throws(
    () => fitDirichlet([0.5, 0.5, NaN, 0.5], { nClasses: 2 }),
    /component 0 contains NaN/,
  );
  assert.throws(() => fitDirichlet([0.5, 0.5, 0.4, 0.6], { nClasses: 2, clamp: 0 }), /clamp 0/);
  const stats = dirichletStats([0.5, 0.5, 0.4, 0.6], { nClasses: 2 });
  assert.throws(() => fitDirichletFromStats(stats, { maxIterations: 0 }), /maxIterations 0/);
  assert.throws(() => fitDirichletFromStats(stats, { tolerance: -1 }), /tolerance -1/);
  assert.throws(() => fitDirichletFromStats(stats, { initialAlpha: [1] }), /initialAlpha/);
});
