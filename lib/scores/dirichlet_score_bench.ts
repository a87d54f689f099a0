/**
 * GEOM-sized Dirichlet fit and scoring: 72 transformations, 6000 training images (Fashion-MNIST
 * class size), 10000 test images. Run: `deno bench lib/scores/dirichlet_score_bench.ts`.
 * @module
 */
import { Rng } from "../util/rng.ts";
import { dirichletScore, fitDirichletScorer } from "./dirichlet_score.ts";
import { simpleScore } from "./softmax_scores.ts";

const T = 72;

/** Softmax outputs [n, T, T] that favour the applied transformation, like a trained net. */
function fakeSoftmax(n: number, rng: Rng): Float32Array {
  const out = new Float32Array(n * T * T);
  const logits = new Float64Array(T);
  for (let row = 0; row < n * T; row++) {
    const t = row % T;
    let max = -Infinity;
    for (let k = 0; k < T; k++) {
      logits[k] = 3 * rng.next() + (k === t ? 4 + 8 * rng.next() : 0);
      if (logits[k]! > max) max = logits[k]!;
    }
    let sum = 0;
    for (let k = 0; k < T; k++) sum += logits[k] = Math.exp(logits[k]! - max);
    for (let k = 0; k < T; k++) out[row * T + k] = logits[k]! / sum;
  }
  return out;
}

const rng = new Rng(1);
const train = fakeSoftmax(6000, rng);
const test = fakeSoftmax(10000, rng);
const scorer = fitDirichletScorer(train, { nTransforms: T });
const capped = scorer.iterations.filter((it) => it >= 1000).length;
console.log(
  `fit: iterations min ${Math.min(...scorer.iterations)} max ${Math.max(...scorer.iterations)}, ` +
    `${capped}/${T} transformations hit the 1000 cap`,
);

Deno.bench({
  name: "fitDirichletScorer 6000 x 72 x 72",
  n: 3,
  warmup: 1,
  fn: () => {
    fitDirichletScorer(train, { nTransforms: T });
  },
});

Deno.bench({
  name: "dirichletScore 10000 x 72 x 72",
  n: 3,
  warmup: 1,
  fn: () => {
    dirichletScore(scorer, test);
  },
});

Deno.bench({
  name: "simpleScore 10000 x 72 x 72",
  n: 3,
  warmup: 1,
  fn: () => {
    simpleScore(test, { nTransforms: T });
  },
});
