import assert from "node:assert/strict";
import { binScores, scoreHistogramFigure, splitScores } from "./histogram.ts";

Deno.test("binScores() bins every group over one shared range, last bin closed", () => {
  const { edges, heights } = binScores([
    { name: "a", scores: [0, 1, 2, 3, 4] },
    { name: "b", scores: [4, 4] },
  ], { bins: 4, normalize: "count" });
  assert.deepEqual(edges, [0, 1, 2, 3, 4]);
  assert.deepEqual(heights, [[1, 1, 1, 2], [0, 0, 0, 2]]);
});

Deno.test("binScores() normalises each group to sum 1 by default", () => {
  const { heights } = binScores([{ name: "a", scores: [0, 0, 0, 1] }], { bins: 2 });
  assert.deepEqual(heights, [[0.75, 0.25]]);
});

Deno.test("binScores() widens a zero-width range and rejects bad input", () => {
  const { edges } = binScores([{ name: "a", scores: [2, 2] }], { bins: 1 });
  assert.deepEqual(edges, [1.5, 2.5]);
  assert.throws(() => binScores([{ name: "a", scores: [1, Infinity] }]), /value 1 is Infinity/);
  assert.throws(() => binScores([{ name: "a", scores: [1] }], { bins: 0 }), RangeError);
});

Deno.test("scoreHistogramFigure() overlays one bar trace per group, named with its size", () => {
  const fig = scoreHistogramFigure([
    { name: "normal", scores: [0, 0.1, 0.2] },
    { name: "anomalous", scores: [0.5, 0.9] },
  ], { bins: 10, title: "scores" });
  assert.equal(fig.data.length, 2);
  assert.equal(fig.data[0]!.name, "normal (n=3)");
  assert.equal((fig.data[1]!.y as number[]).length, 10);
  assert.equal(fig.layout.barmode, "overlay");
});

Deno.test("splitScores() splits by isNormal labels (1 or true = normal)", () => {
  const [normal, anomalous] = splitScores([0.1, 0.9, 0.2, 0.8], [1, 0, true, false]);
  assert.deepEqual(normal, { name: "normal", scores: [0.1, 0.2] });
  assert.deepEqual(anomalous, { name: "anomalous", scores: [0.9, 0.8] });
  assert.throws(() => splitScores([1, 2], [1]), /2 scores but 1 labels/);
});
