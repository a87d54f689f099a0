import assert from "node:assert/strict";
import { Rng } from "../util/rng.ts";
import { type AdamConstants, adamModuleBytes, AdamSimd, penaltySum } from "./adam_simd.ts";
import { adamScalar } from "./fused_adam.ts";

const f = Math.fround;

function constants(t: number, lr = 1e-3): AdamConstants {
  return {
    beta1: f(0.9),
    oneMinusBeta1: f(1 - 0.9),
    beta2: f(0.999),
    oneMinusBeta2: f(1 - 0.999),
    oneMinusAcc1: f(1 - f(0.9 ** t)),
    oneMinusAcc2: f(1 - f(0.999 ** t)),
    epsilon: f(1e-7),
    negLr: f(-lr),
  };
}

/** Values over many magnitudes, with zeros, subnormals, huge values and negative zero. */
function values(rng: Rng, n: number, positive = false): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const r = rng.next();
    const mag = 10 ** (rng.next() * 60 - 45); // 1e-45 (subnormal) to 1e15
    a[i] = r < 0.05 ? 0 : r < 0.07 ? -0 : (positive ? 1 : rng.next() < 0.5 ? -1 : 1) * mag;
  }
  return a;
}

const bits = (a: Float32Array) => new Uint32Array(a.buffer, a.byteOffset, a.length);

Deno.test("the Adam WebAssembly module validates (this engine has SIMD)", () => {
  assert.ok(WebAssembly.validate(adamModuleBytes()));
  assert.ok(AdamSimd.create());
});

Deno.test("Adam in WebAssembly SIMD equals the JavaScript loop bit for bit", () => {
  const simd = AdamSimd.create()!;
  const rng = new Rng(3);
  // lengths that are and are not whole SIMD lanes, one that grows the memory, then small again
  for (const [i, n] of [1, 3, 4, 7, 64, 1001, 300_001, 5].entries()) {
    const g = values(rng, n), m = values(rng, n), v = values(rng, n, true), w = values(rng, n);
    const c = constants(i + 1, i % 2 ? 1e-3 : 0.37);
    const want = { m: new Float32Array(n), v: new Float32Array(n), w: new Float32Array(n) };
    const got = { m: new Float32Array(n), v: new Float32Array(n), w: new Float32Array(n) };
    adamScalar(g, m, v, w, want, c);
    simd.update(g, m, v, w, got, c);
    for (const k of ["m", "v", "w"] as const) {
      assert.deepEqual(bits(got[k]), bits(want[k]), `n=${n}: ${k} differs`);
    }
    // not a vacuous comparison: the update moved weights (tiny lengths may draw only huge ones)
    if (n >= 64) assert.ok(want.w.some((x, j) => x !== w[j]), `n=${n}: no weight moved`);
  }
});

Deno.test("Adam with the L2 term in WebAssembly SIMD equals the JavaScript loop bit for bit", () => {
  const simd = AdamSimd.create()!;
  const rng = new Rng(5);
  for (const [i, n] of [1, 3, 4, 7, 64, 1001, 300_001, 5].entries()) {
    const g = values(rng, n), m = values(rng, n), v = values(rng, n, true), w = values(rng, n);
    const c = constants(i + 1);
    const factor = f(i % 2 ? 2.5e-4 : 0.75);
    const gCopy = g.slice();
    const want = { m: new Float32Array(n), v: new Float32Array(n), w: new Float32Array(n) };
    const got = { m: new Float32Array(n), v: new Float32Array(n), w: new Float32Array(n) };
    const wantSum = adamScalar(g, m, v, w, want, c, { factor });
    const gotSum = simd.update(g, m, v, w, got, c, { factor });
    for (const k of ["m", "v", "w"] as const) {
      assert.deepEqual(bits(got[k]), bits(want[k]), `n=${n}: ${k} differs`);
    }
    assert.ok(Object.is(gotSum, wantSum), `n=${n}: term ${gotSum} against ${wantSum}`);
    assert.ok(Object.is(wantSum, penaltySum(w, factor)), `n=${n}: the term is penaltySum's`);
    assert.deepEqual(bits(g), bits(gCopy), "the gradient array is left as it was");
    // the loop's L2 arithmetic itself: t = factor * w; g + (t + t)
    for (let j = 0; j < Math.min(n, 50); j++) {
      const t = f(factor * w[j]!);
      const gl = f(g[j]! + f(t + t));
      assert.equal(want.m[j], f(f(m[j]! * c.beta1) + f(gl * c.oneMinusBeta1)), `n=${n}: m[${j}]`);
    }
    // the term is the float32 elements' sum to within float32 rounding
    let exact = 0;
    for (let j = 0; j < n; j++) exact += f(factor * f(w[j]! * w[j]!));
    assert.ok(Math.abs(gotSum - exact) <= exact * 2 ** -23, `n=${n}: ${gotSum} against ${exact}`);
  }
});

Deno.test("penaltySum adds the lanes in float64 in their fixed order, and ignores no element", () => {
  // elements whose float32 sum would lose the small ones: 2^24 + 1 + 1 + 1 in float32 is 2^24
  const w = Float32Array.from([2 ** 12, 1, 1, 1, 1]);
  assert.equal(penaltySum(w, 1), 2 ** 24 + 4);
  // lanes: s0 = w0^2 + w4^2, s1 = w1^2, s2 = w2^2, s3 = w3^2; ((s0 + s1) + s2) + s3
  const v = Float32Array.from([3, 5, 7, 11, 13]);
  assert.equal(penaltySum(v, 0.5), f(0.5 * (9 + 169 + 25 + 49 + 121)));
  assert.equal(penaltySum(new Float32Array(0), 0.5), 0);
});
