/**
 * Writes paper tables next to a summary: `<base>.tex` (a LaTeX document with every table,
 * booktabs) and `<base>.csv` (the first table; further tables as `<base>-2.csv`, `<base>-3.csv`, ...),
 * each atomically.
 * @module
 */
import { writeTextAtomic } from "../util/atomic.ts";
import { csvTable } from "./csv.ts";
import { latexDocument } from "./latex.ts";
import type { PaperTable } from "./paper_table.ts";

/** The files {@link writeTableFiles} wrote. */
export interface TableFiles {
  tex: string;
  csv: string[];
}

/**
 * Writes `<base>.tex` with all `tables` and one CSV per table: `<base>.csv` for the first,
 * `<base>-<n>.csv` (n = 2, 3, ...) for the others. Throws RangeError for an empty list.
 */
export async function writeTableFiles(
  base: string,
  tables: PaperTable[],
  options: { comment?: string } = {},
): Promise<TableFiles> {
  if (tables.length === 0) throw new RangeError("Cannot write tables: none given");
  const tex = `${base}.tex`;
  await writeTextAtomic(tex, latexDocument(tables, options));
  const csv: string[] = [];
  for (const [i, t] of tables.entries()) {
    const path = i === 0 ? `${base}.csv` : `${base}-${i + 1}.csv`;
    await writeTextAtomic(path, csvTable(t));
    csv.push(path);
  }
  return { tex, csv };
}
