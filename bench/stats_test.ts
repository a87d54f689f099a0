import assert from "node:assert/strict";
import { median } from "./stats.ts";

Deno.test("median: middle value, or the mean of the two middle values; input left unsorted", () => {
  const xs = [5, 1, 3];
  assert.equal(median(xs), 3);
  assert.deepEqual(xs, [5, 1, 3]);
  assert.equal(median([4, 1, 3, 10]), 3.5);
  assert.equal(median([7]), 7);
});
