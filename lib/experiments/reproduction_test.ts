import assert from "node:assert/strict";
import { getMethod } from "../detectors/catalogue.ts";
import {
  commandOf,
  reproductionMarkdown,
  reproductionSection,
  sectionMethod,
  testInterval,
  trainAndScoreSeconds,
  verdict,
} from "./reproduction.ts";
import type { RunResult } from "./result.ts";
import { hanleyMcNeilSe } from "../metrics/auroc_se.ts";
import { fakePaperGeomResult, fakePaperGoadResult, fakeResult } from "./testing.ts";

Deno.test("reproductionSection() keeps paper-preset GEOM runs beside the paper's numbers", () => {
  const plan = getMethod("geom").plan("paper");
  const run = (c: number, d: number, s: number, createdAt = "2026-12-05T00:00:00Z") => ({
    ...fakeResult(plan, {
      dataset: "fashion-mnist",
      normalClass: c,
      seed: 0,
      auroc: { dirichlet: d, simple: s },
    }),
    preset: "paper",
    createdAt,
  });
  const quick = { ...run(2, 0.5, 0.5), preset: "quick" };
  const limited = { ...run(3, 0.5, 0.5), data: { ...run(3, 0.5, 0.5).data, trainLimit: 40 } };
  const oneEpoch = {
    ...run(4, 0.5, 0.5),
    hyperparameters: { ...plan.expected, epochs: 1 },
  };
  // an older record keeps the epochs rule unresolved: it is the paper's rule
  const rule = { ...run(5, 0.9, 0.9), hyperparameters: { ...plan.expected, epochs: "paper" } };
  const s = reproductionSection(
    [
      run(0, 0.99, 0.98),
      run(1, 0.9, 0.95),
      run(1, 0.95, 0.96, "2026-12-06T00:00:00Z"),
      quick,
      limited,
      oneEpoch,
      rule,
    ],
    { label: "Fashion-MNIST", paperDataset: "fashion-mnist" },
  );
  assert.deepEqual(
    s.rows.map((r) => r.normalClass),
    [0, 1, 5],
    "quick runs, runs with data limits and other epochs are not the record",
  );
  assert.equal(s.rows[1]!.auroc.dirichlet, 95, "the newest run of a class wins");
  assert.equal(s.rows[0]!.paper, 90.8);
  const paperMean = (90.8 + 99.2 + 93.4) / 3;
  assert.ok(Math.abs(s.mean.paper! - paperMean) < 1e-9, "paper mean over the same classes");
  assert.ok(Math.abs(s.mean.auroc.dirichlet! - (99 + 95 + 90) / 3) < 1e-9);
  assert.equal(s.paperMean, 93.5);
  assert.match(
    s.rows[0]!.command,
    /deno task geom --dataset fashion-mnist --normal 0 --preset paper/,
  );
  const md = reproductionMarkdown(s);
  // Hanley & McNeil at 95.0 with 1,000 normal and 9,000 anomalous test images: 1.96 x 0.48.
  assert.match(md, /\| 1 .* \| 99\.2 \| 95\.0 \| 0\.9\* \| 96\.0 \|/);
  assert.match(md, /\*\*mean\*\* \| 94\.5 \| 94\.7 \| {2}\| /, "no interval for the mean");
  assert.match(md, /\* Hanley & McNeil's from the AUROC and the class counts/);
});

Deno.test("verdict() says within 1 point, above or below", () => {
  assert.equal(verdict(93.9, 93.5), "within 1 point (+0.4)");
  assert.equal(verdict(95, 93.5), "above by 1.5");
  assert.equal(verdict(90, 93.5), "below by 3.5");
  assert.equal(verdict(undefined, 93.5), "-");
});

Deno.test("trainAndScoreSeconds() counts a resumed run's training over its sessions", () => {
  const plan = getMethod("geom").plan("paper");
  const base = fakeResult(plan, { dataset: "fashion-mnist", normalClass: 0, seed: 0 });
  const at = (training: number, trainedHere: number, total: number) => ({
    ...base,
    state: { training: { seconds: training }, timings: { trainSeconds: trainedHere } },
    timings: { ...base.timings, totalSeconds: total },
  });
  // training finished in earlier sessions: this one restored it and scored
  assert.deepEqual(trainAndScoreSeconds(at(7752, 0.5, 1634.5)), {
    trainSeconds: 7752,
    scoreSeconds: 1634,
  });
  // one session: the trainer's time, the rest is fit and scoring
  assert.deepEqual(trainAndScoreSeconds(at(100, 100, 150)), {
    trainSeconds: 100,
    scoreSeconds: 50,
  });
});

Deno.test("reproductionSection() keeps earlier rows of other classes; a class's newest row wins", () => {
  const o = { label: "Fashion-MNIST", paperDataset: "fashion-mnist" };
  const earlier = reproductionSection(
    [
      fakePaperGeomResult(0, 0.9, "2026-12-01T00:00:00Z"),
      fakePaperGeomResult(1, 0.8, "2026-12-01T00:00:00Z"),
    ],
    o,
  ).rows;
  const s = reproductionSection(
    [
      fakePaperGeomResult(1, 0.97, "2026-12-02T00:00:00Z"),
      fakePaperGeomResult(2, 0.85, "2026-12-02T00:00:00Z"),
    ],
    { ...o, keep: earlier },
  );
  assert.deepEqual(s.rows.map((r) => [r.normalClass, r.auroc.dirichlet]), [[0, 90], [1, 97], [
    2,
    85,
  ]]);
  assert.equal(s.rows[0], earlier[0], "the kept row is the earlier one, unchanged");
  assert.ok(Math.abs(s.mean.auroc.dirichlet! - (90 + 97 + 85) / 3) < 1e-9, "mean over all rows");
  assert.equal(s.mean.classes, 3);
  assert.equal(s.rows[1]!.isa, undefined, "a record without oneDNN's ISA");
  const amx = { ...fakePaperGeomResult(3, 0.9, "2026-12-02T00:00:00Z") };
  amx.backend = { ...amx.backend, name: "native", isa: "cpu_isa_avx512_core_amx" };
  const withIsa = reproductionSection([amx], o);
  assert.equal(withIsa.rows[0]!.isa, "cpu_isa_avx512_core_amx");
  assert.match(reproductionMarkdown(withIsa), /\| fp32 \| native \(avx512_core_amx\) \|/);
  assert.match(reproductionMarkdown(s), /\| fp32 \| cpu \|/);
  const stale = reproductionSection([fakePaperGeomResult(1, 0.5, "2026-11-30T00:00:00Z")], {
    ...o,
    keep: earlier,
  });
  assert.equal(stale.rows[1]!.auroc.dirichlet, 80, "an older record does not replace a newer row");
});

Deno.test("reproductionSection() holds GOAD's paper-preset runs with GOAD's scores and command", () => {
  const paper = fakePaperGoadResult(0, { goad: 0.9, "goad-eps0": 0.85 }, "2026-12-05T00:00:00Z");
  assert.deepEqual(
    paper.hyperparameters.scores,
    ["goad", "goad-eps0"],
    "a real run's hyperparameters, with the scores the plan leaves out",
  );
  const variant = (c: number, change: (r: RunResult) => RunResult) =>
    change(fakePaperGoadResult(c, { goad: 0.5, "goad-eps0": 0.5 }, "2026-12-05T00:00:00Z"));
  const quick = variant(1, (r) => ({ ...r, preset: "quick" }));
  const fewerEpochs = variant(2, (r) => ({
    ...r,
    hyperparameters: { ...r.hyperparameters, epochs: 1 },
  }));
  const oneScore = variant(4, (r) => ({ ...r, metrics: { goad: r.metrics.goad! } }));
  const otherMargin = variant(5, (r) => ({ ...r, state: { ...r.state, margin: 0.1 } }));
  const sample = variant(6, (r) => ({ ...r, data: { ...r.data, source: "sample" } }));
  const s = reproductionSection(
    [paper, quick, fewerEpochs, run(3), oneScore, otherMargin, sample],
    { label: "GOAD, Fashion-MNIST", paperDataset: "fashion-mnist", method: "goad" },
  );
  assert.deepEqual(
    s.rows.map((r) => r.normalClass),
    [0],
    "quick, other epochs, GEOM, one score, another margin and the embedded sample left out",
  );
  assert.equal(s.method, "goad");
  assert.deepEqual(s.rows[0]!.auroc, { goad: 90, "goad-eps0": 85 });
  assert.equal(s.rows[0]!.trainSeconds, 7200, "the trainer's sum over sessions");
  assert.equal(s.rows[0]!.scoreSeconds, 0.5, "the run's 2 s less this session's training");
  assert.equal(
    s.rows[0]!.command,
    "deno task run --method goad --dataset fashion-mnist --normal 0 --preset paper --seed 0",
  );
  assert.equal(s.rows[0]!.paper, 94.1, "GOAD's own Table 2, not GEOM's row");
  const md = reproductionMarkdown(s);
  assert.match(
    md,
    /\| class \| paper \| GOAD \(eps 1e-10\) \| ± 95% \(test set\) \| GOAD \(eps 0\) \| vs paper \|/,
  );
  assert.match(md, /\n\|---\|---\|---\|---\|---\|---\|---\|---\|---\|---\|---\|\n/, "11 columns");
  assert.match(
    md,
    /\| 0 class 0 \| 94\.1 \| 90\.0 \| 1\.3\* \| 85\.0 \| below by 4\.1 \| fp32 \| cpu \| 2 h 00 min \|/,
  );
  assert.match(
    md,
    /\| \*\*mean\*\* \| 94\.1 \| 90\.0 \| {2}\| 85\.0 \| below by 4\.1 \| \| \| \| \| \|\n/,
  );
  const geom = reproductionSection([run(3), paper], {
    label: "Fashion-MNIST",
    paperDataset: "fashion-mnist",
  });
  assert.deepEqual(geom.rows.map((r) => r.normalClass), [3], "a GEOM section takes no GOAD run");
  assert.equal(geom.method, undefined, "GEOM sections keep the record's old shape");
  assert.throws(
    () => sectionMethod({ label: "X", method: "csi" as "goad" }),
    /unknown method 'csi'/,
  );
  assert.throws(
    () => commandOf({ ...paper, method: "dagmm" }),
    /no reproduction command for dagmm/,
  );
});

function run(c: number) {
  return fakePaperGeomResult(c, 0.9, "2026-12-05T00:00:00Z");
}

Deno.test("testInterval: DeLong's SE where the record keeps it, else Hanley & McNeil's", () => {
  const kept = fakePaperGoadResult(0, { goad: 0.9, "goad-eps0": 0.85 }, "2026-12-05T00:00:00Z");
  kept.metrics.goad = { ...kept.metrics.goad!, aurocSe: 0.005 };
  const s = reproductionSection([
    kept,
    fakePaperGoadResult(1, { goad: 0.9, "goad-eps0": 0.9 }, "2026-12-05T00:00:00Z"),
  ], {
    label: "GOAD",
    paperDataset: "fashion-mnist",
    method: "goad",
  });
  assert.deepEqual(s.rows[0]!.aurocSe, { goad: 0.5 }, "in points, as the AUROCs");
  assert.equal(s.rows[1]!.aurocSe, undefined);
  assert.deepEqual(testInterval(s.rows[0]!, "goad", "fashion-mnist"), {
    half: 0.98,
    approx: false,
  });
  const hm = testInterval(s.rows[1]!, "goad", "fashion-mnist")!;
  assert.equal(hm.approx, true);
  assert.ok(Math.abs(hm.half - 196 * hanleyMcNeilSe(0.9, 1000, 9000)) < 1e-12);
  // CIFAR-100's superclasses: 500 normal and 9,500 anomalous test images; MNIST's classes differ
  // in size, so no approximation applies.
  const c100 = testInterval({ auroc: { goad: 90 } }, "goad", "cifar100")!;
  assert.ok(Math.abs(c100.half - 196 * hanleyMcNeilSe(0.9, 500, 9500)) < 1e-12);
  assert.equal(testInterval({ auroc: { goad: 90 } }, "goad", "mnist"), undefined);
  assert.equal(testInterval({ auroc: {} }, "goad", "fashion-mnist"), undefined);
  const md = reproductionMarkdown(s);
  assert.match(md, /\| 0 class 0 \| 94\.1 \| 90\.0 \| 1\.0 \| 85\.0 \|/, "DeLong's, unmarked");
  assert.match(md, /\| 1 class 1 \| 98\.5 \| 90\.0 \| 1\.3\* \| 90\.0 \|/);
});
