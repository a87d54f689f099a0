/**
 * Plain-text tables of run metrics for the terminal.
 * @module
 */
import type { RunResult } from "./result.ts";

/** Pads cells into aligned columns. */
export function formatTable(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join("  ").trimEnd();
  return [line(header), widths.map((w) => "-".repeat(w)).join("  "), ...rows.map(line)].join("\n");
}

/** One row per score variant: AUROC, AUPR-in, AUPR-out, FPR@95TPR. */
export function formatMetricsTable(result: RunResult): string {
  const rows = Object.entries(result.metrics).map(([name, m]) => [
    name,
    m.auroc.toFixed(4),
    m.auprNormal.toFixed(4),
    m.auprAnomaly.toFixed(4),
    m.fpr95.toFixed(4),
  ]);
  const title = `${result.method} ${result.dataset} class ${result.normalClass} ` +
    `(${result.normalClassName}) seed ${result.seed} preset ${result.preset} ` +
    `backend ${result.backend.name}, fit ${result.timings.fitSeconds.toFixed(1)} s, ` +
    `score ${result.timings.scoreSeconds.toFixed(1)} s`;
  return `${title}\n${formatTable(["score", "AUROC", "AUPR-in", "AUPR-out", "FPR@95"], rows)}`;
}
