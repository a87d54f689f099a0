/**
 * Report sections from result records: a metrics table, AUROC per class (mean and standard
 * error over seeds) per dataset, AUROC against each anomalous class (normal x anomalous
 * heatmaps), and ROC curves per dataset and normal class.
 * @module
 */
import { barFigure, meanSemSeries } from "../plots/bar.ts";
import type { Figure } from "../plots/figure.ts";
import { heatmapFigure } from "../plots/heatmap.ts";
import { rocFigure, type RocSeries } from "../plots/roc.ts";
import type { TableRow } from "../display/html.ts";
import { meanSem } from "../metrics/summary.ts";
import type { ReportSection } from "./html.ts";
import { classKey, type ReportRecord } from "./results.ts";

/**
 * Series names: "method" when every record of the method has one score, else
 * "method · score"; with " [preset]" appended when the records mix presets.
 */
function seriesNamer(records: ReportRecord[]): (r: ReportRecord, score: string) => string {
  const multi = new Set<string>();
  for (const r of records) if (Object.keys(r.metrics).length > 1) multi.add(r.method);
  const presets = new Set(records.map((r) => r.preset));
  return (r, score) =>
    (multi.has(r.method) ? `${r.method} · ${score}` : r.method) +
    (presets.size > 1 ? ` [${r.preset ?? "?"}]` : "");
}

/** Sorts class labels numerically when they are numbers, else as text. */
function compareClass(a: number | string, b: number | string): number {
  return typeof a === "number" && typeof b === "number"
    ? a - b
    : String(a).localeCompare(String(b));
}

function unique<T>(values: T[]): T[] {
  return [...new Set(values)];
}

/** One row per record and score: dataset, class, method, score, seed and the four metrics. */
export function metricsRows(records: ReportRecord[]): TableRow[] {
  const rows: TableRow[] = [];
  const sorted = [...records].sort((a, b) =>
    a.dataset.localeCompare(b.dataset) || compareClass(a.normalClass, b.normalClass) ||
    a.method.localeCompare(b.method) || (a.seed ?? 0) - (b.seed ?? 0)
  );
  for (const r of sorted) {
    for (const [score, m] of Object.entries(r.metrics)) {
      rows.push({
        dataset: r.dataset,
        class: r.normalClass,
        method: r.method,
        score,
        seed: r.seed,
        auroc: m.auroc,
        aurocSe: m.aurocSe, // a column beside auroc even when the first record lacks it
        auprNormal: m.auprNormal,
        auprAnomaly: m.auprAnomaly,
        fpr95: m.fpr95,
      });
    }
  }
  return rows;
}

/**
 * Per dataset, a bar chart of AUROC per normal class: the mean over seeds, with the standard
 * error of the mean as error bars when a class has several seeds.
 */
export function aurocBarFigures(records: ReportRecord[]): Figure[] {
  const name = seriesNamer(records);
  return unique(records.map((r) => r.dataset)).sort().map((dataset) => {
    const mine = records.filter((r) => r.dataset === dataset);
    const classes = unique(mine.map((r) => r.normalClass)).sort(compareClass);
    const groups = new Map<string, Map<number | string, number[]>>();
    for (const r of mine) {
      for (const [score, m] of Object.entries(r.metrics)) {
        if (m.auroc === undefined) continue;
        const series = name(r, score);
        const byClass = groups.get(series) ?? new Map<number | string, number[]>();
        groups.set(series, byClass);
        byClass.set(r.normalClass, [...(byClass.get(r.normalClass) ?? []), m.auroc]);
      }
    }
    const series = [...groups.entries()].sort(([a], [b]) => a.localeCompare(b)).map(
      ([label, byClass]) =>
        meanSemSeries(
          label,
          classes.filter((c) => byClass.has(c)).map((c) => ({
            x: String(c),
            ...meanSem(byClass.get(c)!),
          })),
        ),
    );
    return barFigure(series, {
      title: `AUROC per normal class: ${dataset}`,
      xTitle: "normal class",
      yTitle: "AUROC",
      yRange: [0, 1],
    });
  });
}

/**
 * Per dataset and series with a per-class breakdown (`metrics.<score>.byClass`), a heatmap of
 * AUROC in percent: one row per normal class, one column per anomalous class, each cell the
 * mean over the seeds that have it; cells no record has (the diagonal) stay blank. Which
 * anomalies a detector mistakes for which normal class, at a glance.
 */
export function byClassHeatmaps(records: ReportRecord[]): Figure[] {
  const name = seriesNamer(records);
  const figures: Figure[] = [];
  for (const dataset of unique(records.map((r) => r.dataset)).sort()) {
    // series -> normal class -> anomalous class -> AUROCs over seeds
    const cells = new Map<string, Map<number | string, Map<number, number[]>>>();
    const names = new Map<string, string>(); // class (as text) -> name
    for (const r of records.filter((r) => r.dataset === dataset)) {
      const key = classKey(r.normalClass); // "3" is the column of class 3
      if (r.normalClassName) names.set(String(key), r.normalClassName);
      for (const [score, m] of Object.entries(r.metrics)) {
        if (!m.byClass) continue;
        const series = name(r, score);
        const rows = cells.get(series) ?? new Map<number | string, Map<number, number[]>>();
        cells.set(series, rows);
        const row = rows.get(key) ?? new Map<number, number[]>();
        rows.set(key, row);
        for (const e of m.byClass) {
          if (e.name) names.set(String(e.class), e.name);
          row.set(e.class, [...(row.get(e.class) ?? []), e.auroc]);
        }
      }
    }
    const label = (c: number | string) => {
      const n = names.get(String(c));
      return n && n !== String(c) ? `${c} ${n}` : String(c);
    };
    for (const [series, rows] of [...cells].sort(([a], [b]) => a.localeCompare(b))) {
      const normals = [...rows.keys()].sort(compareClass);
      const anomalous = unique([...rows.values()].flatMap((row) => [...row.keys()])).sort(
        compareClass,
      );
      const z = normals.map((c) =>
        anomalous.map((a) => {
          const v = rows.get(c)!.get(a);
          return v ? 100 * meanSem(v).mean : NaN;
        })
      );
      figures.push(heatmapFigure(z, {
        title: `AUROC per anomalous class<br>${dataset}, ${series}`,
        height: 240 + 32 * normals.length,
        x: anomalous.map(label),
        y: normals.map(label),
        xTitle: "anomalous class",
        yTitle: "normal class",
        colorbarTitle: "AUROC (%)",
        zmin: 50,
        zmax: 100,
        gaps: true,
        cellFormat: ".1f",
      }));
    }
  }
  return figures;
}

/**
 * Per dataset and normal class with ROC points, one figure with every series' curves; the
 * runs (seeds) of one series share a colour and one legend entry with their mean AUROC.
 */
export function rocFigures(records: ReportRecord[]): Figure[] {
  const name = seriesNamer(records);
  const keys = unique(records.map((r) => JSON.stringify([r.dataset, r.normalClass])));
  const figures: Figure[] = [];
  const parsed = keys.map((k) => JSON.parse(k) as [string, number | string]).sort((a, b) =>
    a[0].localeCompare(b[0]) || compareClass(a[1], b[1])
  );
  for (const [dataset, cls] of parsed) {
    const mine = records.filter((r) => r.dataset === dataset && r.normalClass === cls);
    const bySeries = new Map<string, { r: ReportRecord; score: string }[]>();
    for (const r of mine) {
      for (const [score, m] of Object.entries(r.metrics)) {
        if (!m.roc) continue;
        const series = name(r, score);
        bySeries.set(series, [...(bySeries.get(series) ?? []), { r, score }]);
      }
    }
    const curves: RocSeries[] = [];
    for (const [series, runs] of bySeries) {
      const aurocs = runs.map(({ r, score }) => r.metrics[score]!.auroc).filter((
        a,
      ): a is number => a !== undefined);
      const mean = aurocs.length === runs.length ? meanSem(aurocs).mean : undefined;
      const group = runs.length > 1
        ? `${series} (${runs.length} runs` +
          (mean !== undefined ? `, mean AUROC ${mean.toFixed(3)})` : ")")
        : undefined;
      for (const { r, score } of runs) {
        const m = r.metrics[score]!;
        curves.push({
          name: runs.length > 1 ? `${series} seed ${r.seed ?? "?"}` : series,
          fpr: m.roc!.fpr,
          tpr: m.roc!.tpr,
          ...(m.auroc !== undefined ? { auroc: m.auroc } : {}),
          ...(group ? { group } : {}),
        });
      }
    }
    if (curves.length > 0) {
      const label = mine.find((r) => r.normalClassName)?.normalClassName;
      const title = `${dataset}, normal class ${cls}` + (label ? ` (${label})` : "");
      figures.push(rocFigure(curves, { title }));
    }
  }
  return figures;
}

/** The standard report sections for a set of result records. */
export function resultSections(records: ReportRecord[]): ReportSection[] {
  const sections: ReportSection[] = [];
  const bars = aurocBarFigures(records).filter((f) => f.data.length > 0);
  if (bars.length) sections.push({ title: "AUROC per normal class", figures: bars });
  const heatmaps = byClassHeatmaps(records);
  if (heatmaps.length) {
    sections.push({ title: "AUROC against each anomalous class", figures: heatmaps });
  }
  const rocs = rocFigures(records);
  if (rocs.length) sections.push({ title: "ROC curves", figures: rocs });
  sections.push({ title: "Metrics", tables: [{ rows: metricsRows(records) }] });
  return sections;
}
