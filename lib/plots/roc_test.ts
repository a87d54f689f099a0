import assert from "node:assert/strict";
import { rocFigure } from "./roc.ts";

Deno.test("rocFigure() draws one line per curve plus the chance diagonal", () => {
  const fig = rocFigure([
    { name: "dirichlet", fpr: [0, 0.1, 1], tpr: [0, 0.8, 1], auroc: 0.9123 },
    { name: "simple", fpr: [0, 0.5, 1], tpr: [0, 0.5, 1] },
  ], { title: "ROC" });
  assert.equal(fig.data.length, 3);
  assert.equal(fig.data[0]!.name, "dirichlet (AUROC 0.912)");
  assert.equal(fig.data[1]!.name, "simple");
  assert.deepEqual(fig.data[0]!.x, [0, 0.1, 1]);
  assert.deepEqual(fig.data[0]!.y, [0, 0.8, 1]);
  assert.notEqual(
    (fig.data[0]!.line as { color: string }).color,
    (fig.data[1]!.line as { color: string }).color,
  );
  assert.equal(fig.data[2]!.showlegend, false);
  assert.equal(fig.layout.title?.text, "ROC");
  assert.doesNotThrow(() => JSON.stringify(fig));
});

Deno.test("rocFigure() thins long curves to maxPoints, keeping both ends", () => {
  const n = 5001;
  const fpr = Array.from({ length: n }, (_, i) => i / (n - 1));
  const tpr = fpr.map((f) => Math.sqrt(f));
  const fig = rocFigure([{ name: "a", fpr, tpr }], { maxPoints: 100, diagonal: false });
  const x = fig.data[0]!.x as number[];
  assert.equal(fig.data.length, 1);
  assert.ok(x.length <= 100 && x.length >= 50, `kept ${x.length} points`);
  assert.equal(x[0], 0);
  assert.equal(x.at(-1), 1);
});

Deno.test("rocFigure() rejects mismatched lengths, rates outside [0, 1] and NaN", () => {
  assert.throws(() => rocFigure([{ name: "a", fpr: [0, 1], tpr: [0] }]), /fpr has 2 points, tpr 1/);
  assert.throws(() => rocFigure([{ name: "a", fpr: [0, 1.5], tpr: [0, 1] }]), /\[0, 1\]/);
  assert.throws(() => rocFigure([{ name: "a", fpr: [0, NaN], tpr: [0, 1] }]), RangeError);
  assert.throws(() => rocFigure([{ name: "a", fpr: [], tpr: [] }]), RangeError);
});

Deno.test("rocFigure() gives grouped curves one colour and one legend entry", () => {
  const fig = rocFigure([
    { name: "a seed 0", fpr: [0, 1], tpr: [0, 1], group: "a" },
    { name: "b", fpr: [0, 1], tpr: [0, 1] },
    { name: "a seed 1", fpr: [0, 1], tpr: [0, 1], auroc: 0.5, group: "a" },
  ], { diagonal: false });
  const [a0, b, a1] = fig.data;
  assert.deepEqual([a0!.showlegend, a1!.showlegend], [true, false]);
  assert.deepEqual([a0!.name, a1!.name, b!.name], ["a", "a", "b"]);
  assert.deepEqual(a0!.line, a1!.line);
  assert.notDeepEqual(
    (a0!.line as { color: string }).color,
    (b!.line as { color: string }).color,
  );
  assert.match(a1!.hovertemplate as string, /^a seed 1 \(AUROC 0\.500\)<br>/);
});
