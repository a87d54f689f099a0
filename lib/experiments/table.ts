/**
 * Tables of run metrics: plain text for the terminal, and the AUROC-by-anomalous-class table as
 * data (`byClassTable`, which the run report renders too).
 * @module
 */
import type { RunResult } from "./result.ts";

/** Pads cells into aligned columns. */
export function formatTable(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join("  ").trimEnd();
  return [line(header), widths.map((w) => "-".repeat(w)).join("  "), ...rows.map(line)].join("\n");
}

/**
 * One row per score variant: AUROC, its standard error over test sets (DeLong; "-" in records
 * without it), AUPR-in, AUPR-out, FPR@95TPR.
 */
export function formatMetricsTable(result: RunResult): string {
  const rows = Object.entries(result.metrics).map(([name, m]) => [
    name,
    m.auroc.toFixed(4),
    m.aurocSe === undefined ? "-" : m.aurocSe.toFixed(4),
    m.auprNormal.toFixed(4),
    m.auprAnomaly.toFixed(4),
    m.fpr95.toFixed(4),
  ]);
  const title = `${result.method} ${result.dataset} class ${result.normalClass} ` +
    `(${result.normalClassName}) seed ${result.seed} preset ${result.preset} ` +
    `backend ${result.backend.name}, fit ${result.timings.fitSeconds.toFixed(1)} s, ` +
    `score ${result.timings.scoreSeconds.toFixed(1)} s`;
  const table = formatTable(["score", "AUROC", "SE", "AUPR-in", "AUPR-out", "FPR@95"], rows) +
    differencesTable(result);
  const byClass = byClassTable(result);
  if (!byClass) return `${title}\n${table}`;
  const classRows = byClass.rows.map((r) => [
    `${r.class} ${r.name}`,
    String(r.n),
    ...r.auroc.map((a) => a === undefined ? "-" : a.toFixed(4)),
  ]);
  return `${title}\n${table}\n\nAUROC of normal against each anomalous class\n` +
    formatTable(["anomalous class", "n", ...byClass.scores], classRows);
}

/** The paired differences from the first score ("" when no score holds one). */
function differencesTable(result: RunResult): string {
  const rows = Object.entries(result.metrics).flatMap(([name, m]) =>
    m.vsFirst
      ? [[
        name,
        `${m.vsFirst.diff >= 0 ? "+" : ""}${m.vsFirst.diff.toFixed(4)}`,
        m.vsFirst.se.toFixed(4),
        m.vsFirst.p < 1e-4 ? "<0.0001" : m.vsFirst.p.toFixed(4),
      ]]
      : []
  );
  if (rows.length === 0) return "";
  const first = Object.values(result.metrics).find((m) => m.vsFirst)!.vsFirst!.score;
  return `\n\nAUROC minus ${first}'s on the same test images (DeLong's paired test)\n` +
    formatTable(["score", "difference", "SE", "p"], rows);
}

/** One row per anomalous class: its AUROC under each score variant (`byClassTable`). */
export interface ByClassTable {
  /** The score variants that hold a breakdown, in the record's order. */
  scores: string[];
  rows: { class: number; name: string; n: number; auroc: (number | undefined)[] }[];
}

/**
 * The record's AUROCs against each anomalous class as one table, rows = anomalous classes,
 * columns = score variants; undefined when no score holds the breakdown (older records).
 */
export function byClassTable(result: RunResult): ByClassTable | undefined {
  const scores = Object.keys(result.metrics).filter((s) => result.metrics[s]!.byClass);
  if (scores.length === 0) return undefined;
  const rows = new Map<number, ByClassTable["rows"][number]>();
  scores.forEach((score, j) => {
    for (const e of result.metrics[score]!.byClass!) {
      let row = rows.get(e.class);
      if (!row) {
        row = { class: e.class, name: e.name, n: e.n, auroc: scores.map(() => undefined) };
        rows.set(e.class, row);
      }
      row.auroc[j] = e.auroc;
    }
  });
  return { scores, rows: [...rows.values()].sort((a, b) => a.class - b.class) };
}
