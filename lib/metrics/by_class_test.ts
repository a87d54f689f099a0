import assert from "node:assert/strict";
import { Rng } from "../util/rng.ts";
import { aurocByClass } from "./by_class.ts";
import { evaluate } from "./evaluate.ts";

Deno.test("aurocByClass() matches a hand-counted case, ties counting 1/2", () => {
  // Normal class 1 scores 0.1 and 0.3. Class 0 (0.2, 0.5): 3 of 4 pairs ranked right.
  // Class 2 (0.3, 0.0): 0.1 < 0.3, one tie (0.3, 0.3), two pairs wrong: 1.5 / 4.
  const scores = [0.2, 0.1, 0.3, 0.3, 0.5, 0.0];
  const classes = [0, 1, 2, 1, 0, 2];
  assert.deepEqual(aurocByClass(scores, classes, 1, ["zero", "one", "two", "absent"]), [
    { class: 0, name: "zero", n: 2, auroc: 0.75 },
    { class: 2, name: "two", n: 2, auroc: 0.375 },
  ]);
});

Deno.test("aurocByClass(): the pooled AUROC is the class-size-weighted mean of its parts", () => {
  const rng = new Rng(3);
  const n = 600;
  const classes = Array.from({ length: n }, () => rng.int(5));
  // Each class shifted differently, so the parts differ.
  const scores = classes.map((c) => rng.next() + 0.2 * c);
  const parts = aurocByClass(scores, classes, 2, ["a", "b", "c", "d", "e"]);
  assert.deepEqual(parts.map((p) => p.class), [0, 1, 3, 4]);
  const total = parts.reduce((s, p) => s + p.n, 0);
  const weighted = parts.reduce((s, p) => s + p.n * p.auroc, 0) / total;
  const pooled = evaluate(scores, classes.map((c) => (c === 2 ? 1 : 0))).auroc;
  assert.ok(Math.abs(weighted - pooled) < 1e-12, `${weighted} vs ${pooled}`);
  assert.ok(parts[0]!.auroc < 0.5 && parts[3]!.auroc > 0.5);
});

Deno.test("aurocByClass() refuses mismatched lengths, unnamed classes and no normal image", () => {
  assert.throws(() => aurocByClass([0, 1], [0], 0, ["a", "b"]), /2 scores but 1 class labels/);
  assert.throws(() => aurocByClass([0, 1], [0, 2], 0, ["a", "b"]), /class 2 of test image 1/);
  assert.throws(() => aurocByClass([0, 1], [1, 1], 0, ["a", "b"]), /no test image of the normal/);
  assert.throws(() => aurocByClass([0, NaN], [0, 1], 0, ["a", "b"]), RangeError);
});
