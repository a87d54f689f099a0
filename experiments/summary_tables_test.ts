/**
 * The paper tables of real smoke sweeps: `deno task compare` and `deno task ablation` write
 * summary.tex and summary.csv, and summary.tex compiles with pdflatex (booktabs); with chromium
 * the comparison's figure is also written as SVG, PDF (checked with pdfinfo) and PNG. Skipped
 * outside CI when pdflatex or pdfinfo is not installed.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { denoExecutable } from "../lib/experiments/process_pool.ts";
import {
  CHROMIUM,
  compileLatex,
  findTool,
  PDFINFO,
  pdfInfo,
  PDFLATEX,
  toolGate,
} from "../lib/util/tool_testing.ts";
import { ablationArgs, sweepArgs } from "./sweep_testing.ts";

async function run(args: string[]): Promise<void> {
  const out = await new Deno.Command(denoExecutable(), { args }).output();
  assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
}

const gate = toolGate(
  "compare and ablation: summary.tex of smoke sweeps compiles with pdflatex, summary.csv beside",
  [PDFLATEX, PDFINFO],
);
Deno.test({
  name: gate.name,
  ignore: gate.ignore,
  async fn() {
    const tools: Record<string, string | undefined> = {
      ...gate.require(),
      chromium: findTool(CHROMIUM),
    };
    const root = await Deno.makeTempDir({ prefix: "geomad-tables-" });
    try {
      const dataset = "fashion-mnist-sample";
      // With chromium: the summary's figures as SVG, PDF and PNG too (no --no-png).
      const compareArgs = sweepArgs("./compare.ts", root, [
        "--dataset",
        dataset,
        "--classes",
        "0,1",
        "--methods",
        "raw-ocsvm,dsebm",
        "--preset",
        "smoke",
      ]).filter((a) => a !== "--no-png" || !tools.chromium)
        .map((a) => a === "--allow-run=deno" ? `--allow-run=deno,${tools.chromium ?? "deno"}` : a);
      await run(compareArgs);
      await run(ablationArgs(root, ["--classes", "0", "--transforms", "rot4", "--seeds", "2"]));
      const compare = join(root, "compare", dataset);
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
      for (const dir of [compare, ablation]) {
        const pdf = await compileLatex(tools.pdflatex!, join(dir, "summary.tex"));
        const info = await pdfInfo(tools.pdfinfo!, pdf);
        assert.equal(info.Pages, "1", `${pdf}: ${JSON.stringify(info)}`);
      }
      const csv = await Deno.readTextFile(join(compare, "summary.csv"));
      assert.match(
        csv,
        /^normal class,RAW-OC-SVM † mean,RAW-OC-SVM † sem,RAW-OC-SVM † n,DSEBM mean,/,
      );
      assert.equal(csv.trimEnd().split("\r\n").length, 4); // header, 2 classes, mean
      if (tools.chromium) {
        const figures = join(compare, "summary-figures");
        const names = (await Array.fromAsync(Deno.readDir(figures))).map((e) => e.name).sort();
        const stem = "01-auroc-per-normal-class-fashion-mnist-sample";
        assert.deepEqual(names, [`${stem}.pdf`, `${stem}.png`, `${stem}.svg`]);
        const info = await pdfInfo(tools.pdfinfo!, join(figures, `${stem}.pdf`));
        assert.equal(info.Pages, "1");
        assert.match(info["Page size"] ?? "", /^468 x 288 pts/); // 6.5 x 4 in
        const svg = await Deno.readTextFile(join(figures, `${stem}.svg`));
        assert.match(svg, /^<svg [^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
        assert.match(svg, />AUROC \(%\) per normal class, fashion-mnist-sample</);
      }
      const scores = await Deno.readTextFile(join(ablation, "summary-2.csv"));
      assert.match(scores, /^transform set,dirichlet mean,dirichlet sem,dirichlet n,simple mean/);
    } finally {
      await Deno.remove(root, { recursive: true });
    }
  },
});
