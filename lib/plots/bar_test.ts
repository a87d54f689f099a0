import assert from "node:assert/strict";
import { barFigure, differenceSeries, meanSemSeries } from "./bar.ts";

Deno.test("barFigure() groups series per category with optional error bars", () => {
  const fig = barFigure([
    { name: "GEOM", x: ["0", "1"], y: [0.9, 0.8], error: [0.01, 0.02] },
    { name: "OC-SVM", x: ["0", "1"], y: new Float64Array([0.7, 0.6]) },
  ], { yRange: [0, 1], yTitle: "AUROC" });
  assert.equal(fig.data.length, 2);
  assert.deepEqual(fig.data[0]!.error_y, { type: "data", array: [0.01, 0.02], visible: true });
  assert.equal(fig.data[1]!.error_y, undefined);
  assert.deepEqual(fig.data[1]!.y, [0.7, 0.6]);
  assert.equal(fig.layout.barmode, "group");
  assert.deepEqual((fig.layout.yaxis as { range: number[] }).range, [0, 1]);
});

Deno.test("barFigure() rejects series whose lengths differ", () => {
  assert.throws(() => barFigure([{ name: "a", x: ["0"], y: [1, 2] }]), /1 labels, 2 values/);
  assert.throws(
    () => barFigure([{ name: "a", x: ["0"], y: [1], error: [] }]),
    /1 labels, 1 values, 0 errors/,
  );
});

Deno.test("meanSemSeries() scales means and errors; error bars only when some SEM is > 0", () => {
  const s = meanSemSeries("GEOM", [{ x: "0", mean: 0.9, sem: 0.01 }, { x: "1", mean: 0.8 }], 100);
  assert.deepEqual(s.x, ["0", "1"]);
  assert.deepEqual(Array.from(s.y), [90, 80]);
  assert.deepEqual(Array.from(s.error!), [1, 0]);
  assert.equal("error" in meanSemSeries("one seed", [{ x: "0", mean: 0.9, sem: 0 }]), false);
});

Deno.test("differenceSeries() scales differences and draws 1.96 SE intervals", () => {
  const s = differenceSeries("GOAD", [{ x: "a", diff: 0.02, se: 0.005 }, {
    x: "b",
    diff: -0.1,
    se: 0,
  }]);
  assert.deepEqual(s.x, ["a", "b"]);
  assert.deepEqual(s.y.length, 2);
  assert.ok(Math.abs(s.y[0]! - 2) < 1e-12 && Math.abs(s.y[1]! + 10) < 1e-12);
  assert.ok(Math.abs(s.error![0]! - 0.98) < 1e-12 && s.error![1] === 0);
});
