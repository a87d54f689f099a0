import assert from "node:assert/strict";
import { comparePaired } from "../metrics/evaluate.ts";
import { holm } from "../metrics/significance.ts";
import { type KeptAblationRun, pairedSets, pairedSetsStatements } from "./ablation_paired.ts";
import type { ScoresFile } from "./scores_file.ts";
import { fakeScoresFile } from "./testing.ts";

const LABELS = [1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];

const kept = (s: Record<string, number[]>, testDigest = "d") =>
  fakeScoresFile(LABELS, s, { testDigest });

const run = (transforms: string, seed: number, scores?: ScoresFile): KeptAblationRun => ({
  transforms,
  normalClass: 0,
  seed,
  ...(scores ? { scores } : {}),
});

// Anomaly scores: the geometric set separates perfectly, blur poorly, rot4 nearly.
const PERFECT = LABELS.map((l, i) => l ? i / 100 : 1 + i / 100);
const POOR = LABELS.map((l, i) => l ? 0.6 + i / 100 : ((i * 7) % 20) / 20);
const NEARLY = PERFECT.map((x, i) => i === 0 ? 1.5 : x);

Deno.test("pairedSets() tests the geometric set against each set per score, class and seed", () => {
  const runs = [
    run("geometric72", 0, kept({ dirichlet: PERFECT, simple: PERFECT })),
    run("blur", 0, kept({ dirichlet: POOR, simple: POOR })),
    run("blur", 0, kept({ dirichlet: PERFECT, simple: PERFECT })), // a duplicate: the first counts
    run("rot4", 0, kept({ dirichlet: NEARLY })), // one score only: paired on it
    run("geometric72", 1, kept({ dirichlet: PERFECT, simple: PERFECT })),
    run("blur", 1), // no kept scores
    run("rot4", 1, kept({ dirichlet: NEARLY }, "other images")),
    run("noise", 2, kept({ dirichlet: POOR })), // no geometric run of seed 2: nothing
  ];
  const p = pairedSets(runs, "geometric72", ["dirichlet", "simple"])!;
  assert.equal(p.geometric, "geometric72");
  assert.deepEqual(
    p.pairs.map((x) => [x.transforms, x.score, x.seed]),
    [["blur", "dirichlet", 0], ["blur", "simple", 0], ["rot4", "dirichlet", 0]],
  );
  const blur = comparePaired(PERFECT, POOR, LABELS);
  assert.deepEqual([p.pairs[0]!.diff, p.pairs[0]!.se, p.pairs[0]!.p], [blur.diff, blur.se, blur.p]);
  assert.ok(p.pairs[0]!.diff > 0.3 && p.pairs[0]!.p < 0.05);
  assert.deepEqual(p.unpaired.map((u) => [u.transforms, u.seed]), [["blur", 1], ["rot4", 1]]);
  assert.equal(p.unpaired[0]!.why, "blur: no kept scores");
  assert.match(p.unpaired[1]!.why, /scored different test images/);

  const text = pairedSetsStatements(p, ["dirichlet", "simple"], ["geometric72", "rot4", "blur"]);
  assert.equal(text.length, 3);
  assert.match(
    text[0]!,
    /^geometric72 against each set on the same test images \(dirichlet score; .*after Holm's correction over the score's 2 tests; its error is the test set's only, training seeds vary beyond it\): rot4: above in 0 of 1, below in 0 \(Holm: 0 and 0\); blur: above in 1 of 1, below in 0 \(Holm: 1 and 0\)\.$/,
  );
  assert.match(
    text[1]!,
    /\(simple score; .*\): blur: above in 1 of 1, below in 0 \(Holm: 1 and 0\)\.$/,
  );
  // Holm within each score: dirichlet has 2 tests (rot4, blur), simple 1 (blur)
  const dir = p.pairs.filter((x) => x.score === "dirichlet");
  const adj = holm(dir.map((x) => x.p));
  assert.deepEqual(dir.map((x) => x.pHolm), adj);
  assert.equal(
    p.pairs.find((x) => x.score === "simple")!.pHolm,
    p.pairs.find((x) => x.score === "simple")!.p,
  );
  assert.match(text[2]!, /^2 runs of other sets not paired with geometric72 \(no kept scores/);
});

Deno.test("pairedSets() is undefined when no run kept its scores; says when none pairs", () => {
  assert.equal(
    pairedSets([run("geometric72", 0), run("blur", 0)], "geometric72", ["x"]),
    undefined,
  );
  // No geometric run (e.g. --transforms without it): nothing paired, and a sentence says so.
  const p = pairedSets([run("blur", 0, kept({ x: POOR }))], "geometric72", ["x"])!;
  assert.deepEqual([p.pairs, p.unpaired], [[], []]);
  assert.deepEqual(pairedSetsStatements(p, ["x"], ["blur"]), [
    "No paired tests against geometric72: no run of another set has a geometric72 run of the " +
    "same class and seed with kept scores.",
  ]);
});
