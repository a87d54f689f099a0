import assert from "node:assert/strict";
import { balancedSubset, classCounts, seededSubset, stratifiedSubset } from "./split.ts";
import { balancedLabels } from "./testdata/fixtures.ts";

Deno.test("stratifiedSubset() keeps class proportions, is seeded and ascending", () => {
  // 3 classes with 500 / 300 / 200 members.
  const labels = Uint8Array.from({ length: 1000 }, (_, i) => (i < 500 ? 0 : i < 800 ? 1 : 2));
  const a = stratifiedSubset(labels, 3, 100, 4);
  assert.equal(a.length, 100);
  assert.deepEqual(classCounts(Array.from(a, (i) => labels[i]!), 3), [50, 30, 20]);
  assert.deepEqual(a, stratifiedSubset(labels, 3, 100, 4));
  assert.notDeepEqual(a, stratifiedSubset(labels, 3, 100, 5));
  for (let i = 1; i < a.length; i++) assert.ok(a[i - 1]! < a[i]!);
  assert.equal(new Set(a).size, 100);
});

Deno.test("stratifiedSubset() gives leftover places to the largest remainders", () => {
  const labels = balancedLabels(30, 3, 1); // 10 per class
  const a = stratifiedSubset(labels, 3, 8, 2); // exact 2.67 each -> 3, 3, 2
  assert.deepEqual(classCounts(Array.from(a, (i) => labels[i]!), 3), [3, 3, 2]);
  assert.equal(stratifiedSubset(labels, 3, 50, 2).length, 30);
});

Deno.test("balancedSubset() and seededSubset() take the requested counts", () => {
  const labels = balancedLabels(100, 10, 3);
  const b = balancedSubset(labels, 10, 4, 9);
  assert.deepEqual(classCounts(Array.from(b, (i) => labels[i]!), 10), new Array(10).fill(4));
  const s = seededSubset([5, 9, 2, 7, 1], 3, 1);
  assert.equal(s.length, 3);
  for (const x of s) assert.ok([5, 9, 2, 7, 1].includes(x));
  assert.deepEqual(seededSubset([3, 1, 2], 10, 1), Int32Array.from([1, 2, 3]));
});
