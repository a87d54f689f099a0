import assert from "node:assert/strict";
import { Rng } from "../util/rng.ts";
import { initialAlpha, solveOneClass } from "./solver.ts";

/** RBF kernel of 2-d points, float32 like the real path. */
function rbf(points: number[][], gamma: number): Float32Array {
  const l = points.length, k = new Float32Array(l * l);
  for (let i = 0; i < l; i++) {
    for (let j = 0; j < l; j++) {
      let d = 0;
      for (let c = 0; c < points[i]!.length; c++) d += (points[i]![c]! - points[j]![c]!) ** 2;
      k[i * l + j] = Math.exp(-gamma * d);
    }
  }
  return k;
}

function randomPoints(n: number, seed: number): number[][] {
  const rng = new Rng(seed);
  return Array.from({ length: n }, () => [rng.normal(), rng.normal()]);
}

/** Max KKT violation as libsvm measures it: max_{a<1} -G + max_{a>0} G. */
function violation(k: Float32Array, alpha: Float64Array): number {
  const l = alpha.length;
  let up = -Infinity, low = -Infinity;
  for (let i = 0; i < l; i++) {
    let g = 0;
    for (let j = 0; j < l; j++) g += k[i * l + j]! * alpha[j]!;
    if (alpha[i]! < 1) up = Math.max(up, -g);
    if (alpha[i]! > 0) low = Math.max(low, g);
  }
  return up + low;
}

Deno.test("initialAlpha() fills floor(nu l) ones then the remainder, like libsvm", () => {
  assert.deepEqual(Array.from(initialAlpha(5, 0.3)), [1, 0.5, 0, 0, 0]);
  assert.deepEqual(Array.from(initialAlpha(4, 0.5)), [1, 1, 0, 0]);
  assert.deepEqual(Array.from(initialAlpha(3, 1)), [1, 1, 1]);
  assert.deepEqual(Array.from(initialAlpha(1, 0.25)), [0.25]);
});

Deno.test("solveOneClass() solves two points in one step: alpha = 1/2 each, rho = (1 + k) / 2", () => {
  const k = Math.fround(0.3);
  const sol = solveOneClass(new Float32Array([1, k, k, 1]), { nu: 0.5 });
  assert.equal(sol.iterations, 1);
  assert.deepEqual(Array.from(sol.alpha), [0.5, 0.5]);
  assert.ok(Math.abs(sol.rho - (1 + k) / 2) < 1e-15);
  assert.equal(sol.nSV, 2);
  assert.equal(sol.nBSV, 0);
  assert.ok(sol.converged);
  assert.ok(Math.abs(sol.obj - 0.5 * (0.25 + 0.25 + 2 * 0.25 * k)) < 1e-15);
});

Deno.test("solveOneClass() gives the far point the larger weight (closed form, 3 points)", () => {
  // A and B have kernel k; C is orthogonal to both. With sum alpha = 2 and every alpha free,
  // a + k b = b + k a = c = rho, so a = b = rho / (1 + k), rho = 2 (1 + k) / (3 + k).
  const k = Math.fround(0.5);
  const K = new Float32Array([1, k, 0, k, 1, 0, 0, 0, 1]);
  const sol = solveOneClass(K, { nu: 2 / 3, eps: 1e-10 });
  const rho = 2 * (1 + k) / (3 + k);
  assert.ok(Math.abs(sol.rho - rho) < 1e-9, `rho ${sol.rho} vs ${rho}`);
  assert.ok(Math.abs(sol.alpha[0]! - rho / (1 + k)) < 1e-9);
  assert.ok(Math.abs(sol.alpha[1]! - rho / (1 + k)) < 1e-9);
  assert.ok(Math.abs(sol.alpha[2]! - rho) < 1e-9);
  for (let i = 0; i < 3; i++) assert.ok(Math.abs(sol.gradient[i]! - sol.rho) < 1e-9);
});

Deno.test("solveOneClass() with nu = 1 keeps every alpha at 1 and a finite rho = max gradient", () => {
  const K = rbf([[0, 0], [1, 0], [5, 5]], 0.5);
  const sol = solveOneClass(K, { nu: 1 });
  assert.deepEqual(Array.from(sol.alpha), [1, 1, 1]);
  assert.equal(sol.iterations, 0);
  assert.equal(sol.rho, Math.max(...sol.gradient));
  assert.ok(Number.isFinite(sol.rho));
});

Deno.test("solveOneClass() on identical points stops at once (0 iterations, rho = nu l)", () => {
  const l = 5;
  const sol = solveOneClass(new Float32Array(l * l).fill(1), { nu: 0.3 });
  assert.equal(sol.iterations, 0);
  assert.ok(sol.converged);
  assert.deepEqual(Array.from(sol.alpha), [1, 0.5, 0, 0, 0]);
  assert.equal(sol.rho, 1.5);
  for (const g of sol.gradient) assert.equal(g - sol.rho, 0);
  // nu l an integer: no free alpha, rho is the midpoint of equal bounds.
  const sol2 = solveOneClass(new Float32Array(16).fill(1), { nu: 0.5 });
  assert.equal(sol2.iterations, 0);
  assert.equal(sol2.rho, 2);
});

Deno.test("solveOneClass() meets the stopping tolerance, with and without shrinking", () => {
  const K = rbf(randomPoints(300, 7), 0.5);
  for (const nu of [0.05, 0.3, 0.8]) {
    const a = solveOneClass(K, { nu, shrinking: true });
    const b = solveOneClass(K, { nu, shrinking: false });
    assert.ok(violation(K, a.alpha) < 1e-3 + 1e-9, `nu ${nu} shrinking violation`);
    assert.ok(violation(K, b.alpha) < 1e-3 + 1e-9, `nu ${nu} violation`);
    let sum = 0;
    for (const v of a.alpha) {
      assert.ok(v >= 0 && v <= 1);
      sum += v;
    }
    assert.ok(Math.abs(sum - nu * 300) < 1e-9, `sum alpha ${sum}`);
    assert.ok(Math.abs(a.rho - b.rho) < 2e-3 * Math.abs(b.rho), `rho ${a.rho} vs ${b.rho}`);
  }
});

Deno.test("solveOneClass() honours nu: SV fraction >= nu >= training outlier fraction", () => {
  // Outlier = decision below -eps: points within the stopping tolerance of the boundary are
  // neither inside nor outside (at eps 1e-3 many free SVs sit at f = -1e-4).
  const l = 400, eps = 1e-3;
  const K = rbf(randomPoints(l, 11), 1);
  for (const nu of [0.05, 0.1, 0.25, 0.5, 0.75]) {
    const sol = solveOneClass(K, { nu, eps });
    let outliers = 0;
    for (const g of sol.gradient) if (g - sol.rho < -eps) outliers++;
    assert.ok(sol.nSV / l >= nu, `nu ${nu}: SV fraction ${sol.nSV / l}`);
    assert.ok(outliers / l <= nu, `nu ${nu}: outlier fraction ${outliers / l}`);
    assert.ok(sol.nBSV / l <= nu);
  }
});

Deno.test("solveOneClass() stops at maxIter and says it did not converge", () => {
  const K = rbf(randomPoints(100, 3), 2);
  const sol = solveOneClass(K, { nu: 0.2, maxIter: 3 });
  assert.equal(sol.iterations, 3);
  assert.equal(sol.converged, false);
  assert.ok(Number.isFinite(sol.rho));
});

Deno.test("solveOneClass() rejects nu outside (0, 1], bad tolerances and non-square kernels", () => {
  const K = new Float32Array([1, 0, 0, 1]);
  for (const nu of [0, -0.1, 1.01, NaN]) {
    assert.throws(() => solveOneClass(K, { nu }), {
      name: "RangeError",
      message: `Cannot fit one-class SVM: nu must be in (0, 1], got ${nu}`,
    });
  }
  assert.throws(() => solveOneClass(K, { nu: 0.5, eps: 0 }), /tolerance must be > 0/);
  assert.throws(() => solveOneClass(K, { nu: 0.5, maxIter: 0 }), /maxIter must be an integer/);
  assert.throws(() => solveOneClass(new Float32Array(3), { nu: 0.5 }), /not a square matrix/);
});
