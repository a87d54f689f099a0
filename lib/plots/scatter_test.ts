import assert from "node:assert/strict";
import { scatterFigure } from "./scatter.ts";

Deno.test("scatterFigure() draws one marker trace per series and the diagonal", () => {
  const fig = scatterFigure([
    { name: "normal", x: [0.1, 0.2], y: new Float64Array([0.3, 0.4]), text: ["a", "b"] },
    { name: "anomalous", x: [0.9], y: [0.05] },
  ], { diagonal: true, xTitle: "dirichlet rank", yRange: [0, 1], title: "ranks" });
  assert.equal(fig.data.length, 3);
  assert.equal(fig.data[0]!.name, "normal (n=2)");
  assert.deepEqual(fig.data[0]!.y, [0.3, 0.4]);
  assert.deepEqual(fig.data[0]!.text, ["a", "b"]);
  assert.equal(fig.data[1]!.text, undefined);
  assert.notEqual(
    (fig.data[0]!.marker as { color: string }).color,
    (fig.data[1]!.marker as { color: string }).color,
  );
  assert.deepEqual(fig.data[2]!.x, [0.05, 0.9]);
  assert.deepEqual(fig.data[2]!.y, [0.05, 0.9]);
  assert.deepEqual((fig.layout.yaxis as { range: number[] }).range, [0, 1]);
  assert.equal((fig.layout.xaxis as { title: { text: string } }).title.text, "dirichlet rank");
  assert.equal(fig.layout.title?.text, "ranks");
});

Deno.test("scatterFigure() has no diagonal unless asked", () => {
  const fig = scatterFigure([{ name: "a", x: [1], y: [2] }]);
  assert.equal(fig.data.length, 1);
});

Deno.test("scatterFigure() rejects mismatched lengths and non-finite values", () => {
  assert.throws(() => scatterFigure([{ name: "a", x: [1, 2], y: [1] }]), {
    name: "RangeError",
    message: /Cannot plot scatter 'a': 2 x, 1 y/,
  });
  assert.throws(() => scatterFigure([{ name: "a", x: [1], y: [1], text: [] }]), /0 labels/);
  assert.throws(() => scatterFigure([{ name: "a", x: [NaN], y: [1] }]), /value 0 is NaN/);
});
