/**
 * LaTeX for papers: a {@link PaperTable} as a booktabs `table` (mean $\pm$ SEM, the best cell
 * per row or column in bold, the paper's numbers in their own columns, a caption), and a
 * complete document around one or more tables that `pdflatex` compiles as is (article class,
 * booktabs and graphicx only).
 * @module
 */
import { bestCells, checkTable, isValue, type PaperTable, type TableCell } from "./paper_table.ts";

const SPECIALS: Record<string, string> = {
  "\\": "\\textbackslash{}",
  "&": "\\&",
  "%": "\\%",
  "$": "\\$",
  "#": "\\#",
  "_": "\\_",
  "{": "\\{",
  "}": "\\}",
  "~": "\\textasciitilde{}",
  "^": "\\textasciicircum{}",
  "<": "\\textless{}",
  ">": "\\textgreater{}",
  "|": "\\textbar{}",
  "†": "\\textsuperscript{\\dag}",
  "±": "$\\pm$",
  "−": "$-$",
  "×": "$\\times$",
  "–": "--",
  "—": "---",
  "\u00a0": "~",
};

/**
 * Text safe in LaTeX's text mode: the ten special characters (and `< > |`) escaped, a few
 * typographic symbols (†, ±, −, ×, dashes) as their LaTeX commands, other characters past
 * Latin-1 (which pdflatex's default utf8 input may not know) as `?`, and line breaks as spaces.
 */
export function escapeLatex(text: string): string {
  let out = "";
  for (const ch of text.replace(/\r?\n/g, " ")) {
    const mapped = SPECIALS[ch];
    if (mapped !== undefined) out += mapped;
    else if (ch.codePointAt(0)! > 0xff) out += "?";
    else out += ch;
  }
  return out;
}

/** Options for {@link latexTable}. */
export interface LatexTableOptions {
  /** Decimals of means and SEMs (default 1, as the paper prints AUROC %). */
  digits?: number;
  /** Scale the tabular to the text width when it has more than this many columns (default 6). */
  resizeAbove?: number;
}

/** A number at `digits` decimals; `signed`: with + or a math minus (never "-0.0"). */
function numberLatex(x: number, digits: number, signed = false): string {
  if (!signed) return x.toFixed(digits);
  const abs = Math.abs(x).toFixed(digits);
  return (x < 0 && Number(abs) !== 0 ? "$-$" : "+") + abs;
}

function cellLatex(cell: TableCell, bold: boolean, digits: number): string {
  if (cell === undefined) return "--";
  if (!isValue(cell)) return escapeLatex(String(cell));
  const spread = cell.sem !== undefined && (cell.n === undefined || cell.n > 1);
  let text = numberLatex(cell.mean, digits, cell.signed) +
    (spread ? ` $\\pm$ ${cell.sem!.toFixed(digits)}` : "");
  if (bold) text = `\\textbf{${text}}`;
  if (cell.note) text += ` {\\footnotesize (${escapeLatex(cell.note)})}`;
  return text;
}

/**
 * A booktabs `table` environment (`\toprule`, `\midrule`, `\bottomrule`; no vertical rules):
 * the label column left-aligned, numbers right-aligned, the best `ours` cells (see `bestCells`)
 * in bold, the caption above the table and `\label{tab:<label>}`.
 * Throws RangeError when a row's cell count differs from the column count.
 */
export function latexTable(table: PaperTable, options: LatexTableOptions = {}): string {
  checkTable(table);
  const digits = options.digits ?? 1;
  const best = bestCells(table, digits);
  const spec = "l" + "r".repeat(table.columns.length);
  const head = [table.rowHeader, ...table.columns.map((c) => c.title)].map(escapeLatex);
  const lines = [
    `\\begin{tabular}{${spec}}`,
    "\\toprule",
    head.join(" & ") + " \\\\",
    "\\midrule",
  ];
  table.rows.forEach((row, i) => {
    if (row.ruleAbove && i > 0) lines.push("\\midrule");
    const cells = row.cells.map((c, j) => cellLatex(c, best.has(`${i}:${j}`), digits));
    lines.push([escapeLatex(row.label), ...cells].join(" & ") + " \\\\");
  });
  lines.push("\\bottomrule", "\\end{tabular}");
  const wide = table.columns.length + 1 > (options.resizeAbove ?? 6);
  const body = wide ? ["\\resizebox{\\linewidth}{!}{%", ...lines, "}"] : lines;
  const label = table.label.replace(/[^A-Za-z0-9-]/g, "-");
  return [
    "\\begin{table}[htbp]",
    "\\centering",
    "\\small",
    `\\caption{${escapeLatex(table.caption)}}`,
    `\\label{tab:${label}}`,
    ...body,
    "\\end{table}",
  ].join("\n") + "\n";
}

/** Options for {@link latexDocument}. */
export interface LatexDocumentOptions extends LatexTableOptions {
  /** A comment line at the top (e.g. what generated the file). */
  comment?: string;
}

/**
 * A complete LaTeX document holding `tables` (compiles with `pdflatex`; needs the booktabs
 * and graphicx packages). Copy the `table` environments into a paper that loads booktabs.
 */
export function latexDocument(tables: PaperTable[], options: LatexDocumentOptions = {}): string {
  const comment = options.comment ? `% ${options.comment.replace(/\r?\n/g, " ")}\n` : "";
  return `${comment}% Each table environment below can be copied into a paper that loads
% \\usepackage{booktabs} (and graphicx for tables scaled to the line width).
\\documentclass[11pt]{article}
\\usepackage[margin=2cm]{geometry}
\\usepackage{booktabs}
\\usepackage{graphicx}
\\begin{document}
${tables.map((t) => latexTable(t, options)).join("\n")}
\\end{document}
`;
}
