import assert from "node:assert/strict";
import { Rng } from "../util/rng.ts";
import { sampleDirichlet, sampleGamma } from "./sample_dirichlet.ts";

Deno.test("sampleGamma() has mean and variance equal to the shape", () => {
  for (const shape of [0.3, 1, 4.5]) {
    const rng = new Rng(11);
    const n = 40000;
    let s = 0, s2 = 0;
    for (let i = 0; i < n; i++) {
      const g = sampleGamma(shape, rng);
      assert.ok(g >= 0);
      s += g;
      s2 += g * g;
    }
    const mean = s / n, variance = s2 / n - mean * mean;
    // Standard error of the mean is sqrt(shape / n) < 0.011; of the variance below 0.1.
    assert.ok(Math.abs(mean - shape) < 0.05 * Math.max(1, shape), `mean ${mean} for ${shape}`);
    assert.ok(
      Math.abs(variance - shape) < 0.08 * Math.max(1, shape),
      `var ${variance} for ${shape}`,
    );
  }
});

Deno.test("sampleDirichlet() rows sum to 1 and have mean alpha / sum(alpha)", () => {
  const alpha = [0.5, 2, 7.5];
  const n = 20000;
  const x = sampleDirichlet(alpha, { n, rng: new Rng(3) });
  assert.equal(x.length, n * 3);
  const mean = [0, 0, 0];
  for (let i = 0; i < n; i++) {
    let row = 0;
    for (let k = 0; k < 3; k++) {
      row += x[i * 3 + k]!;
      mean[k]! += x[i * 3 + k]! / n;
    }
    assert.ok(Math.abs(row - 1) < 1e-12);
  }
  for (let k = 0; k < 3; k++) assert.ok(Math.abs(mean[k]! - alpha[k]! / 10) < 0.005);
});

Deno.test("sampleDirichlet() is deterministic for a seed", () => {
  const a = sampleDirichlet([1, 2], { n: 5, rng: new Rng(9) });
  const b = sampleDirichlet([1, 2], { n: 5, rng: new Rng(9) });
  assert.deepEqual(a, b);
});

Deno.test("sampleGamma() and sampleDirichlet() throw RangeError on bad parameters", () => {
  const rng = new Rng(1);
  assert.throws(() => sampleGamma(0, rng), { name: "RangeError", message: /Cannot sample Gamma/ });
  assert.throws(() => sampleGamma(NaN, rng), RangeError);
  assert.throws(() => sampleDirichlet([1], { n: 2, rng }), /need >= 2/);
  assert.throws(() => sampleDirichlet([1, -1], { n: 2, rng }), RangeError);
  assert.throws(() => sampleDirichlet([1, 1], { n: 1.5, rng }), RangeError);
});
