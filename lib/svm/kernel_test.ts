import assert from "node:assert/strict";
import { Rng } from "../util/rng.ts";
import { checkGamma, rbfFromDistances, resolveGamma, squaredDistances } from "./kernel.ts";
import type { Matrix } from "./matrix.ts";
import { initBackend } from "../backend/select.ts";

// The distances run on a started backend (starting one is explicit, lib/backend/select.ts).
await initBackend("auto");

function randomMatrix(rows: number, cols: number, seed: number, shift = 0): Matrix {
  const rng = new Rng(seed);
  const data = new Float32Array(rows * cols);
  for (let i = 0; i < data.length; i++) data[i] = rng.normal() + shift;
  return { data, rows, cols };
}

function naive(a: Matrix, b: Matrix): Float64Array {
  const out = new Float64Array(a.rows * b.rows);
  for (let i = 0; i < a.rows; i++) {
    for (let j = 0; j < b.rows; j++) {
      let s = 0;
      for (let c = 0; c < a.cols; c++) {
        const d = a.data[i * a.cols + c]! - b.data[j * b.cols + c]!;
        s += d * d;
      }
      out[i * b.rows + j] = s;
    }
  }
  return out;
}

function maxRelErr(got: ArrayLike<number>, want: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < want.length; i++) {
    m = Math.max(m, Math.abs(got[i]! - want[i]!) / Math.max(1, Math.abs(want[i]!)));
  }
  return m;
}

Deno.test("squaredDistances() matches a float64 loop, across blocks and with a centre", async () => {
  const a = randomMatrix(37, 19, 1, 3), b = randomMatrix(23, 19, 2, 3);
  const want = naive(a, b);
  const center = new Float64Array(19).fill(3);
  for (const blockRows of [5, 1024]) {
    const got = await squaredDistances(a, b, { blockRows, center });
    assert.ok(maxRelErr(got, want) < 1e-5, `blockRows ${blockRows}`);
  }
  assert.ok(maxRelErr(await squaredDistances(a, b), want) < 1e-4);
});

Deno.test("squaredDistances() of a matrix with itself is symmetric with a zero diagonal", async () => {
  const a = randomMatrix(70, 9, 3);
  const want = naive(a, a);
  const got = await squaredDistances(a, undefined, { blockRows: 16 });
  assert.ok(maxRelErr(got, want) < 1e-5);
  for (let i = 0; i < 70; i++) {
    assert.equal(got[i * 70 + i], 0);
    for (let j = 0; j < i; j++) assert.equal(got[i * 70 + j], got[j * 70 + i]);
  }
  for (const v of got) assert.ok(v >= 0);
});

Deno.test("squaredDistances() rejects mismatched columns and non-finite values", async () => {
  const a = randomMatrix(3, 4, 1), b = randomMatrix(3, 5, 1);
  await assert.rejects(() => squaredDistances(a, b), /4 vs 5 features/);
  a.data[5] = NaN;
  await assert.rejects(() => squaredDistances(a), /value 1 of row 1 is not finite/);
});

Deno.test("rbfFromDistances() is exp(-gamma d)", () => {
  const d = new Float32Array([0, 1, 2.5]);
  const k = rbfFromDistances(d, 0.5);
  assert.deepEqual(Array.from(k), [1, Math.fround(Math.exp(-0.5)), Math.fround(Math.exp(-1.25))]);
  assert.equal(rbfFromDistances(d, 0.5, { out: d }), d); // in place
  assert.deepEqual(d, k);
  assert.throws(() => rbfFromDistances(d, 1, { out: new Float32Array(2) }), /output length 2/);
});

Deno.test("resolveGamma() follows scikit-learn: scale = 1/(d var), auto = 1/d, var 0 -> 1", () => {
  const x: Matrix = { data: new Float32Array([0, 2, 4, 6]), rows: 2, cols: 2 };
  assert.equal(resolveGamma("scale", x), 1 / (2 * 5));
  assert.equal(resolveGamma("auto", x), 0.5);
  assert.equal(resolveGamma(0.25, x), 0.25);
  const flat: Matrix = { data: new Float32Array(6).fill(-1), rows: 3, cols: 2 };
  assert.equal(resolveGamma("scale", flat), 1);
});

Deno.test("checkGamma() rejects non-positive, non-finite and unknown gammas", () => {
  for (const g of [0, -1, NaN, Infinity, "scales", null]) {
    assert.throws(() => checkGamma(g), {
      name: "RangeError",
      message: new RegExp(`^Cannot use RBF gamma .*: gamma must be a finite number > 0`),
    });
  }
  checkGamma("scale");
  checkGamma("auto");
  checkGamma(1e-9);
});

Deno.test("squaredDistances() is unchanged when constant columns are left out of the products", async () => {
  // Columns 0 and 3 are constant in `b` (zero after centring): they still count through a.
  const b: Matrix = {
    data: new Float32Array([-1, 1, 2, 5, -1, 0, 1, 5, -1, 3, 3, 5]),
    rows: 3,
    cols: 4,
  };
  const a: Matrix = { data: new Float32Array([0, 0, 0, 0, -1, 1, 2, 5]), rows: 2, cols: 4 };
  const center = [-1, 4 / 3, 2, 5];
  const got = await squaredDistances(a, b, { center });
  assert.ok(maxRelErr(got, naive(a, b)) < 1e-6);
  assert.ok(got[3]! < 1e-6); // a row 1 == b row 0
  const self = await squaredDistances(b, undefined, { center });
  assert.ok(maxRelErr(self, naive(b, b)) < 1e-6);
});
