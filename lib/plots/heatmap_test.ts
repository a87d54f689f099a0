import assert from "node:assert/strict";
import { heatmapFigure } from "./heatmap.ts";

Deno.test("heatmapFigure() keeps rows in order with labels and a colour range", () => {
  const fig = heatmapFigure([[1, 2, 3], new Float32Array([4, 5, 6])], {
    x: ["a", "b", "c"],
    y: ["t0", "t1"],
    zmin: 0,
    zmax: 10,
    colorbarTitle: "alpha",
  });
  const trace = fig.data[0]!;
  assert.equal(trace.type, "heatmap");
  assert.deepEqual(trace.z, [[1, 2, 3], [4, 5, 6]]);
  assert.deepEqual(trace.y, ["t0", "t1"]);
  assert.equal(trace.zmax, 10);
  assert.equal((fig.layout.yaxis as { autorange: string }).autorange, "reversed");
});

Deno.test("heatmapFigure() labels rows and columns by index when no labels are given", () => {
  const trace = heatmapFigure([[1, 2]]).data[0]!;
  assert.deepEqual(trace.x, ["0", "1"]);
  assert.deepEqual(trace.y, ["0"]);
});

Deno.test("heatmapFigure() rejects ragged rows, wrong label counts and NaN", () => {
  assert.throws(() => heatmapFigure([[1, 2], [3]]), /row 1 has 1 values, row 0 2/);
  assert.throws(() => heatmapFigure([[1, 2]], { x: ["a"] }), /1 x labels for 2 columns/);
  assert.throws(() => heatmapFigure([[1]], { y: ["a", "b"] }), /2 y labels for 1 rows/);
  assert.throws(() => heatmapFigure([[NaN]]), RangeError);
});

Deno.test("heatmapFigure() draws NaN as an empty cell with gaps and can write values in cells", () => {
  const trace = heatmapFigure([[NaN, 0.5], [1, NaN]], { gaps: true, cellFormat: ".1f" }).data[0]!;
  assert.deepEqual(trace.z, [[null, 0.5], [1, null]]);
  assert.equal(trace.texttemplate, "%{z:.1f}");
  assert.equal(trace.hovertemplate, "%{y}, %{x}: %{z:.1f}<extra></extra>");
  const plain = heatmapFigure([[1]]).data[0]!; // other figures stay as they were
  for (const key of ["texttemplate", "hovertemplate", "hoverongaps"]) {
    assert.equal(plain[key], undefined);
  }
  assert.throws(
    () => heatmapFigure([[Infinity]], { gaps: true }),
    /row 0: value 0 is Infinity/,
  );
});
