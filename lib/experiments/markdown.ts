/**
 * Markdown for summaries: tables and the number formats of the paper (AUROC in percent).
 * @module
 */
import type { MeanSem } from "../metrics/summary.ts";

/** Options for {@linkcode markdownTable}. */
export interface MarkdownTableOptions {
  /** Column alignment, `l` or `r` (default: first column left, the rest right). */
  align?: Array<"l" | "r">;
}

/** Escapes the characters that break a markdown table cell. */
export function escapeCell(text: string): string {
  return text.replace(/\\/g, "\\\\").replace(/\|/g, "\\|").replace(/\r?\n/g, " ");
}

/**
 * A GitHub-flavoured markdown table with padded columns.
 * Throws RangeError when a row's length differs from the header's.
 */
export function markdownTable(
  header: string[],
  rows: string[][],
  options: MarkdownTableOptions = {},
): string {
  rows.forEach((r, i) => {
    if (r.length !== header.length) {
      throw new RangeError(
        `Cannot format table: row ${i} has ${r.length} cells, header ${header.length}`,
      );
    }
  });
  const cells = [header, ...rows].map((r) => r.map(escapeCell));
  const widths = header.map((_, c) => Math.max(3, ...cells.map((r) => r[c]!.length)));
  const align = header.map((_, c) => options.align?.[c] ?? (c === 0 ? "l" : "r"));
  const line = (r: string[]) =>
    `| ${
      r.map((x, c) => align[c] === "r" ? x.padStart(widths[c]!) : x.padEnd(widths[c]!)).join(" | ")
    } |`;
  const rule = `| ${
    widths.map((w, c) => align[c] === "r" ? "-".repeat(w - 1) + ":" : "-".repeat(w)).join(" | ")
  } |`;
  return [line(cells[0]!), rule, ...cells.slice(1).map(line)].join("\n");
}

/** An AUROC (fraction) as percent with one decimal, as the paper prints it: `93.5`. */
export function pct(x: number): string {
  return (100 * x).toFixed(1);
}

/** A signed percent-point difference: `+1.2`, `-0.4`. */
export function signedPct(x: number): string {
  const s = (100 * x).toFixed(1);
  return x >= 0 && !s.startsWith("-") ? `+${s}` : s.replace(/^-0\.0$/, "+0.0");
}

/** Mean and standard error in percent: `93.5 ± 0.4` (just the mean for one value). */
export function pctMeanSem(m: Pick<MeanSem, "mean" | "sem" | "n">): string {
  return m.n > 1 ? `${pct(m.mean)} ± ${pct(m.sem)}` : pct(m.mean);
}

/** Like {@linkcode pctMeanSem} with a sign on the mean (for differences). */
export function signedPctMeanSem(m: Pick<MeanSem, "mean" | "sem" | "n">): string {
  return m.n > 1 ? `${signedPct(m.mean)} ± ${pct(m.sem)}` : signedPct(m.mean);
}

/**
 * A class as summaries name it: `T-shirt/top (0)` (the index alone where there are no names),
 * or `mean` for the average over classes.
 */
export function classLabel(k: number | "mean", names?: readonly string[]): string {
  return k === "mean" ? "mean" : `${names?.[k] ?? k} (${k})`;
}

/** One run of a class as a row or bar: its {@linkcode classLabel}, and `, seed S` when several seeds share the table. */
export function runLabel(
  c: number,
  seed: number,
  o: { classNames?: readonly string[]; manySeeds: boolean },
): string {
  return classLabel(c, o.classNames) + (o.manySeeds ? `, seed ${seed}` : "");
}

/** A p-value as the summaries print it: `p 0.043`, or `p < 0.001`. */
export function pValueText(p: number): string {
  return p < 0.001 ? "p < 0.001" : `p ${p.toFixed(3)}`;
}
