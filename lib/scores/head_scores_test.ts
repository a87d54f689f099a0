import assert from "node:assert/strict";
import { HEAD_LOG_FLOOR, headLogScore, headProbabilityScore } from "./head_scores.ts";

Deno.test("headProbabilityScore sums each head's probability of the true label", () => {
  // 2 heads (2 and 3 classes), 2 transformations labelled [1, 0] and [0, 2]; one image.
  const opts = { heads: [2, 3], nTransforms: 2, labels: [1, 0, 0, 2] };
  const out = [
    0.3,
    0.7,
    0.5,
    0.25,
    0.25, // t0: head0 p[1] = 0.7, head1 p[0] = 0.5
    0.9,
    0.1,
    0.2,
    0.2,
    0.6, //   t1: head0 p[0] = 0.9, head1 p[2] = 0.6
  ];
  assert.ok(Math.abs(headProbabilityScore(out, opts)[0]! - (0.7 + 0.5 + 0.9 + 0.6)) < 1e-6);
  const want = Math.log(0.7) + Math.log(0.5) + Math.log(0.9) + Math.log(0.6);
  assert.ok(Math.abs(headLogScore(out, opts)[0]! - want) < 1e-6);
  const zero = out.map((v, i) => (i === 1 ? 0 : v));
  assert.ok(headLogScore(zero, opts)[0]! < Math.log(HEAD_LOG_FLOOR) + 1);
  assert.throws(() => headProbabilityScore(out.slice(1), opts), RangeError);
  assert.throws(() => headProbabilityScore(out, { ...opts, labels: [1, 0] }), RangeError);
});
