/**
 * The paper tables of real smoke sweeps: `deno task compare` and `deno task ablation` write
 * summary.tex and summary.csv, and summary.tex compiles with pdflatex (booktabs); with chromium
 * the comparison's figure is also written as SVG, PDF (checked with pdfinfo) and PNG. Skipped
 * outside CI when pdflatex or pdfinfo is not installed.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { assertPaperFigureFiles } from "../lib/render/vector_testing.ts";
import { checkPdf, compileLatex, PDFINFO, PDFLATEX, toolTest } from "../lib/util/tool_testing.ts";
import { ablationArgs, runDeno, SMOKE_COMPARE_DATASET, smokeCompare } from "./sweep_testing.ts";

toolTest(
  "compare and ablation: summary.tex of smoke sweeps compiles with pdflatex, summary.csv beside",
  [PDFLATEX, PDFINFO],
  async (tools, root) => {
    // The shared smoke comparison; with chromium it wrote the figures as SVG, PDF and PNG too.
    const shared = await smokeCompare();
    await runDeno(ablationArgs(root, ["--classes", "0", "--transforms", "rot4", "--seeds", "2"]));
    const dataset = SMOKE_COMPARE_DATASET;
    const compare = join(shared.root, "compare", dataset);
    const ablation = join(root, dataset); // the ablation root holds <dataset>/ directly
    const cmpTex = await Deno.readTextFile(join(compare, "summary.tex"));
    assert.match(cmpTex, /\\usepackage\{booktabs\}/);
    assert.match(cmpTex, /normal class & RAW-OC-SVM \\textsuperscript\{\\dag\} & DSEBM \\\\/);
    assert.match(
      cmpTex,
      /\\caption\{AUROC \(\\%\) per normal class on fashion-mnist-sample, preset smoke, one seed \(0\)\. One-vs-rest protocol/,
    );
    assert.match(
      cmpTex,
      /Trouser \(1\) & (\\textbf\{\d+\.\d\}|\d+\.\d) & (\\textbf\{\d+\.\d\}|\d+\.\d) \\\\/,
    );
    const ablTex = await Deno.readTextFile(join(ablation, "summary.tex"));
    assert.match(ablTex, /mean \$\\pm\$ SEM over 2 seeds \(0--1\)/);
    assert.match(ablTex, /T-shirt\/top \(0\) & \d+\.\d \$\\pm\$ \d+\.\d \\\\/);
    for (const [name, dir] of [["compare", compare], ["ablation", ablation]]) {
      // Compiled in a copy: the shared comparison's folder is only read.
      const tex = join(root, `${name}.tex`);
      await Deno.copyFile(join(dir!, "summary.tex"), tex);
      await checkPdf(tools.pdfinfo!, await compileLatex(tools.pdflatex!, tex), { pages: 1 });
    }
    const csv = await Deno.readTextFile(join(compare, "summary.csv"));
    assert.match(
      csv,
      /^normal class,RAW-OC-SVM † mean,RAW-OC-SVM † sem,RAW-OC-SVM † n,DSEBM mean,/,
    );
    assert.equal(csv.trimEnd().split("\r\n").length, 4); // header, 2 classes, mean
    if (shared.chromium) {
      const figures = join(compare, "summary-figures");
      const names = (await Array.fromAsync(Deno.readDir(figures))).map((e) => e.name).sort();
      const stem = "01-auroc-per-normal-class-fashion-mnist-sample";
      assert.deepEqual(names, [`${stem}.pdf`, `${stem}.png`, `${stem}.svg`]);
      const svg = await assertPaperFigureFiles(tools.pdfinfo!, {
        svg: join(figures, `${stem}.svg`),
        pdf: join(figures, `${stem}.pdf`),
        png: join(figures, `${stem}.png`),
      });
      assert.match(svg, />AUROC \(%\) per normal class, fashion-mnist-sample</);
    }
    const scores = await Deno.readTextFile(join(ablation, "summary-2.csv"));
    assert.match(scores, /^transform set,dirichlet mean,dirichlet sem,dirichlet n,simple mean/);
  },
  { prefix: "geomad-tables-" },
);
