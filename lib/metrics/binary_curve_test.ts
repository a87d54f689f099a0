import assert from "node:assert/strict";
import { binaryCounts } from "./binary_curve.ts";

Deno.test("binaryCounts() groups tied scores into one threshold (hand-computed)", () => {
  const c = binaryCounts([0.5, 0.9, 0.5, 0.1, 0.5], [1, 0, 0, 1, 1]);
  assert.deepEqual([...c.thresholds], [0.9, 0.5, 0.1]);
  assert.deepEqual([...c.tps], [0, 2, 3]);
  assert.deepEqual([...c.fps], [1, 2, 2]);
});

Deno.test("binaryCounts() treats -0 and 0 as one score", () => {
  const c = binaryCounts([0, -0, 1], [1, 0, 1]);
  assert.deepEqual([...c.tps], [1, 2]);
  assert.deepEqual([...c.fps], [0, 1]);
});

Deno.test("binaryCounts() names the caller's action in errors", () => {
  assert.throws(() => binaryCounts([1], [1, 0], { action: "do X" }), {
    name: "RangeError",
    message: /^Cannot do X: 1 scores but 2 labels/,
  });
  assert.throws(() => binaryCounts([1, 2], [0, 1], { positive: 7 }), /positive label 7/);
});
