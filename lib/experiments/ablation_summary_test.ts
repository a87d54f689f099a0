import assert from "node:assert/strict";
import {
  type AblationRecord,
  ablationRecord,
  findCell,
  summarizeAblation,
} from "./ablation_summary.ts";
import { getMethod } from "../detectors/catalogue.ts";
import { fakeResult } from "./testing.ts";

/** AUROC per seed 0, 1, 2 -> records of one set, class and score pair. */
function recs(
  transforms: string,
  normalClass: number,
  dirichlet: number[],
  simple?: number[],
): AblationRecord[] {
  return dirichlet.map((d, seed) => {
    const auroc: Record<string, number> = { dirichlet: d };
    if (simple) auroc.simple = simple[seed]!;
    return { transforms, normalClass, seed, auroc };
  });
}

const RECORDS: AblationRecord[] = [
  ...recs("geometric72", 0, [0.90, 0.92, 0.94], [0.91, 0.93, 0.95]),
  ...recs("geometric72", 1, [0.80, 0.82, 0.84], [0.785, 0.805, 0.825]),
  ...recs("blur", 0, [0.85, 0.86, 0.87], [0.84, 0.85, 0.86]),
  ...recs("blur", 1, [0.83, 0.84, 0.85], [0.82, 0.83, 0.84]),
  ...recs("gamma", 0, [0.70, 0.70, 0.70], [0.75, 0.75, 0.75]),
  ...recs("gamma", 1, [0.60, 0.60, 0.60], [0.65, 0.65, 0.65]),
  // rot4 is geometric (not a rival) and incomplete: seeds 0, 1 of class 0, seed 0 of class 1.
  ...recs("rot4", 0, [0.95, 0.97]),
  ...recs("rot4", 1, [0.90]),
  // A duplicate of (geometric72, class 0, seed 0): ignored, counted.
  { transforms: "geometric72", normalClass: 0, seed: 0, auroc: { dirichlet: 0.1, simple: 0.1 } },
];

const OPTIONS = {
  nonGeometric: ["noise", "blur", "sharpen", "gamma"],
  setOrder: ["geometric72", "rot4", "blur", "gamma"],
  classNames: ["T-shirt", "Trouser"],
};

function close(actual: number | undefined, expected: number, what: string): void {
  assert.ok(actual !== undefined && Math.abs(actual - expected) < 1e-9, `${what}: ${actual}`);
}

Deno.test("summarizeAblation() cells: mean and SEM over seeds, class average per seed", () => {
  const s = summarizeAblation(RECORDS, OPTIONS);
  assert.deepEqual(s.sets, ["geometric72", "rot4", "blur", "gamma"]);
  assert.deepEqual(s.scores, ["dirichlet", "simple"]);
  assert.deepEqual(s.classes, [0, 1]);
  assert.deepEqual(s.seeds, [0, 1, 2]);
  assert.equal(s.duplicates, 1);
  const g0 = findCell(s.cells, "geometric72", "dirichlet", 0)!;
  close(g0.mean, 0.92, "geometric72 class 0 mean");
  close(g0.sem, 0.02 / Math.sqrt(3), "geometric72 class 0 sem");
  const gm = findCell(s.cells, "geometric72", "dirichlet", "mean")!;
  close(gm.mean, 0.87, "geometric72 mean over classes");
  close(gm.sem, 0.02 / Math.sqrt(3), "geometric72 mean sem");
  // rot4: only seed 0 has both classes.
  const rm = findCell(s.cells, "rot4", "dirichlet", "mean")!;
  assert.deepEqual(rm.seeds, [0]);
  close(rm.mean, 0.925, "rot4 mean over classes");
  assert.equal(findCell(s.cells, "rot4", "simple", 0), undefined);
});

Deno.test("summarizeAblation() geometric72 vs the best non-geometric set, per class and mean", () => {
  const s = summarizeAblation(RECORDS, OPTIONS);
  const f = (c: number | "mean") =>
    s.geometricVsNonGeometric.find((x) => x.score === "dirichlet" && x.normalClass === c)!;
  assert.equal(f(0).holds, true);
  assert.equal(f(0).b.name, "blur");
  close(f(0).diff?.mean, 0.06, "class 0 difference");
  assert.equal(f(0).resolved, true);
  assert.equal(f(1).holds, false); // blur 0.84 > geometric72 0.82
  close(f(1).diff?.mean, -0.02, "class 1 difference");
  // -2.0 ± 0.6 over 3 seeds is 3.3 standard errors: beyond 2, short of t(2 df) = 4.30
  assert.equal(f(1).resolved, false);
  assert.equal(f("mean").holds, true);
  close(f("mean").b.mean, 0.85, "blur mean over classes");
  close(f("mean").diff?.mean, 0.02, "mean difference");
  assert.deepEqual(f("mean").rivals.map((r) => r.name), ["blur", "gamma"]);
  // rot4 is geometric: never a rival.
  assert.ok(s.geometricVsNonGeometric.every((x) => x.rivals.every((r) => r.name !== "rot4")));
});

Deno.test("summarizeAblation() dirichlet vs simple, paired by seed", () => {
  const s = summarizeAblation(RECORDS, OPTIONS);
  const f = (set: string, c: number | "mean") =>
    s.dirichletVsSimple.find((x) => x.transforms === set && x.normalClass === c)!;
  assert.equal(f("geometric72", 0).holds, false);
  close(f("geometric72", 0).diff?.mean, -0.01, "class 0");
  assert.equal(f("geometric72", 1).holds, true);
  close(f("geometric72", "mean").diff?.mean, 0.0025, "mean");
  assert.equal(f("geometric72", "mean").holds, true);
  assert.equal(f("gamma", "mean").holds, false);
  assert.equal(s.dirichletVsSimple.some((x) => x.transforms === "rot4"), false);
});

Deno.test("summarizeAblation() statements carry the numbers", () => {
  const st = summarizeAblation(RECORDS, OPTIONS).statements;
  assert.equal(st.length, 4); // 2 scores + dirichlet vs simple + all cells
  assert.match(
    st[0]!,
    /^Does geometric72 beat every non-geometric set \(dirichlet score\)\? YES: geometric72 87\.0 ± 1\.2 vs the best non-geometric set blur 85\.0 ± 0\.6 \(mean over classes\), paired difference \+2\.0 ± 0\.6 over 3 seeds \(not resolved by a paired t-test over seeds\)\./,
  ); // 3.3 standard errors: beyond 2, short of t(2 df) = 4.3
  assert.match(
    st[0]!,
    /Per class: yes in 1 of 2 \(resolved by the t-test in 1\): class 0 \(T-shirt\) yes \(\+6\.0 ± 0\.6 vs blur\); class 1 \(Trouser\) no, not resolved \(-2\.0 ± 0\.6 vs blur\)\./,
  );
  assert.match(
    st[2]!,
    /^Does dirichlet beat simple \(with geometric72\)\? YES: dirichlet 87\.0 ± 1\.2 vs simple 86\.8 ± 1\.2/,
  );
  assert.match(
    st[2]!,
    /Per class: yes in 1 of 2 \(resolved by the t-test in 1\): class 0 \(T-shirt\) no \(-1\.0 ± 0\.0\); class 1 \(Trouser\) yes \(\+1\.5 ± 0\.0\)/,
  );
  assert.match(
    st[3]!,
    /dirichlet is higher than simple in 3 of 6 cells .*averaged over classes, in 2 of 3 sets/,
  );
});

Deno.test("summarizeAblation() says when it cannot tell", () => {
  const s = summarizeAblation(recs("blur", 0, [0.8, 0.9]), OPTIONS);
  assert.match(s.statements[0]!, /Cannot tell: no results for geometric72/);
  assert.match(s.statements[1]!, /Does dirichlet beat simple\? Cannot tell/);
  const one = summarizeAblation([
    ...recs("geometric72", 0, [0.9], [0.8]),
    ...recs("noise", 0, [0.7]),
  ], OPTIONS);
  assert.match(one.statements[0]!, /over 1 seed \(one seed: no spread\)/);
});

Deno.test("ablationRecord() reads transforms and AUROCs of a result", () => {
  const plan = getMethod("geom").plan("smoke", { transforms: "blur" });
  const r = ablationRecord(
    fakeResult(plan, { dataset: "d", normalClass: 3, seed: 2, auroc: { dirichlet: 0.7 } }),
  );
  assert.deepEqual(r, { transforms: "blur", normalClass: 3, seed: 2, auroc: { dirichlet: 0.7 } });
});

Deno.test("summarizeAblation() says when the t-test over seeds does not resolve a per-class win", () => {
  const records = [
    ...recs("geometric72", 0, [0.90, 0.86, 0.88]),
    ...recs("blur", 0, [0.85, 0.88, 0.86]), // paired differences +5, -2, +2
  ];
  const st = summarizeAblation(records, OPTIONS).statements[0]!;
  assert.match(
    st,
    /Per class: yes in 1 of 1 \(resolved by the t-test in 0\): class 0 \(T-shirt\) yes, not resolved \(\+1\.7 ± 2\.0 vs blur\)\./,
  );
});

Deno.test("summarizeAblation() counts the runs whose own paired test resolves the score pair", () => {
  const d = (diff: number, p: number, score = "dirichlet") => ({ score, diff, se: 0.01, p });
  const records: AblationRecord[] = [
    // simple - dirichlet per run: dirichlet higher (resolved), lower (resolved), unresolved
    { ...recs("geometric72", 0, [0.9], [0.8])[0]!, paired: { simple: d(-0.1, 0.001) } },
    { ...recs("geometric72", 1, [0.8], [0.9])[0]!, paired: { simple: d(0.1, 0.01) } },
    { ...recs("blur", 0, [0.8], [0.81])[0]!, paired: { simple: d(0.01, 0.4) } },
    // the pair the other way round (simple first): dirichlet - simple
    { ...recs("blur", 1, [0.9], [0.8])[0]!, paired: { dirichlet: d(0.1, 0.02, "simple") } },
    // a duplicate counts once, a record without the test not at all
    { ...recs("geometric72", 0, [0.1], [0.9])[0]!, paired: { simple: d(0.8, 0) } },
    ...recs("gamma", 0, [0.7], [0.75]),
  ];
  const s = summarizeAblation(records, OPTIONS);
  assert.deepEqual(s.pairedTests, { runs: 4, higher: 2, lower: 1 });
  assert.ok(
    s.statements.includes(
      "Each run on its own test images (DeLong's paired test, p < 0.05): dirichlet is higher " +
        "than simple in 2 and lower in 1 of 4 runs.",
    ),
    s.statements.join("\n"),
  );
  assert.equal(summarizeAblation(RECORDS, OPTIONS).pairedTests, undefined, "older records");
  assert.ok(!summarizeAblation(RECORDS, OPTIONS).statements.some((x) => x.includes("DeLong")));
});

Deno.test("ablationRecord() keeps each score's paired test against the first", () => {
  const plan = getMethod("geom").plan("smoke");
  const base = fakeResult(plan, {
    dataset: "d",
    normalClass: 0,
    seed: 0,
    auroc: { dirichlet: 0.7, simple: 0.6 },
  });
  const vsFirst = { score: "dirichlet", diff: -0.1, se: 0.02, p: 0.001 };
  const r = ablationRecord({
    ...base,
    metrics: { ...base.metrics, simple: { ...base.metrics.simple!, vsFirst } },
  });
  assert.deepEqual(r.paired, { simple: vsFirst });
});
