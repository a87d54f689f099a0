import assert from "node:assert/strict";
import { Rng } from "../util/rng.ts";
import { dirichletScore, type DirichletScorer, fitDirichletScorer } from "./dirichlet_score.ts";
import { FLOAT32_MIN_POSITIVE } from "./dirichlet_mle.ts";
import { sampleDirichlet } from "./sample_dirichlet.ts";

/** Builds [n, T, T] probabilities where row (i, t) ~ Dirichlet(alphas[t]). */
function synthetic(alphas: number[][], n: number, rng: Rng): Float64Array {
  const nT = alphas.length;
  const out = new Float64Array(n * nT * nT);
  for (let t = 0; t < nT; t++) {
    const rows = sampleDirichlet(alphas[t]!, { n, rng });
    for (let i = 0; i < n; i++) out.set(rows.subarray(i * nT, (i + 1) * nT), (i * nT + t) * nT);
  }
  return out;
}

const ALPHAS = [
  [30, 2, 0.6],
  [1.5, 25, 0.8],
  [0.4, 3, 12],
];

Deno.test("fitDirichletScorer() recovers each transformation's alpha within 5%", () => {
  const probs = synthetic(ALPHAS, 8000, new Rng(1));
  const scorer = fitDirichletScorer(probs, { nTransforms: 3 });
  assert.equal(scorer.nImages, 8000);
  assert.equal(scorer.iterations.length, 3);
  for (let t = 0; t < 3; t++) {
    for (let k = 0; k < 3; k++) {
      const est = scorer.alphas[t * 3 + k]!, truth = ALPHAS[t]![k]!;
      assert.ok(Math.abs(est - truth) / truth < 0.05, `alpha[${t}][${k}] = ${est} vs ${truth}`);
    }
  }
});

Deno.test("fitDirichletScorer() gives the same fit from chunks and from float32", () => {
  const probs = synthetic(ALPHAS, 600, new Rng(2));
  const whole = fitDirichletScorer(probs, { nTransforms: 3 });
  const chunked = fitDirichletScorer([probs.subarray(0, 9 * 250), probs.subarray(9 * 250)], {
    nTransforms: 3,
  });
  for (let j = 0; j < 9; j++) {
    assert.ok(Math.abs(whole.alphas[j]! - chunked.alphas[j]!) < 1e-9 * whole.alphas[j]!);
  }
  const f32 = fitDirichletScorer(Float32Array.from(probs), { nTransforms: 3 });
  for (let j = 0; j < 9; j++) {
    assert.ok(Math.abs(whole.alphas[j]! - f32.alphas[j]!) < 1e-3 * whole.alphas[j]!);
  }
});

Deno.test("dirichletScore() is mean_t sum_k (alpha_tk - 1) log p (hand-computed)", () => {
  const scorer: DirichletScorer = {
    nTransforms: 2,
    alphas: new Float64Array([3, 1.5, 0.5, 2]),
    clamp: 1e-10,
    iterations: [1, 1],
    converged: [true, true],
    nImages: 2,
  };
  const probs = new Float64Array([0.6, 0.4, 0.25, 0.75, 0.5, 0.5, 0.5, 0.5]);
  const s = dirichletScore(scorer, probs);
  const img0 = (2 * Math.log(0.6) + 0.5 * Math.log(0.4) - 0.5 * Math.log(0.25) + Math.log(0.75)) /
    2;
  const img1 = (2 * Math.log(0.5) + 0.5 * Math.log(0.5) - 0.5 * Math.log(0.5) + Math.log(0.5)) / 2;
  assert.ok(Math.abs(s[0]! - img0) < 1e-14);
  assert.ok(Math.abs(s[1]! - img1) < 1e-14);
});

Deno.test("dirichletScore() ranks in-distribution images above shifted ones", () => {
  const rng = new Rng(3);
  const scorer = fitDirichletScorer(synthetic(ALPHAS, 2000, rng), { nTransforms: 3 });
  const normal = dirichletScore(scorer, synthetic(ALPHAS, 300, rng));
  const shifted = dirichletScore(scorer, synthetic([[1, 1, 1], [1, 1, 1], [1, 1, 1]], 300, rng));
  let wins = 0;
  for (const a of normal) for (const b of shifted) wins += a > b ? 1 : 0;
  assert.ok(wins / (300 * 300) > 0.95, `pairwise AUROC ${wins / 90000}`);
});

Deno.test("fitDirichletScorer() and dirichletScore() stay finite on exact zeros", () => {
  // Float32 softmax that underflowed: class 2 is exactly 0 for every image and transformation.
  const probs = new Float32Array([
    ...[0.9, 0.1, 0, 0.2, 0.8, 0, 0.5, 0.5, 0],
    ...[0.7, 0.3, 0, 0.1, 0.9, 0, 0.4, 0.6, 0],
    ...[0.8, 0.2, 0, 0.3, 0.7, 0, 0.6, 0.4, 0],
  ]);
  const scorer = fitDirichletScorer(probs, { nTransforms: 3 });
  assert.ok(scorer.alphas.every((a) => Number.isFinite(a) && a > 0), `${scorer.alphas}`);
  const s = dirichletScore(scorer, probs);
  assert.ok(s.every(Number.isFinite), `${s}`);
  const zeros = dirichletScore(scorer, new Float32Array([1, 0, 0, 0, 1, 0, 0, 0, 1]));
  assert.ok(Number.isFinite(zeros[0]!));
});

Deno.test("fitDirichletScorer() with the official floor logs raw probabilities (no renormalising)", () => {
  // 2 images x 2 transformations x 2 classes, one exact zero
  const probs = new Float32Array([0.75, 0.25, 0.5, 0.5, 0.25, 0.75, 1, 0]);
  const official = fitDirichletScorer(probs, {
    nTransforms: 2,
    clamp: FLOAT32_MIN_POSITIVE,
    renormalise: false,
  });
  assert.equal(official.renormalise, false);
  assert.equal(official.clamp, 2 ** -149);
  const s = dirichletScore(official, probs);
  const a = official.alphas;
  const logZero = Math.log(2 ** -149);
  const want0 = ((a[0]! - 1) * Math.log(0.75) + (a[1]! - 1) * Math.log(0.25) +
    (a[2]! - 1) * Math.log(0.5) + (a[3]! - 1) * Math.log(0.5)) / 2;
  const want1 = ((a[0]! - 1) * Math.log(0.25) + (a[1]! - 1) * Math.log(0.75) +
    (a[2]! - 1) * 0 + (a[3]! - 1) * logZero) / 2;
  assert.ok(Math.abs(s[0]! - want0) < 1e-9 * Math.abs(want0), `${s[0]} vs ${want0}`);
  assert.ok(Math.abs(s[1]! - want1) < 1e-9 * Math.abs(want1), `${s[1]} vs ${want1}`);
  // the default (1e-10, renormalised) gives a different score on the zero
  const floored = fitDirichletScorer(probs, { nTransforms: 2 });
  assert.equal(floored.renormalise, true);
  assert.notEqual(dirichletScore(floored, probs)[1], s[1]);
});

Deno.test("fitDirichletScorer() and dirichletScore() throw RangeError on bad input", () => {
  assert.throws(() => fitDirichletScorer(new Float32Array(17), { nTransforms: 3 }), {
    name: "RangeError",
    message: /Cannot fit Dirichlet scorer: 17 values are not \[nImages >= 1, 3, 3\]/,
  });
  assert.throws(
    () => fitDirichletScorer(new Float32Array(9).fill(1 / 3), { nTransforms: 3 }),
    /at least 2 images/,
  );
  assert.throws(
    () => fitDirichletScorer(new Float32Array(8), { nTransforms: 1.5 }),
    /nTransforms 1.5/,
  );
  const bad = new Float32Array(18).fill(1 / 3);
  bad[13] = NaN;
  assert.throws(() => fitDirichletScorer(bad, { nTransforms: 3 }), /transformation 1 contain NaN/);
  const scorer = fitDirichletScorer(new Float32Array(synthetic(ALPHAS, 50, new Rng(4))), {
    nTransforms: 3,
  });
  assert.throws(
    () => dirichletScore(scorer, new Float32Array(8)),
    /Cannot compute Dirichlet score/,
  );
  assert.throws(() => dirichletScore(scorer, bad), /image 1 has NaN probabilities/);
});
