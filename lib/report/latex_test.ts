import assert from "node:assert/strict";
import { join } from "node:path";
import { escapeLatex, latexDocument, latexTable } from "./latex.ts";
import { bestCells, type PaperTable } from "./paper_table.ts";
import { checkPdf, compileLatex, PDFINFO, PDFLATEX, toolTest } from "../util/tool_testing.ts";

const table: PaperTable = {
  rowHeader: "normal class",
  columns: [
    { title: "GEOM_72 & co", kind: "ours" },
    { title: "OC-SVM †", kind: "ours" },
    { title: "GEOM (paper)", kind: "paper" },
  ],
  rows: [
    {
      label: "T-shirt/top (0)",
      cells: [{ mean: 93.44, sem: 0.71, n: 3 }, { mean: 90.1, sem: 0, n: 1 }, { mean: 99.4 }],
    },
    { label: "100% {weird} #1 $x^2_~\\", cells: [{ mean: 80, sem: 2, n: 3 }, "failed", undefined] },
    {
      label: "mean",
      ruleAbove: true,
      cells: [{ mean: 86.7, sem: 1.2, n: 2 }, { mean: 90.1, n: 1, note: "1 of 2 classes" }, {
        mean: 93.5,
        note: "all 10 classes",
      }],
    },
  ],
  caption: "AUROC (%) on fashion-mnist, preset smoke, mean ± SEM over 3 seeds (0–2).",
  label: "t_1",
  best: "row",
};

Deno.test("escapeLatex() escapes the special characters and maps symbols", () => {
  assert.equal(
    escapeLatex("a&b%c$d#e_f{g}h~i^j\\k"),
    "a\\&b\\%c\\$d\\#e\\_f\\{g\\}h\\textasciitilde{}i\\textasciicircum{}j\\textbackslash{}k",
  );
  assert.equal(
    escapeLatex("± † − 0–2 <>|"),
    "$\\pm$ \\textsuperscript{\\dag} $-$ 0--2 " +
      "\\textless{}\\textgreater{}\\textbar{}",
  );
  assert.equal(escapeLatex("café 猫\nx"), "café ? x");
});

Deno.test("bestCells() marks the highest ours cell per row or column at print precision", () => {
  assert.deepEqual([...bestCells(table)].sort(), ["0:0", "2:1"]);
  assert.deepEqual([...bestCells({ ...table, best: "column" })].sort(), ["0:0", "0:1", "2:1"]);
  const tie: PaperTable = {
    ...table,
    rows: [{ label: "x", cells: [{ mean: 90.04 }, { mean: 89.96 }, { mean: 99 }] }],
  };
  assert.deepEqual([...bestCells(tie)].sort(), ["0:0", "0:1"]); // both print as 90.0
  assert.deepEqual([...bestCells({ ...table, best: "none" })], []); // differences: no best
});

Deno.test("latexTable() prints signed values with + or a math minus, never -0.0", () => {
  const diffs: PaperTable = {
    ...table,
    columns: [{ title: "A − B", kind: "ours" }],
    rows: [
      { label: "up", cells: [{ mean: 1.24, sem: 0.5, signed: true }] },
      { label: "down", cells: [{ mean: -3.3, sem: 0.7, signed: true, note: "p 0.001" }] },
      { label: "nil", cells: [{ mean: -0.04, sem: 0.1, signed: true }] },
    ],
    best: "none",
  };
  const tex = latexTable(diffs);
  assert.match(tex, /^up & \+1\.2 \$\\pm\$ 0\.5 \\\\$/m);
  assert.match(tex, /^down & \$-\$3\.3 \$\\pm\$ 0\.7 \{\\footnotesize \(p 0\.001\)\} \\\\$/m);
  assert.match(tex, /^nil & \+0\.0 \$\\pm\$ 0\.1 \\\\$/m);
  assert.doesNotMatch(tex, /textbf/);
});

Deno.test("latexTable() is booktabs with mean ± SEM, bold best, paper column, caption", () => {
  const tex = latexTable(table);
  assert.match(
    tex,
    /\\toprule\nnormal class & GEOM\\_72 \\& co & OC-SVM \\textsuperscript\{\\dag\} & GEOM \(paper\) \\\\\n\\midrule/,
  );
  assert.match(tex, /T-shirt\/top \(0\) & \\textbf\{93\.4 \$\\pm\$ 0\.7\} & 90\.1 & 99\.4 \\\\/);
  assert.match(
    tex,
    /100\\% \\\{weird\\\} \\#1 \\\$x\\textasciicircum\{\}2\\_\\textasciitilde\{\}\\textbackslash\{\} & 80\.0 \$\\pm\$ 2\.0 & failed & -- \\\\/,
  );
  assert.match(
    tex,
    /\\midrule\nmean & 86\.7 \$\\pm\$ 1\.2 & \\textbf\{90\.1\} \{\\footnotesize \(1 of 2 classes\)\} & 93\.5 \{\\footnotesize \(all 10 classes\)\} \\\\\n\\bottomrule/,
  );
  assert.match(
    tex,
    /\\caption\{AUROC \(\\%\) on fashion-mnist, preset smoke, mean \$\\pm\$ SEM over 3 seeds \(0--2\)\.\}/,
  );
  assert.match(tex, /\\label\{tab:t-1\}/);
  assert.doesNotMatch(tex, /\|/); // no vertical rules
  assert.throws(() => latexTable({ ...table, rows: [{ label: "x", cells: [] }] }), RangeError);
});

toolTest(
  "latexDocument() compiles with pdflatex into a one-page PDF",
  [PDFLATEX, PDFINFO],
  async (tools, dir) => {
    const path = join(dir, "t.tex");
    await Deno.writeTextFile(path, latexDocument([table, { ...table, best: "column" }]));
    await checkPdf(tools.pdfinfo!, await compileLatex(tools.pdflatex!, path), { pages: 1 });
  },
  { prefix: "geomad-latex-" },
);
