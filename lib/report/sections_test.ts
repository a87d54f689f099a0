import assert from "node:assert/strict";
import {
  aurocBarFigures,
  byClassHeatmaps,
  metricsRows,
  resultSections,
  rocFigures,
} from "./sections.ts";
import type { ReportRecord } from "./results.ts";
import { figureTitle } from "../plots/figure.ts";

function record(
  method: string,
  normalClass: number,
  seed: number,
  metrics: ReportRecord["metrics"],
): ReportRecord {
  return { source: "x", method, dataset: "d", normalClass, seed, metrics };
}

const roc = { fpr: [0, 0.5, 1], tpr: [0, 0.9, 1] };
const records: ReportRecord[] = [
  record("geom", 1, 0, { dirichlet: { auroc: 0.9, roc }, simple: { auroc: 0.8 } }),
  record("geom", 1, 1, { dirichlet: { auroc: 0.7, roc }, simple: { auroc: 0.6 } }),
  record("geom", 0, 0, { dirichlet: { auroc: 0.95 }, simple: { auroc: 0.85 } }),
  record("ocsvm", 0, 0, { svm: { auroc: 0.6, roc, fpr95: 0.5 } }),
];

Deno.test("metricsRows() has one sorted row per record and score", () => {
  const rows = metricsRows(records);
  assert.equal(rows.length, 7);
  assert.deepEqual(rows[0], {
    dataset: "d",
    class: 0,
    method: "geom",
    score: "dirichlet",
    seed: 0,
    auroc: 0.95,
    aurocSe: undefined,
    auprNormal: undefined,
    auprAnomaly: undefined,
    fpr95: undefined,
  });
  assert.equal(rows[2]!.method, "ocsvm");
  assert.equal(rows[2]!.fpr95, 0.5);
});

Deno.test("aurocBarFigures() averages seeds and adds standard errors when there are several", () => {
  const [fig] = aurocBarFigures(records);
  assert.ok(fig);
  const names = fig.data.map((t) => t.name);
  assert.deepEqual(names, ["geom · dirichlet", "geom · simple", "ocsvm"]);
  const dirichlet = fig.data[0]!;
  assert.deepEqual(dirichlet.x, ["0", "1"]);
  const y = dirichlet.y as number[];
  assert.equal(y[0], 0.95);
  assert.ok(Math.abs(y[1]! - 0.8) < 1e-12);
  const sem = (dirichlet.error_y as { array: number[] }).array;
  assert.equal(sem[0], 0);
  assert.ok(Math.abs(sem[1]! - 0.1) < 1e-12); // sd 0.1414 / sqrt(2)
  assert.equal(fig.data[2]!.error_y, undefined);
});

Deno.test("rocFigures() draws one figure per class, seeds of a series grouped", () => {
  const figs = rocFigures(records);
  assert.equal(figs.length, 2);
  assert.equal(figs[0]!.layout.title?.text, "d, normal class 0");
  assert.deepEqual(figs[0]!.data.map((t) => t.name), ["ocsvm (AUROC 0.600)", "chance"]);
  const [a, b] = figs[1]!.data;
  assert.equal(a!.name, "geom · dirichlet (2 runs, mean AUROC 0.800)");
  assert.equal(a!.showlegend, true);
  assert.equal(b!.showlegend, false);
  assert.equal(b!.legendgroup, a!.legendgroup);
  assert.deepEqual(b!.line, a!.line);
  assert.match(b!.hovertemplate as string, /^geom · dirichlet seed 1 \(AUROC 0\.700\)/);
});

Deno.test("resultSections() gives bars, ROC curves and the metrics table", () => {
  const sections = resultSections(records);
  assert.deepEqual(sections.map((s) => s.title), [
    "AUROC per normal class",
    "ROC curves",
    "Metrics",
  ]);
  assert.equal(sections[2]!.tables![0]!.rows.length, 7);
});

Deno.test("byClassHeatmaps() puts normal classes in rows, anomalous in columns, seeds averaged", () => {
  const withBreakdown = (cls: number, seed: number, byClass: [number, number][]) => ({
    ...record("geom", cls, seed, {
      dirichlet: {
        auroc: 0.9,
        byClass: byClass.map(([c, a]) => ({
          class: c,
          auroc: a,
          ...(c === 2 ? { name: "two" } : {}),
        })),
      },
    }),
    normalClassName: ["zero", "one"][cls],
  });
  const figs = byClassHeatmaps([
    withBreakdown(1, 0, [[0, 0.9], [2, 0.6]]),
    withBreakdown(1, 1, [[0, 0.7], [2, 0.8]]),
    withBreakdown(1, 2, [[0, 0.5]]), // a seed without class 2: that cell averages two
    withBreakdown(0, 0, [[1, 0.55], [2, 1]]),
    ...records, // no breakdown: no figure
  ]);
  assert.equal(figs.length, 1);
  assert.equal(figs[0]!.layout.title?.text, "AUROC per anomalous class<br>d, geom · dirichlet");
  assert.equal(figureTitle(figs[0]!), "AUROC per anomalous class d, geom · dirichlet");
  assert.equal((figs[0]!.layout.margin as { t: number }).t, 68, "room for the second line");
  const t = figs[0]!.data[0]!;
  assert.deepEqual(t.y, ["0 zero", "1 one"]);
  assert.deepEqual(t.x, ["0 zero", "1 one", "2 two"]);
  const z = t.z as (number | null)[][];
  assert.deepEqual(z[0]!.map((v) => v?.toFixed(6) ?? null), [null, "55.000000", "100.000000"]);
  assert.equal(z[1]![0]!.toFixed(6), "70.000000");
  assert.equal(z[1]![1], null);
  assert.equal(z[1]![2]!.toFixed(6), "70.000000");
});

Deno.test("resultSections() puts the per-class heatmaps after the bars when records have them", () => {
  const r = record("geom", 0, 0, {
    dirichlet: { auroc: 0.9, byClass: [{ class: 1, auroc: 0.8 }] },
  });
  assert.deepEqual(resultSections([r]).map((s) => s.title), [
    "AUROC per normal class",
    "AUROC against each anomalous class",
    "Metrics",
  ]);
  const text = { ...r, normalClass: "0", source: "y" }; // "0" and 0 are one row
  const [fig] = byClassHeatmaps([r, text]);
  assert.deepEqual(fig!.data[0]!.y, ["0"]);
});
