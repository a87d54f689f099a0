/**
 * Figures and a report for one run: ROC curves of every score, score histograms, and montages
 * of the most normal and most anomalous test images. Used by `deno task demo` and notebooks.
 * @module
 */
import { describeSource } from "../data/provenance.ts";
import type { Images } from "../data/types.ts";
import { takeImages } from "../data/types.ts";
import type { TableRow } from "../display/html.ts";
import type { Figure } from "../plots/figure.ts";
import { scoreHistogramFigure, splitScores } from "../plots/histogram.ts";
import { montage } from "../plots/montage.ts";
import { rocFigure } from "../plots/roc.ts";
import type { Report } from "./html.ts";
import type { RunResult } from "../experiments/result.ts";
import { byClassTable } from "../experiments/table.ts";

/**
 * Indices of the `k` lowest and `k` highest anomaly scores: `normal` = most normal first,
 * `anomalous` = most anomalous first. Ties keep index order.
 */
export function extremeIndices(
  scores: ArrayLike<number>,
  k: number,
): { normal: number[]; anomalous: number[] } {
  const order = Array.from({ length: scores.length }, (_, i) => i)
    .sort((a, b) => scores[a]! - scores[b]! || a - b);
  const m = Math.min(k, order.length);
  return { normal: order.slice(0, m), anomalous: order.slice(order.length - m).reverse() };
}

/** Metric rows (one per score variant) for tables. */
export function metricsRowsOf(result: RunResult): TableRow[] {
  return Object.entries(result.metrics).map(([score, m]) => ({
    score,
    AUROC: m.auroc,
    "AUROC SE (test set)": m.aurocSe ?? null,
    "AUPR-in": m.auprNormal,
    "AUPR-out": m.auprAnomaly,
    "FPR@95TPR": m.fpr95,
    ...(m.vsFirst
      ? {
        [`AUROC - ${m.vsFirst.score}'s`]: m.vsFirst.diff,
        "paired SE": m.vsFirst.se,
        "paired p": m.vsFirst.p,
      }
      : {}),
  }));
}

/**
 * Rows of AUROC against each anomalous class (one column per score variant); empty for records
 * without the breakdown.
 */
export function byClassRowsOf(result: RunResult): TableRow[] {
  const t = byClassTable(result);
  if (!t) return [];
  return t.rows.map((r) => ({
    "anomalous class": `${r.class} ${r.name}`,
    n: r.n,
    ...Object.fromEntries(t.scores.map((s, j) => [s, r.auroc[j] ?? null])),
  }));
}

/** ROC curves of every score variant of a run. */
export function runRocFigure(result: RunResult): Figure {
  const curves = Object.entries(result.metrics)
    .filter(([, m]) => m.roc)
    .map(([name, m]) => ({ name, fpr: m.roc!.fpr, tpr: m.roc!.tpr, auroc: m.auroc }));
  return rocFigure(curves, {
    title: `ROC, ${result.dataset} class ${result.normalClass} (${result.normalClassName}) normal`,
  });
}

/** Options for {@linkcode runReport}. */
export interface RunReportOptions {
  /** Score variant for histograms and montages (default: the first). */
  score?: string;
  /** Images per montage (default 32). */
  montageSize?: number;
}

/** PNG montages of the most normal and most anomalous test images under one score. */
export async function extremeMontages(
  test: Images,
  scores: ArrayLike<number>,
  k = 32,
): Promise<{ normal: Uint8Array; anomalous: Uint8Array }> {
  const ext = extremeIndices(scores, k);
  const columns = Math.min(8, Math.max(1, ext.normal.length));
  return {
    normal: await montage(takeImages(test, ext.normal), { columns }),
    anomalous: await montage(takeImages(test, ext.anomalous), { columns }),
  };
}

/** A whole report for one run: metrics table, ROC curves, histogram, montages. */
export async function runReport(
  result: RunResult,
  scores: Record<string, Float64Array>,
  test: Images,
  testLabels: Uint8Array,
  options: RunReportOptions = {},
): Promise<Report> {
  const name = options.score ?? Object.keys(scores)[0];
  if (name === undefined || !scores[name]) {
    throw new RangeError(`Cannot build run report: no score '${name}' in the run`);
  }
  const s = scores[name]!;
  const k = options.montageSize ?? 32;
  const m = await extremeMontages(test, s, k);
  const byClassRows = byClassRowsOf(result);
  return {
    title: `${result.method} on ${result.dataset}: class ${result.normalClass} ` +
      `(${result.normalClassName})`,
    meta: [
      `method ${result.method}, preset ${result.preset}, seed ${result.seed}, backend ` +
      `${result.backend.name}, data source ${describeSource(result.data)}`,
      `train ${result.data.used.train} normal images, test ${result.data.used.test} images; ` +
      `fit ${result.timings.fitSeconds.toFixed(1)} s, score ${
        result.timings.scoreSeconds.toFixed(1)
      } s; ${result.createdAt}`,
    ],
    sections: [
      { title: "Metrics (normal = positive)", tables: [{ rows: metricsRowsOf(result) }] },
      ...(byClassRows.length > 0
        ? [{
          title: "AUROC of normal against each anomalous class",
          tables: [{ rows: byClassRows }],
        }]
        : []),
      {
        title: "ROC curves and score distributions",
        figures: [
          runRocFigure(result),
          scoreHistogramFigure(splitScores(s, testLabels), {
            title: `${name} anomaly score, normal vs anomalous`,
          }),
        ],
      },
      {
        title: `Test images by ${name} score`,
        images: [
          { png: m.normal, caption: `${k} most normal (lowest anomaly score first)` },
          { png: m.anomalous, caption: `${k} most anomalous (highest anomaly score first)` },
        ],
      },
    ],
  };
}
