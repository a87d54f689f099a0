/**
 * CSV (RFC 4180: comma separated, CRLF line ends, fields with `,` `"` or line breaks quoted)
 * for spreadsheets: plain rows, and a {@link PaperTable} with numbers in their own columns
 * (`<column> mean`, `<column> sem`, `<column> n`, and `<column> p` for paired tests) rather than
 * formatted text.
 * @module
 */
import { checkTable, isValue, type PaperTable, type TableValue } from "./paper_table.ts";

/** One CSV field, quoted when it holds a comma, a quote or a line break. */
export function csvField(value: unknown): string {
  const text = value === undefined || value === null
    ? ""
    : typeof value === "number"
    ? (Number.isFinite(value) ? String(value) : "")
    : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** Rows of fields as CSV text (CRLF line ends, a final line end). */
export function csvText(rows: unknown[][]): string {
  return rows.map((r) => r.map(csvField).join(",")).join("\r\n") + "\r\n";
}

/**
 * The table as CSV: the label column, then per `ours` column its mean, SEM and n, per `paper`
 * column its value; text cells (e.g. "failed") go in the mean field, p-values in a `p` field and
 * notes in a `note` field per column that has any. Numbers keep `digits` decimals (default 4);
 * p-values 4 significant digits, so that a small one does not round to 0.
 * Throws RangeError when a row's cell count differs from the column count.
 */
export function csvTable(table: PaperTable, digits = 4): string {
  checkTable(table);
  const round = (x: number | undefined) => x === undefined ? "" : Number(x.toFixed(digits));
  const columnHas = (has: (c: TableValue) => boolean) =>
    table.columns.map((_, j) =>
      table.rows.some((r) => {
        const c = r.cells[j];
        return isValue(c) && has(c);
      })
    );
  const hasNote = columnHas((c) => !!c.note);
  const hasP = columnHas((c) => c.p !== undefined);
  const header: string[] = [table.rowHeader];
  table.columns.forEach((c, j) => {
    if (c.kind === "ours") header.push(`${c.title} mean`, `${c.title} sem`, `${c.title} n`);
    else header.push(c.title);
    if (hasP[j]) header.push(`${c.title} p`);
    if (hasNote[j]) header.push(`${c.title} note`);
  });
  const rows: unknown[][] = [header];
  for (const row of table.rows) {
    const out: unknown[] = [row.label];
    table.columns.forEach((c, j) => {
      const cell = row.cells[j];
      const v = isValue(cell) ? cell : undefined;
      const text = typeof cell === "string" ? cell : "";
      if (c.kind === "ours") out.push(v ? round(v.mean) : text, round(v?.sem), v?.n ?? "");
      else out.push(v ? round(v.mean) : text);
      if (hasP[j]) out.push(v?.p === undefined ? "" : Number(v.p.toPrecision(4)));
      if (hasNote[j]) out.push(v?.note ?? "");
    });
    rows.push(out);
  }
  return csvText(rows);
}
