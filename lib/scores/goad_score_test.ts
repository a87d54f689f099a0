import assert from "node:assert/strict";
import { epsFloorReach, goadScore, goadScores, transformCentres } from "./goad_score.ts";

// Toy feature set: 3 training images x 2 transformations x 2-d features, [n, T, d].
const TRAIN = [
  [[0, 0], [2, 2]],
  [[1, 0], [3, 2]],
  [[-1, 0], [4, 2]],
].flat(2);
const SHAPE = { nTransforms: 2, dim: 2 };

Deno.test("transformCentres are the per-transformation means of the training features", () => {
  assert.deepEqual(Array.from(transformCentres(TRAIN, SHAPE)), [0, 0, 3, 2]);
  assert.throws(() => transformCentres([1, 2, 3], SHAPE), RangeError);
  assert.throws(() => transformCentres([], SHAPE), RangeError);
});

/** The score written out directly: sum over t of log((e^-d_tt + eps) / sum_j (e^-d_tj + eps)). */
function direct(z: number[][], c: number[][], eps: number): number {
  let s = 0;
  z.forEach((zt, t) => {
    const w = c.map((cj) => Math.exp(-cj.reduce((a, v, k) => a + (zt[k]! - v) ** 2, 0)) + eps);
    s += Math.log(w[t]! / w.reduce((a, b) => a + b, 0));
  });
  return s;
}

Deno.test("goadScore equals a direct computation on a toy feature set", () => {
  const centres = transformCentres(TRAIN, SHAPE); // c0 = (0, 0), c1 = (3, 2)
  const c = [[0, 0], [3, 2]];
  const test = [
    [[0.5, 0], [3, 1]], // near its centres: normal
    [[3, 2], [0, 0]], // each transformation at the other's centre: anomalous
    [[1, 1], [1, 1]],
  ];
  for (const eps of [0, 1e-10, 0.01]) {
    const got = goadScore(test.flat(2), centres, { ...SHAPE, epsilon: eps });
    test.forEach((z, i) => {
      const want = direct(z, c, eps);
      assert.ok(Math.abs(got[i]! - want) < 1e-12, `eps ${eps} image ${i}: ${got[i]} vs ${want}`);
    });
    assert.ok(got[0]! > got[2]! && got[2]! > got[1]!);
  }
  // Hand value for image 0 with eps 0: squared distances to (c0, c1) are (0.25, 10.25) under
  // t0 and (10, 1) under t1, so the score is -log(1 + e^-10) - log(1 + e^-9).
  const s0 = goadScore(test[0]!.flat(), centres, { ...SHAPE, epsilon: 0 })[0]!;
  assert.ok(Math.abs(s0 - (-Math.log1p(Math.exp(-10)) - Math.log1p(Math.exp(-9)))) < 1e-12);
});

Deno.test("goadScore stays finite far from every centre; eps pulls such points to log(1/T)", () => {
  const far = [[1000, 1000], [1000, 1001]].flat();
  const centres = transformCentres(TRAIN, SHAPE);
  const plain = goadScore(far, centres, { ...SHAPE, epsilon: 0 })[0]!;
  const withEps = goadScore(far, centres, { ...SHAPE, epsilon: 1e-10 })[0]!;
  assert.ok(Number.isFinite(plain) && Number.isFinite(withEps));
  // Every e^-d underflows below eps: each probability is eps / (2 eps) = 1/2.
  assert.ok(Math.abs(withEps - 2 * Math.log(0.5)) < 1e-12);
  assert.throws(() => goadScore(far, centres, { ...SHAPE, epsilon: -1 }), RangeError);
  assert.throws(() => goadScore(far, [0, 0], { ...SHAPE, epsilon: 0 }), RangeError);
});

Deno.test("goadScores computes several eps from one pass, each equal to goadScore", () => {
  const centres = transformCentres(TRAIN, SHAPE);
  const test = [[[0.5, 0], [3, 1]], [[3, 2], [0, 0]], [[40, 1], [1, -30]]].flat(2);
  const [a, b] = goadScores(test, centres, { ...SHAPE, epsilons: [1e-10, 0] });
  assert.deepEqual(a, goadScore(test, centres, { ...SHAPE, epsilon: 1e-10 }));
  assert.deepEqual(b, goadScore(test, centres, { ...SHAPE, epsilon: 0 }));
});

Deno.test("epsFloorReach counts pairs beyond -ln(eps) from their own centre, and whole images", () => {
  // Squared distances to the own centre: image 0 (0, 1), image 1 (1, 0), image 2 (1, 1).
  const centres = transformCentres(TRAIN, SHAPE);
  const at = (epsilon: number) => epsFloorReach(TRAIN, centres, { ...SHAPE, epsilon });
  const half = at(Math.exp(-0.5));
  assert.ok(Math.abs(half.threshold - 0.5) < 1e-15);
  assert.equal(half.pairs, 4 / 6);
  assert.equal(half.images, 1 / 3);
  const one = at(Math.exp(-1)); // distance 1 is not beyond 1
  assert.deepEqual([one.pairs, one.images], [0, 0]);
  assert.deepEqual(at(0), { threshold: Infinity, pairs: 0, images: 0 });
  assert.deepEqual(at(2).pairs, 1); // eps > 1: every distance is beyond the floor
  assert.throws(() => at(-1), /epsilon -1 is not a finite number >= 0/);
  assert.throws(() => epsFloorReach(TRAIN, [0, 0], { ...SHAPE, epsilon: 0.1 }), /centres have 2/);
});
