import assert from "node:assert/strict";
import { getMethod } from "../detectors/catalogue.ts";
import { comparePaired } from "../metrics/evaluate.ts";
import {
  type KeptCompareRun,
  pairedFigure,
  pairedMarkdown,
  pairedOfKept,
  pairedWithFirst,
} from "./compare_paired.ts";
import type { ScoresFile } from "./scores_file.ts";
import { fakeResult, fakeScoresFile } from "./testing.ts";

const METHODS = [
  { name: "geom", title: "GEOM", primaryScore: "dirichlet" },
  { name: "goad", title: "GOAD", primaryScore: "goad" },
  { name: "raw-ocsvm", title: "RAW-OC-SVM", primaryScore: "raw-ocsvm" },
];
const LABELS = [1, 1, 1, 1, 0, 0, 0, 0, 0, 0];

const scores = (run: string, s: Record<string, number[]>, testDigest = "d") =>
  fakeScoresFile(LABELS, s, { run, testDigest });

function run(method: string, seed: number, kept?: ScoresFile | string): KeptCompareRun {
  const result = fakeResult(getMethod(method).plan("smoke"), {
    dataset: "fashion-mnist",
    normalClass: 0,
    seed,
    auroc: { x: 0.9 },
  });
  return {
    method,
    normalClass: 0,
    seed,
    status: "ok",
    result,
    ...(typeof kept === "string" ? { noScores: kept } : kept ? { scores: kept } : {}),
  };
}

// Anomaly scores: GEOM ranks one anomaly below a normal, GOAD ranks all but ties one pair.
const GEOM = {
  dirichlet: [0.1, 0.2, 0.3, 0.6, 0.5, 0.7, 0.8, 0.9, 1, 1.1],
  simple: [1, 1, 1, 1, 1, 1, 1, 1, 1, 1.1],
};
const GOAD = { goad: [0.1, 0.2, 0.3, 0.4, 0.4, 0.7, 0.8, 0.9, 1, 1.1] };

Deno.test("pairedWithFirst() tests each method's primary score against the first's", () => {
  const runs = [
    run("geom", 0, scores("geom", GEOM)),
    run("goad", 0, scores("goad", GOAD)),
    run("raw-ocsvm", 0, "no kept scores (x.scores.json.gz)"),
    run("geom", 1, scores("geom", GEOM)),
    run("goad", 1, scores("goad", GOAD, "other images")),
  ];
  const p = pairedWithFirst(runs, METHODS)!;
  assert.equal(p.vs, "geom");
  assert.equal(p.pairs.length, 1);
  const x = p.pairs[0]!;
  const direct = comparePaired(GOAD.goad, GEOM.dirichlet, LABELS);
  assert.deepEqual(
    { score: x.score, vsScore: x.vsScore, a: x.a, b: x.b, diff: x.diff, se: x.se, p: x.p },
    { score: "goad", vsScore: "dirichlet", ...direct },
  );
  assert.equal(x.a, 1 - 0.5 / 24); // one tie between a normal and an anomaly
  assert.equal(x.b, 1 - 1 / 24); // one anomaly ranked below a normal
  assert.equal(x.pHolm, x.p); // one test: nothing to adjust
  assert.deepEqual([x.n, x.nNormal], [10, 4]);
  assert.deepEqual(p.unpaired.map((u) => [u.method, u.seed]), [["goad", 1], ["raw-ocsvm", 0]]);
  assert.match(p.unpaired[0]!.why, /scored different test images/);
  assert.equal(
    p.unpaired[1]!.why,
    "raw-ocsvm: no kept scores (x.scores.json.gz)",
  );

  const md = pairedMarkdown(p, METHODS, { classes: [0], seeds: 2, classNames: ["T-shirt"] });
  const text = md.join("\n");
  assert.match(text, /^## Paired against GEOM, on the same test images$/m);
  assert.match(text, /\| class +\| +GOAD \| RAW-OC-SVM \|/);
  assert.match(text, /\| T-shirt \(0\), seed 0 \| \+2\.1 ± \d\.\d \(p 0\.\d{3}\) \| +– \|/);
  assert.doesNotMatch(text, /seed 1 \|/); // no test on seed 1: no row
  assert.match(
    text,
    /- GOAD: above GEOM at p < 0\.05 in 0 of 1 paired runs \(class and seed\), below in 0, not resolved in 1; after Holm's correction over all 1 tests: above in 0, below in 0\./,
  );
  assert.match(text, /- Not paired: GOAD, class 0, seed 1: Cannot compare .*different test images/);
  assert.match(text, /- A finished run keeps no scores after the fact: to pair one, run it again/);

  const fig = pairedFigure(p, METHODS, {
    classes: [0],
    seeds: 2,
    classNames: ["T-shirt"],
    dataset: "fashion-mnist",
  });
  assert.equal(fig.data.length, 1); // GOAD only: RAW-OC-SVM has no pair
  const bars = fig.data[0] as unknown as {
    name: string;
    x: string[];
    y: number[];
    error_y: { array: number[] };
  };
  assert.deepEqual([bars.name, bars.x], ["GOAD", ["T-shirt (0), seed 0"]]);
  // the axis lists every class and seed in order, whichever series has them
  const xaxis = fig.layout.xaxis as { categoryorder: string; categoryarray: string[] };
  assert.deepEqual([xaxis.categoryorder, xaxis.categoryarray], [
    "array",
    ["T-shirt (0), seed 0", "T-shirt (0), seed 1"],
  ]);
  assert.ok(Math.abs(bars.y[0]! - 100 * x.diff) < 1e-12);
  assert.ok(Math.abs(bars.error_y.array[0]! - 196 * x.se) < 1e-9);
});

Deno.test("pairedWithFirst() asks nothing when no run kept scores or one method ran", () => {
  assert.equal(pairedWithFirst([run("geom", 0), run("goad", 0)], METHODS), undefined);
  assert.equal(
    pairedWithFirst([run("geom", 0, scores("geom", GEOM))], METHODS.slice(0, 1)),
    undefined,
  );
  // The first method's run failed or is missing: no pair (the table shows why), nothing unpaired.
  const p = pairedWithFirst([run("goad", 0, scores("goad", GOAD))], METHODS)!;
  assert.deepEqual([p.pairs, p.unpaired], [[], []]);
});

Deno.test("pairedOfKept() pairs runs held in memory on the same split, by primary score", () => {
  const test = {
    data: new Float32Array(LABELS.length * 4),
    n: LABELS.length,
    height: 2,
    width: 2,
    channels: 1,
  };
  const testLabels = Uint8Array.from(LABELS);
  const kept = (method: string, s: Record<string, number[]>, images = test) => ({
    result: run(method, 0).result!,
    scores: Object.fromEntries(Object.entries(s).map(([k, v]) => [k, Float64Array.from(v)])),
    data: { test: images, testLabels },
  });
  const p = pairedOfKept([kept("geom", GEOM), kept("goad", GOAD)])!;
  assert.equal(p.vs, "geom");
  assert.deepEqual(p.pairs.map((x) => [x.method, x.score, x.vsScore, x.diff]), [[
    "goad",
    "goad",
    "dirichlet",
    comparePaired(GOAD.goad, GEOM.dirichlet, LABELS).diff,
  ]]);
  // Other test images (another pixel): refused, with the reason.
  const other = { ...test, data: test.data.map((_, i) => i === 0 ? 1 : 0) };
  const q = pairedOfKept([kept("geom", GEOM), kept("goad", GOAD, other)])!;
  assert.equal(q.pairs.length, 0);
  assert.match(q.unpaired[0]!.why, /scored different test images/);
});
