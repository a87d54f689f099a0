import assert from "node:assert/strict";
import { getMethod } from "../detectors/catalogue.ts";
import {
  compareCell,
  compareFigure,
  compareMarkdown,
  type CompareRun,
  compareSummaryRecord,
  compareTable,
  summarizeCompare,
} from "./compare_summary.ts";
import { fakeResult } from "./testing.ts";

const METHODS = [
  { name: "geom", title: "GEOM", primaryScore: "dirichlet" },
  { name: "raw-ocsvm", title: "RAW-OC-SVM", primaryScore: "raw-ocsvm" },
];
const DATASET = "fashion-mnist";

function run(
  method: string,
  normalClass: number,
  seed: number,
  o: { auroc?: Record<string, number>; error?: string; crashed?: string; hindsight?: boolean },
): CompareRun {
  if (o.crashed) return { method, normalClass, seed, status: "crashed", error: o.crashed };
  const plan = getMethod(method).plan("smoke");
  const result = fakeResult(plan, {
    dataset: DATASET,
    normalClass,
    seed,
    auroc: o.auroc,
    error: o.error,
    // As CAE-OC-SVM reports it: the OC-SVM's state nested under `ocsvm`.
    state: o.hindsight ? { ocsvm: { selection: "hindsight-test-auroc" } } : {},
  });
  return { method, normalClass, seed, status: o.error ? "failed" : "ok", result };
}

const RUNS: CompareRun[] = [
  run("geom", 0, 0, { auroc: { dirichlet: 0.9, simple: 0.5 } }),
  run("geom", 0, 1, { auroc: { dirichlet: 0.94, simple: 0.5 } }),
  run("geom", 1, 0, { auroc: { dirichlet: 0.8, simple: 0.5 } }),
  run("geom", 1, 1, { error: "Cannot train: loss is NaN at step 3" }),
  run("raw-ocsvm", 0, 0, { auroc: { "raw-ocsvm": 0.7 }, hindsight: true }),
  run("raw-ocsvm", 0, 1, { crashed: "killed by SIGKILL: out of memory" }),
  run("raw-ocsvm", 1, 0, { error: "diverged" }),
  run("raw-ocsvm", 1, 1, { error: "diverged" }),
];

Deno.test("summarizeCompare() takes each method's primary score, mean and SEM over seeds", () => {
  const d = summarizeCompare(RUNS, { methods: METHODS, classes: [0, 1], dataset: DATASET });
  const g0 = compareCell(d, "geom", 0)!;
  assert.equal(g0.status, "ok");
  assert.ok(Math.abs(g0.mean! - 0.92) < 1e-12);
  assert.ok(Math.abs(g0.sem! - 0.02) < 1e-12);
  assert.equal(g0.published, 90.8);
  const g1 = compareCell(d, "geom", 1)!;
  assert.equal(g1.status, "partial");
  assert.deepEqual(g1.errors, ["seed 1: Cannot train: loss is NaN at step 3"]);
  const gm = compareCell(d, "geom", "mean")!;
  assert.equal(gm.status, "partial");
  assert.ok(Math.abs(gm.mean! - 0.86) < 1e-12); // (0.92 + 0.8) / 2
  assert.equal(gm.sem, undefined); // only seed 0 has both classes: no spread
  assert.equal(gm.published, 93.5);
});

Deno.test("summarizeCompare() keeps failed and crashed runs with their reasons", () => {
  const d = summarizeCompare(RUNS, { methods: METHODS, classes: [0, 1], dataset: DATASET });
  const r0 = compareCell(d, "raw-ocsvm", 0)!;
  assert.equal(r0.status, "partial");
  assert.equal(r0.hindsight, true);
  assert.deepEqual(r0.errors, ["seed 1: killed by SIGKILL: out of memory"]);
  const r1 = compareCell(d, "raw-ocsvm", 1)!;
  assert.equal(r1.status, "failed");
  assert.equal(r1.mean, undefined);
  assert.equal(compareCell(d, "raw-ocsvm", "mean")!.published, 92.8);
  const missing = summarizeCompare([], { methods: METHODS, classes: [0], dataset: DATASET });
  assert.equal(compareCell(missing, "geom", 0)!.status, "missing");
  assert.equal(compareCell(missing, "geom", "mean")!.status, "missing");
});

Deno.test("summarizeCompare() compares a subset of classes with the paper's same classes", () => {
  const two = summarizeCompare(RUNS, {
    methods: METHODS,
    classes: [0, 1],
    dataset: DATASET,
    allClasses: 10,
  });
  assert.equal(compareCell(two, "geom", "mean")!.published, 95); // (90.8 + 99.2) / 2
  assert.equal(compareCell(two, "raw-ocsvm", "mean")!.published, 92.8); // only a mean exists
  assert.equal(compareCell(two, "raw-ocsvm", "mean")!.publishedNote, "all 10 classes");
  const t = compareTable(two, { dataset: DATASET });
  assert.deepEqual(t.rows[2]!.slice(2), ["95.0", "70.0 (1 of 2 classes)", "92.8 (all 10 classes)"]);
});

Deno.test("compareTable() and compareMarkdown(): paper columns, hindsight mark, failures", () => {
  const d = summarizeCompare(RUNS, { methods: METHODS, classes: [0, 1], dataset: DATASET });
  const t = compareTable(d, { dataset: DATASET, classNames: ["T-shirt", "Trouser"] });
  assert.deepEqual(t.header, [
    "class",
    "GEOM",
    "GEOM (paper)",
    "RAW-OC-SVM †",
    "RAW-OC-SVM (paper)",
  ]);
  assert.deepEqual(t.rows[0], ["T-shirt (0)", "92.0 ± 2.0", "90.8", "70.0 (1 failed)", "–"]);
  assert.deepEqual(t.rows[1], ["Trouser (1)", "80.0 (1 failed)", "99.2", "failed", "–"]);
  assert.deepEqual(t.rows[2], [
    "mean",
    "86.0 (2 of 2 classes)",
    "93.5",
    "70.0 (1 of 2 classes)",
    "92.8",
  ]);
  const md = compareMarkdown(d, {
    dataset: DATASET,
    preset: "quick",
    seeds: 2,
    createdAt: "now",
  });
  assert.match(md, /† hyperparameters selected by TEST AUROC/);
  assert.match(md, /- GEOM, class 1, seed 1: Cannot train: loss is NaN at step 3/);
  assert.match(md, /- RAW-OC-SVM, class 0, seed 1: killed by SIGKILL: out of memory/);
  assert.match(md, /Source, GEOM: Golan & El-Yaniv 2018/);
  const fig = compareFigure(d, { dataset: DATASET });
  assert.deepEqual(fig.data.map((s) => s.name), [
    "GEOM",
    "RAW-OC-SVM †",
    "GEOM (paper)",
    "RAW-OC-SVM (paper)",
  ]);
});

Deno.test("summarizeCompare() pairs methods by seed where two seeds ran; markdown and record show it", () => {
  const runs = [0, 1].flatMap((seed) => [
    run("geom", 0, seed, { auroc: { dirichlet: 0.9 + seed / 100 } }),
    run("raw-ocsvm", 0, seed, { auroc: { "raw-ocsvm": 0.8 + seed / 50 } }),
  ]);
  const d = summarizeCompare(runs, { methods: METHODS, classes: [0], dataset: DATASET });
  const diff = d.seedPaired!.items.find((x) => x.normalClass === 0)!.diff;
  assert.equal(diff.n, 2);
  assert.ok(Math.abs(diff.mean - -0.095) < 1e-12); // -0.10 and -0.09
  const md = compareMarkdown(d, {
    dataset: DATASET,
    preset: "smoke",
    seeds: 2,
    createdAt: "2026-01-01T00:00:00Z",
  });
  assert.match(md, /^## Against GEOM, paired by seed$/m);
  assert.match(md, /\| 0 \(0\) \| +-9\.5 ± 0\.5 \(2 seeds\) \* \|/);
  const rec = compareSummaryRecord(d, {
    schema: "geomad.compare/v1",
    createdAt: "2026-01-01T00:00:00Z",
    dataset: DATASET,
    preset: "smoke",
    seeds: 2,
    classNames: [],
  }, []);
  assert.deepEqual(rec.seedPaired, d.seedPaired);
  // One seed: no seed-level section.
  const one = summarizeCompare(runs.filter((r) => r.seed === 0), {
    methods: METHODS,
    classes: [0],
    dataset: DATASET,
  });
  assert.equal(one.seedPaired, undefined);
});
