import assert from "node:assert/strict";
import { Rng } from "./rng.ts";

Deno.test("Rng is deterministic for a seed and differs across seeds", () => {
  const a = new Rng(7), b = new Rng(7), c = new Rng(8);
  const xa = Array.from({ length: 5 }, () => a.next());
  const xb = Array.from({ length: 5 }, () => b.next());
  const xc = Array.from({ length: 5 }, () => c.next());
  assert.deepEqual(xa, xb);
  assert.notDeepEqual(xa, xc);
  for (const x of xa) assert.ok(x >= 0 && x < 1);
});

Deno.test("Rng.permutation() is a permutation", () => {
  const p = new Rng(1).permutation(100);
  assert.deepEqual([...p].sort((x, y) => x - y), Array.from({ length: 100 }, (_, i) => i));
});

Deno.test("Rng.normal() has mean ~0 and variance ~1", () => {
  const r = new Rng(3);
  let s = 0, s2 = 0;
  const n = 20000;
  for (let i = 0; i < n; i++) {
    const x = r.normal();
    s += x;
    s2 += x * x;
  }
  assert.ok(Math.abs(s / n) < 0.03);
  assert.ok(Math.abs(s2 / n - 1) < 0.05);
});

Deno.test("Rng() throws on a non-finite seed", () => {
  assert.throws(() => new Rng(NaN), RangeError);
});

Deno.test("Rng.state saved and set back continues the same sequence", () => {
  const a = new Rng(11);
  a.permutation(50);
  const saved = a.state;
  const rest = Array.from({ length: 5 }, () => a.next());
  const b = new Rng(0);
  b.state = saved;
  assert.deepEqual(Array.from({ length: 5 }, () => b.next()), rest);
  a.state = saved; // and on the same generator
  assert.deepEqual(Array.from({ length: 5 }, () => a.next()), rest);
  assert.ok(Number.isInteger(saved) && saved >= 0 && saved <= 0xffffffff);
  assert.throws(() => (b.state = -1), /not a 32-bit unsigned integer/);
  assert.throws(() => (b.state = 2 ** 32), RangeError);
  assert.throws(() => (b.state = 1.5), RangeError);
});
