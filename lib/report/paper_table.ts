/**
 * A numeric results table for papers, independent of its rendering: rows of cells that hold a
 * mean with its standard error (or a note), columns that are either measured here or the
 * paper's published numbers, and the rule that picks the best cells to set in bold.
 * `latexTable` (latex.ts) and `csvTable` (csv.ts) render it.
 * @module
 */

/** A number in a table: a mean (already in display units, e.g. AUROC %) and its SEM. */
export interface TableValue {
  mean: number;
  /** Standard error of the mean; omitted (or 0 with n = 1) when there is no spread. */
  sem?: number;
  /** How many values the mean is over (seeds, or classes for a mean row). */
  n?: number;
  /** A short remark printed after the number (e.g. "7 of 10 classes"). */
  note?: string;
  /** A difference: printed with its sign, + or − (LaTeX); the CSV keeps the plain number. */
  signed?: boolean;
  /**
   * A two-sided p-value (a paired test's). LaTeX and markdown show it through `note`; the CSV
   * gives it a column of its own (`<column> p`).
   */
  p?: number;
}

/** A cell: a value, a text such as "failed", or nothing (printed as a dash). */
export type TableCell = TableValue | string | undefined;

/** A column: measured here (`ours`) or the paper's published numbers (`paper`). */
export interface TableColumn {
  title: string;
  kind: "ours" | "paper";
}

/** One row: its label and one cell per column. */
export interface TableRowData {
  label: string;
  cells: TableCell[];
  /** Draw a rule above this row (e.g. before the mean row). */
  ruleAbove?: boolean;
}

/** A whole table. */
export interface PaperTable {
  /** Title of the label column. */
  rowHeader: string;
  columns: TableColumn[];
  rows: TableRowData[];
  /** Caption (plain text; renderers escape it). */
  caption: string;
  /** A key for cross references (`\label{tab:<label>}`), letters, digits and - only. */
  label: string;
  /**
   * Which cells are set in bold: the highest `ours` value in each row (methods as columns,
   * as the GEOM paper's Table 1 does) or in each column (alternatives as rows); `none` for
   * tables where the highest is not the best (differences).
   */
  best: "row" | "column" | "none";
}

/** True when the cell holds a number. */
export function isValue(cell: TableCell): cell is TableValue {
  return typeof cell === "object" && cell !== null && Number.isFinite(cell.mean);
}

/**
 * The cells to set in bold, as `row:column` keys: per row (or column) the `ours` cells whose
 * mean, at the printed precision (`digits`), equals the highest one; ties are all bold. A row
 * or column with fewer than two numbers has no best.
 */
export function bestCells(table: PaperTable, digits = 1): Set<string> {
  const out = new Set<string>();
  const round = (x: number) => Number(x.toFixed(digits));
  const groups: Array<Array<[number, number]>> = [];
  const ours = table.columns.flatMap((c, j) => c.kind === "ours" ? [j] : []);
  if (table.best === "none") return out;
  if (table.best === "row") {
    table.rows.forEach((_, i) => groups.push(ours.map((j) => [i, j])));
  } else {
    for (const j of ours) groups.push(table.rows.map((_, i) => [i, j]));
  }
  for (const group of groups) {
    const values = group.flatMap(([i, j]) => {
      const cell = table.rows[i]!.cells[j];
      return isValue(cell) ? [{ i, j, v: round(cell.mean) }] : [];
    });
    if (values.length < 2) continue;
    const top = Math.max(...values.map((x) => x.v));
    for (const x of values) if (x.v === top) out.add(`${x.i}:${x.j}`);
  }
  return out;
}

/** Throws RangeError when a row's cell count differs from the column count. */
export function checkTable(table: PaperTable): void {
  table.rows.forEach((r, i) => {
    if (r.cells.length !== table.columns.length) {
      throw new RangeError(
        `Cannot format table '${table.label}': row ${i} has ${r.cells.length} cells, ` +
          `${table.columns.length} columns`,
      );
    }
  });
}
