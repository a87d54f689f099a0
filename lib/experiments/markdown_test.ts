import assert from "node:assert/strict";
import {
  classLabel,
  markdownTable,
  pct,
  pctMeanSem,
  pValueText,
  runLabel,
  signedPct,
  signedPctMeanSem,
} from "./markdown.ts";

Deno.test("markdownTable() pads columns, right-aligns numbers and escapes pipes", () => {
  const t = markdownTable(["set", "AUROC"], [["rot4", "93.1"], ["a|b", "7.0"]]);
  assert.equal(
    t,
    [
      "| set  | AUROC |",
      "| ---- | ----: |",
      "| rot4 |  93.1 |",
      "| a\\|b |   7.0 |",
    ].join("\n"),
  );
});

Deno.test("markdownTable() throws RangeError for a row of the wrong length", () => {
  assert.throws(() => markdownTable(["a", "b"], [["1"]]), RangeError);
});

Deno.test("pct() and friends format AUROC in percent with one decimal", () => {
  assert.equal(pct(0.9351), "93.5");
  assert.equal(signedPct(0.012), "+1.2");
  assert.equal(signedPct(-0.004), "-0.4");
  assert.equal(signedPct(-0.0001), "+0.0");
  assert.equal(pctMeanSem({ mean: 0.9, sem: 0.01, n: 3 }), "90.0 ± 1.0");
  assert.equal(pctMeanSem({ mean: 0.9, sem: 0, n: 1 }), "90.0");
  assert.equal(signedPctMeanSem({ mean: -0.02, sem: 0.005, n: 2 }), "-2.0 ± 0.5");
});

Deno.test("classLabel(), runLabel() and pValueText() name classes, runs and p-values one way", () => {
  assert.equal(classLabel(0, ["T-shirt/top"]), "T-shirt/top (0)");
  assert.equal(classLabel(3), "3 (3)");
  assert.equal(classLabel("mean", ["T-shirt/top"]), "mean");
  assert.equal(
    runLabel(0, 2, { classNames: ["T-shirt/top"], manySeeds: true }),
    "T-shirt/top (0), seed 2",
  );
  assert.equal(
    runLabel(0, 0, { classNames: ["T-shirt/top"], manySeeds: false }),
    "T-shirt/top (0)",
  );
  assert.equal(pValueText(0.0431), "p 0.043");
  assert.equal(pValueText(0.00099), "p < 0.001");
  assert.equal(pValueText(0.001), "p 0.001");
});
