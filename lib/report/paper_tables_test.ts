import assert from "node:assert/strict";
import { join } from "node:path";
import { getMethod } from "../detectors/catalogue.ts";
import { type CompareRun, summarizeCompare } from "../experiments/compare_summary.ts";
import { compareTables } from "./paper_tables.ts";
import { fakeResult } from "../experiments/testing.ts";
import { latexDocument, latexTable } from "./latex.ts";
import { csvTable } from "./csv.ts";
import { compileLatex, PDFLATEX, toolTest } from "../util/tool_testing.ts";

/** GEOM on classes 0 and 1 with two seeds, OC-SVM (hindsight) with class 1 failed. */
function compareData() {
  const runs: CompareRun[] = [];
  const add = (method: string, c: number, seed: number, auroc?: number, state = {}) => {
    const plan = getMethod(method).plan("smoke");
    const score = method === "geom" ? "dirichlet" : "ocsvm";
    const result = fakeResult(plan, {
      dataset: "fashion-mnist",
      normalClass: c,
      seed,
      ...(auroc === undefined ? { error: "loss is NaN" } : { auroc: { [score]: auroc } }),
      state,
    });
    runs.push({ method, normalClass: c, seed, status: "ok", result });
  };
  add("geom", 0, 0, 0.90),
    add("geom", 0, 1, 0.92),
    add("geom", 1, 0, 0.97),
    add("geom", 1, 1, 0.99);
  add("raw-ocsvm", 0, 0, 0.95, { selection: "hindsight-test-auroc" });
  add("raw-ocsvm", 1, 0, undefined);
  return summarizeCompare(runs, {
    methods: [
      { name: "geom", title: "GEOM", primaryScore: "dirichlet" },
      { name: "raw-ocsvm", title: "RAW_OC-SVM", primaryScore: "ocsvm" },
    ],
    classes: [0, 1],
    dataset: "fashion-mnist",
    allClasses: 10,
  });
}

Deno.test("compareTables(): classes x methods, paper columns, best per row, protocol caption", () => {
  const [t] = compareTables(compareData(), {
    dataset: "fashion-mnist",
    preset: "smoke",
    seeds: 2,
    classNames: ["T-shirt/top", "Trouser"],
  });
  const tex = latexTable(t!);
  assert.match(
    tex,
    /normal class & GEOM & GEOM \(paper\) & RAW\\_OC-SVM \\textsuperscript\{\\dag\} & RAW\\_OC-SVM \(paper\) \\\\/,
  );
  assert.match(
    tex,
    /T-shirt\/top \(0\) & 91\.0 \$\\pm\$ 1\.0 & 90\.8 & \\textbf\{95\.0\} & -- \\\\/,
  );
  assert.match(tex, /Trouser \(1\) & 98\.0 \$\\pm\$ 1\.0 & 99\.2 & failed & -- \\\\/);
  // Mean row: GEOM over both classes (SEM of the per-seed averages), OC-SVM over 1 of 2.
  assert.match(
    tex,
    /\\midrule\nmean & 94\.5 \$\\pm\$ 1\.0 & 95\.0 & \\textbf\{95\.0\} \{\\footnotesize \(1 of 2 classes\)\} & 92\.8 \{\\footnotesize \(all 10 classes\)\} \\\\/,
  );
  assert.match(
    tex,
    /\\caption\{AUROC \(\\%\) per normal class on fashion-mnist, preset smoke, mean \$\\pm\$ SEM over 2 seeds \(0--1\)\. One-vs-rest protocol: .* Columns marked \(paper\): Golan \\& El-Yaniv 2018 .* \\textsuperscript\{\\dag\}: hyperparameters selected by test AUROC/,
  );
  const csv = csvTable(t!);
  assert.match(csv, /^normal class,GEOM mean,GEOM sem,GEOM n,GEOM \(paper\),RAW_OC-SVM † mean,/);
  assert.match(csv, /\r\nTrouser \(1\),98,1,2,99\.2,failed,,,,,\r\n/);
});

/** compareData() with paired tests of RAW-OC-SVM against GEOM on class 0, both seeds. */
function pairedData() {
  const pair = (seed: number, diff: number, p: number) => ({
    method: "raw-ocsvm",
    normalClass: 0,
    seed,
    score: "ocsvm",
    vsScore: "dirichlet",
    a: 0.9 + diff,
    b: 0.9,
    diff,
    se: 0.007,
    p,
    pHolm: Math.min(1, 2 * p),
    n: 100,
    nNormal: 10,
  });
  return {
    ...compareData(),
    paired: { vs: "geom", pairs: [pair(0, -0.015, 0.043), pair(1, 0.05, 0.0001)], unpaired: [] },
  };
}

Deno.test("compareTables(): a second table of paired differences when runs kept scores", () => {
  const data = pairedData();
  const tables = compareTables(data, { dataset: "fashion-mnist", preset: "smoke", seeds: 2 });
  assert.equal(tables.length, 2);
  const tex = latexTable(tables[1]!);
  assert.match(tex, /normal class & RAW\\_OC-SVM \\textsuperscript\{\\dag\} \$-\$ GEOM \\\\/);
  assert.match(
    tex,
    /0 \(0\), seed 0 & \$-\$1\.5 \$\\pm\$ 0\.7 \{\\footnotesize \(p 0\.043\)\} \\\\/,
  );
  assert.match(
    tex,
    /0 \(0\), seed 1 & \+5\.0 \$\\pm\$ 0\.7 \{\\footnotesize \(p \\textless\{\} 0\.001\)\}/,
  );
  assert.doesNotMatch(tex, /textbf/); // no "best" among differences
  assert.match(tex, /in percentage points.*not over training seeds.*Scores: GEOM = dirichlet/);
  const csv = csvTable(tables[1]!); // the CSV keeps plain signed numbers, and p as a number
  assert.match(csv, /\r\n"0 \(0\), seed 0",-1\.5,0\.7,,0\.043,p 0\.043\r\n/);
  assert.match(csv, /\r\n"0 \(0\), seed 1",5,0\.7,,0\.0001,p < 0\.001\r\n/);
  assert.match(tex, /\\label\{tab:compare-fashion-mnist-smoke-paired\}/);
});

toolTest(
  "compareTables(): the document with paper columns compiles with pdflatex",
  [PDFLATEX],
  async (tools, dir) => {
    const tables = compareTables(pairedData(), {
      dataset: "fashion-mnist",
      preset: "smoke",
      seeds: 2,
    });
    assert.equal(tables.length, 2); // the paired table compiles too
    await Deno.writeTextFile(join(dir, "s.tex"), latexDocument(tables));
    await compileLatex(tools.pdflatex!, join(dir, "s.tex"));
  },
);
