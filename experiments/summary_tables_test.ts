/**
 * The paper tables of real smoke sweeps: `deno task compare` and `deno task ablation` write
 * summary.tex and summary.csv, and summary.tex compiles with pdflatex (booktabs). Skipped
 * outside CI when pdflatex is not installed.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { denoExecutable } from "../lib/experiments/pool.ts";
import { compileLatex, PDFINFO, pdfInfo, PDFLATEX, toolGate } from "../lib/util/tool_testing.ts";
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
    const tools = gate.require();
    const root = await Deno.makeTempDir({ prefix: "geomad-tables-" });
    try {
      const dataset = "fashion-mnist-sample";
      await run(sweepArgs("./compare.ts", root, [
        "--dataset",
        dataset,
        "--classes",
        "0,1",
        "--methods",
        "raw-ocsvm,dsebm",
        "--preset",
        "smoke",
      ]));
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
      const scores = await Deno.readTextFile(join(ablation, "summary-2.csv"));
      assert.match(scores, /^transform set,dirichlet mean,dirichlet sem,dirichlet n,simple mean/);
    } finally {
      await Deno.remove(root, { recursive: true });
    }
  },
});
