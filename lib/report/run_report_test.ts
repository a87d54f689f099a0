import assert from "node:assert/strict";
import { extremeIndices } from "./run_report.ts";

Deno.test("extremeIndices() returns most normal and most anomalous first", () => {
  const s = [0.5, -1, 3, 0.5, 2];
  const e = extremeIndices(s, 2);
  assert.deepEqual(e.normal, [1, 0]);
  assert.deepEqual(e.anomalous, [2, 4]);
});

Deno.test("extremeIndices() caps k at the number of scores", () => {
  const e = extremeIndices([1, 2], 5);
  assert.deepEqual(e.normal, [0, 1]);
  assert.deepEqual(e.anomalous, [1, 0]);
});
