import assert from "node:assert/strict";
import { ablationFigures, ablationMarkdown, ablationReport } from "./ablation_report.ts";
import {
  type AblationRecord,
  type AblationSummary,
  summarizeAblation,
} from "../experiments/ablation_summary.ts";

function summary(records: AblationRecord[]): AblationSummary {
  const data = summarizeAblation(records, {
    nonGeometric: ["blur"],
    setOrder: ["geometric72", "blur"],
    classNames: ["T-shirt", "Trouser"],
  });
  return {
    schema: "geomad.ablation/v1",
    version: 1,
    createdAt: "2026-01-01T00:00:00.000Z",
    dataset: "fashion-mnist",
    classNames: ["T-shirt", "Trouser"],
    preset: { name: "hour", description: "test preset" },
    geometric: "geometric72",
    nonGeometric: ["blur"],
    setInfo: {
      geometric72: { size: 72, kind: "geometric" },
      blur: { size: 5, kind: "non-geometric" },
    },
    grid: {
      transforms: ["geometric72", "blur"],
      classes: [0, 1],
      seeds: 2,
      runs: 8,
      shard: { index: 0, count: 1 },
    },
    runs: {
      used: 7,
      failed: [{ file: "hour__blur__class-1__seed-1.json", reason: "loss is NaN" }],
      crashed: [],
      missing: [],
      ignored: [],
      otherPresets: 0,
    },
    dataUsed: ["fashion-mnist (system)"],
    secondsPerRun: { geometric72: 130, blur: 70 },
    ...data,
  };
}

const RECORDS: AblationRecord[] = [];
for (const seed of [0, 1]) {
  for (const normalClass of [0, 1]) {
    RECORDS.push({
      transforms: "geometric72",
      normalClass,
      seed,
      auroc: { dirichlet: 0.9 + seed / 100, simple: 0.88 },
    });
    if (!(normalClass === 1 && seed === 1)) {
      RECORDS.push({
        transforms: "blur",
        normalClass,
        seed,
        auroc: { dirichlet: 0.7, simple: 0.72 },
      });
    }
  }
}

Deno.test("ablationMarkdown() holds the findings, the tables and the failed runs", () => {
  const md = ablationMarkdown(summary(RECORDS));
  assert.match(md, /^# GEOM ablation: transform sets and scores \(fashion-mnist, preset hour\)/);
  assert.match(
    md,
    /- Does geometric72 beat every non-geometric set \(dirichlet score\)\? YES: geometric72 90\.5 ± 0\.5 vs the best non-geometric set blur 70\.0 /,
  );
  assert.match(md, /\| geometric72 +\| geometric +\| +72 \| 90\.5 ± 0\.5 \| 88\.0 ± 0\.0 \|/);
  assert.match(md, /## AUROC per class, simple score/);
  assert.match(
    md,
    /\| blur +\| yes \+20\.5 ± 0\.5 vs blur|\| T-shirt \(0\) +\| yes \+20\.5 ± 0\.5 vs blur/,
  );
  assert.match(md, /- Data read: fashion-mnist \(system\)\. Non-geometric sets: blur\./);
  assert.match(md, /- failed hour__blur__class-1__seed-1\.json: loss is NaN/);
  assert.match(md, /\| geometric72 +\| +130 \|/);
});

Deno.test("ablationFigures() draws bars by set, a heatmap and bars per class", () => {
  const s = summary(RECORDS);
  const figs = ablationFigures(s);
  assert.equal(figs.length, 3);
  assert.deepEqual(figs[0]!.data.map((t) => t.name), ["dirichlet", "simple"]);
  assert.deepEqual(figs[0]!.data[0]!.x, ["geometric72", "blur"]);
  assert.equal(figs[1]!.data[0]!.type, "heatmap");
  assert.deepEqual(figs[2]!.data.map((t) => t.name), ["geometric72", "blur"]);
  const report = ablationReport(s);
  assert.equal(report.sections[0]!.text, s.statements);
  assert.equal(report.sections[1]!.tables!.length, 5); // mean, 2 scores, 2 questions
});

Deno.test("ablationFigures() adds the paired differences to the geometric set when runs kept scores", () => {
  const pair = (normalClass: number, seed: number, diff: number) => ({
    transforms: "blur",
    score: "dirichlet",
    normalClass,
    seed,
    diff,
    se: 0.01,
    p: 0.001,
    pHolm: 0.003,
  });
  const s: AblationSummary = {
    ...summary(RECORDS),
    pairedSets: {
      geometric: "geometric72",
      pairs: [pair(1, 0, 0.18), pair(0, 1, 0.21), pair(0, 0, 0.2)],
      unpaired: [],
    },
  };
  const figs = ablationFigures(s);
  assert.equal(figs.length, 4);
  const bars = figs[3]!.data[0] as unknown as {
    name: string;
    x: string[];
    y: number[];
    error_y: { array: number[] };
  };
  assert.equal(bars.name, "blur");
  // by class, then seed; the seed shown because the summary has two
  assert.deepEqual(bars.x, ["T-shirt (0), seed 0", "T-shirt (0), seed 1", "Trouser (1), seed 0"]);
  assert.deepEqual(bars.y.map((y) => Math.round(y * 10) / 10), [20, 21, 18]);
  assert.ok(bars.error_y.array.every((e) => Math.abs(e - 1.96) < 1e-9));
  assert.deepEqual((figs[3]!.layout.xaxis as { categoryarray: string[] }).categoryarray, [
    "T-shirt (0), seed 0",
    "T-shirt (0), seed 1",
    "Trouser (1), seed 0",
    "Trouser (1), seed 1",
  ]);
  assert.match(
    String(figs[3]!.layout.title?.text),
    /^AUROC of geometric72 minus each set's, dirichlet score<br>/,
  );
});
