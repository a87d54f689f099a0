import assert from "node:assert/strict";
import { averageRanks, rankCorrelation, rankDisagreements, rankPercentiles } from "./ranking.ts";

Deno.test("averageRanks() ranks from 1 and averages ties", () => {
  assert.deepEqual(Array.from(averageRanks([0.3, -1, 0.3, 5, 0.3])), [3, 1, 3, 5, 3]);
  assert.deepEqual(Array.from(averageRanks([2, 1])), [2, 1]);
  assert.deepEqual(Array.from(averageRanks([])), []);
});

Deno.test("rankPercentiles() maps ranks onto [0, 1]", () => {
  assert.deepEqual(Array.from(rankPercentiles([10, 30, 20])), [0, 1, 0.5]);
  assert.deepEqual(Array.from(rankPercentiles([7])), [0.5]);
  assert.throws(() => rankPercentiles([1, NaN]), {
    name: "RangeError",
    message: "Cannot rank scores: score 1 is NaN",
  });
});

Deno.test("rankCorrelation() is Spearman's rho", () => {
  assert.equal(rankCorrelation([1, 2, 3, 4], [10, 20, 30, 40]), 1);
  assert.equal(rankCorrelation([1, 2, 3, 4], [4, 3, 2, 1]), -1);
  // Monotone transforms do not change it.
  assert.equal(rankCorrelation([1, 2, 3, 4], [Math.exp(1), Math.exp(2), 100, 1e9]), 1);
  // Without ties: 1 - 6 sum(d^2) / (n (n^2 - 1)); ranks [1,2,3,4,5] vs [2,1,4,3,5]: sum d^2 = 4.
  assert.ok(Math.abs(rankCorrelation([1, 2, 3, 4, 5], [2, 1, 4, 3, 5]) - 0.8) < 1e-12);
  // With ties (scipy.stats.spearmanr([1, 2, 2, 3], [1, 3, 2, 4]) = 0.9486832980505138).
  assert.ok(Math.abs(rankCorrelation([1, 2, 2, 3], [1, 3, 2, 4]) - 0.9486832980505138) < 1e-12);
  assert.ok(Number.isNaN(rankCorrelation([1, 1, 1], [1, 2, 3])));
  assert.throws(() => rankCorrelation([1], [1]), /need at least 2 scores, got 1/);
  assert.throws(() => rankCorrelation([1, 2], [1]), /2 scores versus 1/);
});

Deno.test("rankDisagreements() returns the largest rank shifts first", () => {
  const a = [0, 1, 2, 3, 4]; // percentiles 0, .25, .5, .75, 1
  const b = [4, 1, 2, 3, 0]; // image 0 and 4 swap ends
  const all = rankDisagreements(a, b, { k: 3 });
  assert.deepEqual(all, [
    { index: 0, rankA: 0, rankB: 1, shift: 1 },
    { index: 4, rankA: 1, rankB: 0, shift: -1 },
    { index: 1, rankA: 0.25, rankB: 0.25, shift: 0 },
  ]);
  assert.deepEqual(rankDisagreements(a, b, { where: "b-higher" }).map((r) => r.index), [0]);
  assert.deepEqual(rankDisagreements(a, b, { where: "a-higher" }).map((r) => r.index), [4]);
  assert.equal(rankDisagreements(a, b, { k: 0 }).length, 0);
  assert.throws(() => rankDisagreements(a, b, { k: -1 }), /k must be an integer >= 0, got -1/);
  assert.throws(() => rankDisagreements(a, [1]), /5 scores versus 1/);
});
