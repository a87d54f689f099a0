import assert from "node:assert/strict";
import { type PerSeedAurocs, seedPairedDiffs, seedPairedMarkdown } from "./compare_seeds.ts";

const METHODS = [
  { name: "geom", title: "GEOM", primaryScore: "dirichlet" },
  { name: "goad", title: "GOAD", primaryScore: "goad" },
];

/** seed -> [class 0, class 1] AUROCs (undefined: no result). */
function table(rows: Record<number, Array<number | undefined>>): Map<number, Map<number, number>> {
  return new Map(
    Object.entries(rows).map(([seed, v]) => [
      Number(seed),
      new Map(v.flatMap((x, c) => x === undefined ? [] : [[c, x] as [number, number]])),
    ]),
  );
}

Deno.test("seedPairedDiffs() pairs each method with the first seed by seed, per class and mean", () => {
  const perSeed: PerSeedAurocs = new Map([
    ["geom", table({ 0: [0.9, 0.8], 1: [0.92, 0.8], 2: [0.91, 0.8] })],
    // GOAD: +0.02, +0.02, +0.03 on class 0; class 1 missing on seed 2; seed 3 without GEOM
    ["goad", table({ 0: [0.92, 0.7], 1: [0.94, 0.9], 2: [0.94, undefined], 3: [0.5, 0.5] })],
  ]);
  const p = seedPairedDiffs(perSeed, METHODS, [0, 1])!;
  assert.equal(p.vs, "geom");
  const item = (c: number | "mean") => p.items.find((x) => x.normalClass === c)!;
  assert.equal(item(0).diff.n, 3);
  assert.ok(Math.abs(item(0).diff.mean - 0.07 / 3) < 1e-12);
  assert.equal(item(0).resolved, true); // mean 0.0233, SE 0.0033: t = 7 > 4.30 (2 df)
  assert.equal(item(1).diff.n, 2); // -0.1 and +0.1
  assert.ok(Math.abs(item(1).diff.mean) < 1e-12);
  assert.equal(item(1).resolved, false);
  // the class average only over seeds with both classes for both methods: seeds 0 and 1
  assert.equal(item("mean").diff.n, 2);
  assert.ok(Math.abs(item("mean").diff.mean - (-0.04 + 0.06) / 2) < 1e-12);

  const md = seedPairedMarkdown(p, METHODS, { classes: [0, 1], classNames: ["T-shirt", "Trouser"] })
    .join("\n");
  assert.match(md, /^## Against GEOM, paired by seed$/m);
  assert.match(md, /\| T-shirt \(0\) \| \+2\.3 ± 0\.3 \(3 seeds\) \* \|/);
  assert.match(md, /\| Trouser \(1\) \| +\+0\.0 ± 10\.0 \(2 seeds\) \|/);
  assert.match(
    md,
    /- GOAD: above GEOM at p < 0\.05 \(t over seeds\) on 1 of 2 classes, below on 0\./,
  );
});

Deno.test("seedPairedDiffs() is undefined with one seed in common (nothing over seeds to say)", () => {
  const perSeed: PerSeedAurocs = new Map([
    ["geom", table({ 0: [0.9, 0.8], 1: [0.9, 0.8] })],
    ["goad", table({ 0: [0.92, 0.7] })],
  ]);
  assert.equal(seedPairedDiffs(perSeed, METHODS, [0, 1]), undefined);
  assert.equal(seedPairedDiffs(perSeed, METHODS.slice(0, 1), [0, 1]), undefined);
});

Deno.test("seedPairedDiffs() pairs only runs on the same data; a t-test, not 2 SE, marks them", () => {
  const perSeed: PerSeedAurocs = new Map([
    ["geom", table({ 0: [0.9], 1: [0.9], 2: [0.9] })],
    ["goad", table({ 0: [0.92], 1: [0.95], 2: [0.93] })],
  ]);
  // GOAD's seed 1 read other images (another preset's test limit): left out, and listed.
  const key = (m: string, s: number) => m === "goad" && s === 1 ? "other" : "same";
  const p = seedPairedDiffs(perSeed, METHODS, [0], key)!;
  const d = p.items.find((x) => x.normalClass === 0)!;
  assert.equal(d.diff.n, 2); // seeds 0 and 2: +0.02, +0.03
  assert.ok(Math.abs(d.diff.mean - 0.025) < 1e-12);
  // 0.025 / 0.005 = 5 standard errors: beyond 2, but not beyond t(1 df) = 12.7
  assert.equal(d.resolved, false);
  assert.deepEqual(p.unpaired.map((u) => [u.method, u.normalClass, u.seed]), [["goad", 0, 1]]);
  const md = seedPairedMarkdown(p, METHODS, { classes: [0] }).join("\n");
  assert.match(md, /- Not paired by seed: GOAD, class 0, seed 1: other data than geom's run/);
});
