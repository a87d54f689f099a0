import assert from "node:assert/strict";
import { entropyScore, maxSoftmaxScore, simpleScore } from "./softmax_scores.ts";

// Two images, T = 2: p[i, t, :].
const PROBS = new Float32Array([
  ...[0.75, 0.25, 0.5, 0.5], // image 0: under t=0 [0.75, 0.25], under t=1 [0.5, 0.5]
  ...[0.25, 0.75, 0, 1], // image 1: under t=0 [0.25, 0.75], under t=1 [0, 1]
]);

Deno.test("simpleScore() is the mean probability of the applied transformation", () => {
  const s = simpleScore(PROBS, { nTransforms: 2 });
  assert.deepEqual([...s], [(0.75 + 0.5) / 2, (0.25 + 1) / 2]);
});

Deno.test("maxSoftmaxScore() is the mean of each softmax vector's maximum", () => {
  const s = maxSoftmaxScore(PROBS, { nTransforms: 2 });
  assert.deepEqual([...s], [(0.75 + 0.5) / 2, (0.75 + 1) / 2]);
});

Deno.test("entropyScore() is the mean negative entropy with 0 log 0 = 0", () => {
  const s = entropyScore(PROBS, { nTransforms: 2 });
  const h = (p: number[]) => p.reduce((a, v) => a + (v > 0 ? v * Math.log(v) : 0), 0);
  const e0 = (h([0.75, 0.25]) + h([0.5, 0.5])) / 2;
  const e1 = (h([0.25, 0.75]) + h([0, 1])) / 2;
  assert.ok(Math.abs(s[0]! - e0) < 1e-15);
  assert.ok(Math.abs(s[1]! - e1) < 1e-15);
  assert.ok(s[1]! > s[0]!, "the more confident image scores higher");
});

Deno.test("softmax scores throw RangeError on bad layout or NaN", () => {
  for (const f of [simpleScore, maxSoftmaxScore, entropyScore]) {
    assert.throws(() => f(new Float32Array(6), { nTransforms: 2 }), {
      name: "RangeError",
      message: /6 values are not \[nImages >= 1, 2, 2\]/,
    });
    assert.throws(() => f(new Float32Array(0), { nTransforms: 2 }), RangeError);
    const bad = PROBS.slice();
    bad[6] = NaN;
    assert.throws(() => f(bad, { nTransforms: 2 }), /image 1 has NaN probabilities/);
  }
});
