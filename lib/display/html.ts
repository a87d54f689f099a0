/**
 * Small HTML and text helpers shared by the notebook display and the report: escaping,
 * number formatting and tables.
 * @module
 */

/** Escapes `& < > " '` for HTML text and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** One table row: column name to cell value. */
export type TableRow = Record<string, unknown>;

/** Options for {@link tableHtml} and {@link tableText}. */
export interface TableOptions {
  /** Columns in order (default: keys in order of first appearance over all rows). */
  columns?: string[];
  /** Significant decimals for non-integer numbers (default 4). */
  digits?: number;
  /** Caption above the table. */
  caption?: string;
}

/** The columns of `rows`: the given ones, or every key in order of first appearance. */
export function tableColumns(rows: TableRow[], options: TableOptions = {}): string[] {
  if (options.columns) return options.columns;
  const seen = new Set<string>();
  for (const row of rows) for (const key of Object.keys(row)) seen.add(key);
  return [...seen];
}

/**
 * A cell as text: integers as is, other numbers with `digits` decimals, missing values
 * (undefined, null, NaN) as "–", arrays and objects as JSON.
 */
export function formatCell(value: unknown, digits = 4): string {
  if (value === undefined || value === null) return "–";
  if (typeof value === "number") {
    if (Number.isNaN(value)) return "–";
    if (Number.isInteger(value) || !Number.isFinite(value)) return String(value);
    return value.toFixed(digits);
  }
  if (typeof value === "string") return value;
  if (typeof value === "bigint" || typeof value === "boolean") return String(value);
  return JSON.stringify(value);
}

/** An HTML table (numbers right-aligned), with the class "geomad-table". */
export function tableHtml(rows: TableRow[], options: TableOptions = {}): string {
  const columns = tableColumns(rows, options);
  const digits = options.digits ?? 4;
  const head = columns.map((c) => `<th>${escapeHtml(c)}</th>`).join("");
  const body = rows.map((row) =>
    "<tr>" +
    columns.map((c) => {
      const v = row[c];
      const align = typeof v === "number" ? ' style="text-align:right"' : "";
      return `<td${align}>${escapeHtml(formatCell(v, digits))}</td>`;
    }).join("") +
    "</tr>"
  ).join("\n");
  const caption = options.caption ? `<caption>${escapeHtml(options.caption)}</caption>` : "";
  return `<table class="geomad-table">${caption}<thead><tr>${head}</tr></thead>` +
    `<tbody>\n${body}\n</tbody></table>`;
}

/** A plain-text table with aligned columns (for text/plain outputs and logs). */
export function tableText(rows: TableRow[], options: TableOptions = {}): string {
  const columns = tableColumns(rows, options);
  const digits = options.digits ?? 4;
  const cells = rows.map((row) => columns.map((c) => formatCell(row[c], digits)));
  const widths = columns.map((c, j) => Math.max(c.length, ...cells.map((r) => r[j]!.length)));
  const line = (values: string[]) =>
    values.map((v, j) => v.padEnd(widths[j]!)).join("  ").trimEnd();
  const out = [line(columns), line(widths.map((w) => "-".repeat(w))), ...cells.map(line)];
  if (options.caption) out.unshift(options.caption);
  return out.join("\n");
}
