import assert from "node:assert/strict";
import { digamma, EULER_GAMMA, inverseDigamma, trigamma } from "./special.ts";

/** Relative (or, near 0, absolute) closeness. */
function assertNear(actual: number, expected: number, tol: number, what: string) {
  const err = Math.abs(actual - expected) / Math.max(1, Math.abs(expected));
  assert.ok(err <= tol, `${what}: ${actual} vs ${expected} (err ${err})`);
}

const PI2 = Math.PI * Math.PI;
const CATALAN = 0.915965594177219015054603514932384110774;

Deno.test("digamma() matches closed forms", () => {
  const ln2 = Math.LN2, ln3 = Math.log(3);
  assertNear(digamma(1), -EULER_GAMMA, 1e-15, "psi(1)");
  assertNear(digamma(0.5), -EULER_GAMMA - 2 * ln2, 1e-15, "psi(1/2)");
  assertNear(
    digamma(1 / 3),
    -EULER_GAMMA - Math.PI / (2 * Math.sqrt(3)) - 1.5 * ln3,
    1e-15,
    "psi(1/3)",
  );
  assertNear(digamma(0.25), -EULER_GAMMA - Math.PI / 2 - 3 * ln2, 1e-15, "psi(1/4)");
  // psi(n) = H_{n-1} - gamma and psi(n + 1/2) = -gamma - 2 ln 2 + sum_{k<=n} 2 / (2k - 1).
  let h = 0, odd = 0;
  for (let n = 1; n <= 2000; n++) {
    if ([1, 2, 3, 7, 9, 10, 11, 25, 100, 2000].includes(n)) {
      assertNear(digamma(n), h - EULER_GAMMA, 1e-14, `psi(${n})`);
    }
    h += 1 / n;
    odd += 2 / (2 * n - 1);
    if ([1, 4, 9, 10, 50, 1000].includes(n)) {
      assertNear(digamma(n + 0.5), -EULER_GAMMA - 2 * ln2 + odd, 1e-14, `psi(${n}.5)`);
    }
  }
});

Deno.test("digamma() is accurate for tiny, huge and negative x", () => {
  // psi(x) = -1/x - gamma + (pi^2/6) x + O(x^2).
  assertNear(digamma(1e-10), -1e10 - EULER_GAMMA + (PI2 / 6) * 1e-10, 1e-15, "psi(1e-10)");
  // psi(x) ~ ln x - 1/(2x) - 1/(12 x^2).
  assertNear(digamma(1e8), Math.log(1e8) - 5e-9 - 1 / 12e16, 1e-15, "psi(1e8)");
  assert.equal(digamma(Infinity), Infinity);
  // Reflection: psi(-1/2) = psi(3/2) + ... = 2 - gamma - 2 ln 2.
  assertNear(digamma(-0.5), 2 - EULER_GAMMA - 2 * Math.LN2, 1e-14, "psi(-1/2)");
  assert.ok(Number.isNaN(digamma(0)));
  assert.ok(Number.isNaN(digamma(-3)));
  assert.ok(Number.isNaN(digamma(NaN)));
});

Deno.test("digamma() satisfies psi(x + 1) = psi(x) + 1/x across scales", () => {
  for (const x of [1e-6, 0.013, 0.7, 1.4616321449683622, 3.3, 9.99, 10, 10.01, 55.5, 1e4]) {
    assertNear(digamma(x), digamma(x + 1) - 1 / x, 2e-15, `recurrence at ${x}`);
  }
});

Deno.test("trigamma() matches closed forms", () => {
  assertNear(trigamma(1), PI2 / 6, 1e-15, "psi'(1)");
  assertNear(trigamma(0.5), PI2 / 2, 1e-15, "psi'(1/2)");
  assertNear(trigamma(0.25), PI2 + 8 * CATALAN, 1e-15, "psi'(1/4)");
  // psi'(n) = pi^2/6 - sum_{k<n} 1/k^2 and psi'(n + 1/2) = pi^2/2 - 4 sum_{k<=n} 1/(2k-1)^2.
  // Compared at absolute 1e-15 (the partial sums carry that much rounding).
  let s = 0, so = 0;
  for (let n = 1; n <= 300; n++) {
    if ([1, 2, 5, 9, 10, 11, 40].includes(n)) {
      assert.ok(Math.abs(trigamma(n) - (PI2 / 6 - s)) < 1e-15, `psi'(${n})`);
    }
    s += 1 / (n * n);
    so += 1 / ((2 * n - 1) * (2 * n - 1));
    if ([1, 3, 9, 10, 300].includes(n)) {
      assert.ok(Math.abs(trigamma(n + 0.5) - (PI2 / 2 - 4 * so)) < 1e-14, `psi'(${n}.5)`);
    }
  }
});

Deno.test("trigamma() is accurate for tiny, huge and negative x and is psi's derivative", () => {
  assertNear(trigamma(1e-10), 1e20 + PI2 / 6, 1e-15, "psi'(1e-10)");
  assertNear(trigamma(1e8), 1e-8 + 0.5e-16, 1e-15, "psi'(1e8)");
  // psi'(x) = 1/x + 1/(2x^2) + 1/(6x^3) - 1/(30x^5) + O(x^-7): exact to 1e-21 at x = 1000.
  const x = 1000;
  assertNear(
    trigamma(x) * x,
    1 + 1 / (2 * x) + 1 / (6 * x ** 2) - 1 / (30 * x ** 4),
    1e-15,
    "psi'(1000)",
  );
  // psi'(-1/2) = pi^2 / 1 - psi'(3/2) = pi^2 - (pi^2/2 - 4) = pi^2/2 + 4.
  assertNear(trigamma(-0.5), PI2 / 2 + 4, 1e-14, "psi'(-1/2)");
  assert.ok(Number.isNaN(trigamma(-2)));
  for (const x of [0.05, 0.9, 2.5, 9.999, 17, 300]) {
    const h = 1e-5 * x;
    const numeric = (digamma(x + h) - digamma(x - h)) / (2 * h);
    assertNear(trigamma(x), numeric, 1e-8, `derivative at ${x}`);
  }
});

Deno.test("inverseDigamma() inverts digamma over the range the Dirichlet fit uses", () => {
  for (const x of [1e-8, 1e-4, 0.01, 0.3, 1, 1.4616, 2.7, 10, 123.4, 1e5, 1e9]) {
    const y = digamma(x);
    assertNear(inverseDigamma(y), x, 1e-13, `inverse at x=${x}`);
  }
  for (const y of [-1e8, -50, -23.5, -2.23, -2.22, -2.21, -0.5, 0, 3, 20]) {
    const x = inverseDigamma(y);
    assert.ok(x > 0, `x > 0 for y=${y}`);
    assertNear(digamma(x), y, 1e-14, `psi(inverse(${y}))`);
  }
});

Deno.test("inverseDigamma() does exactly the requested Newton steps", () => {
  const y = -1;
  const x0 = Math.exp(y) + 0.5;
  assert.equal(inverseDigamma(y, { iterations: 0 }), x0);
  const x1 = x0 - (digamma(x0) - y) / trigamma(x0);
  assert.equal(inverseDigamma(y, { iterations: 1 }), x1);
  assert.equal(inverseDigamma(-3, { iterations: 0 }), -1 / (-3 + EULER_GAMMA));
});
