import assert from "node:assert/strict";
import { initBackend } from "../backend/mod.ts";
import { loadOneVsRest } from "../data/mod.ts";
import { evaluate } from "../metrics/mod.ts";
import { UsageError } from "../util/errors.ts";
import { GEOM_SCORES, GeomDetector, type GeomScoreName, parseGeomScores } from "./geom.ts";
import { type GeomConfig, geomPreset, resolveEpochs } from "./geom_presets.ts";
import { testDeepDetector } from "./testing.ts";

Deno.test("geomPreset('paper') equals docs/protocol.md's protocol and hyperparameters", () => {
  const p = geomPreset("paper");
  assert.equal(p.model, "wrn-10-4");
  assert.equal(p.transforms, "geometric72");
  assert.equal(resolveEpochs(p.epochs, 72), 3); // ceil(200 / 72)
  assert.equal(p.batchSize, 128);
  assert.equal(p.lr, 1e-3);
  assert.deepEqual(p.betas, [0.9, 0.999]);
  // the official code logs the raw float32 softmax: floor exact zeros only, no renormalising
  assert.equal(p.dirichletClamp, 2 ** -149);
  assert.equal(p.dirichletRenormalise, false);
  assert.equal(p.dirichletFloorCheck, true);
  assert.equal(p.trainLimit, undefined); // all normal training images
  assert.equal(p.testLimit, undefined); // the full test split
});

Deno.test("quick and smoke presets keep the 1e-10 renormalised floor", () => {
  for (const name of ["quick", "smoke"]) {
    const p = geomPreset(name);
    assert.equal(p.dirichletClamp, 1e-10);
    assert.equal(p.dirichletRenormalise, true);
    assert.equal(p.dirichletFloorCheck, false);
  }
});

Deno.test("geomPreset() rejects unknown presets and returns independent copies", () => {
  assert.throws(() => geomPreset("fast"), UsageError);
  const a = geomPreset("quick");
  a.betas[0] = 0;
  assert.equal(geomPreset("quick").betas[0], 0.9);
});

Deno.test("parseGeomScores() accepts known names and rejects others", () => {
  assert.deepEqual(parseGeomScores(undefined), [...GEOM_SCORES]);
  assert.deepEqual(parseGeomScores(["simple"]), ["simple"]);
  assert.throws(() => parseGeomScores(["dirichlet", "median"]), UsageError);
});

Deno.test("GeomDetector smoke run is reproducible and separates classes on the sample", async () => {
  await initBackend("wasm");
  const data = await loadOneVsRest("fashion-mnist-sample", 1, { trainLimit: 32, testLimit: 60 });
  const config = { ...geomPreset("smoke"), trainLimit: 32, testLimit: 60 };
  const run = async () => {
    const d = new GeomDetector({ config });
    await d.fit(data.train, { seed: 3, quiet: true });
    const s = await d.scoreAll(data.test);
    const state = d.state();
    d.dispose();
    return { s, state };
  };
  const a = await run();
  const b = await run();
  assert.deepEqual(Object.keys(a.s), [...GEOM_SCORES]);
  for (const name of GEOM_SCORES) {
    assert.deepEqual(a.s[name], b.s[name], `${name} differs between identical runs`);
    assert.equal(a.s[name]!.length, 60);
    assert.ok(a.s[name]!.every(Number.isFinite));
  }
  // Trousers vs the rest: even a tiny rot4 model does far better than chance.
  assert.ok(evaluate(a.s.dirichlet!, data.testLabels).auroc > 0.7);
  assert.equal(a.state.nTransforms, 4);
});

Deno.test("GeomDetector with the floor check adds dirichlet-1e-10 and the share of tiny softmax", async () => {
  await initBackend("wasm");
  const data = await loadOneVsRest("fashion-mnist-sample", 1, { trainLimit: 32, testLimit: 60 });
  const base = { ...geomPreset("smoke"), trainLimit: 32, testLimit: 60 };
  const official = {
    ...base,
    dirichletClamp: 2 ** -149,
    dirichletRenormalise: false,
    dirichletFloorCheck: true,
  };
  const d = new GeomDetector({ config: official });
  await d.fit(data.train, { seed: 3, quiet: true });
  const s = await d.scoreAll(data.test);
  const state = d.state() as { softmaxBelow1e10?: { train?: number; test?: number } };
  d.dispose();
  assert.deepEqual(Object.keys(s), [...GEOM_SCORES, "dirichlet-1e-10"]);
  const below = state.softmaxBelow1e10!;
  for (const v of [below.train!, below.test!]) assert.ok(v >= 0 && v <= 1, `${v}`);
  // the check score is exactly what the quick/smoke floor gives on the same model
  const robust = new GeomDetector({ config: base });
  await robust.fit(data.train, { seed: 3, quiet: true });
  const r = await robust.scoreAll(data.test);
  robust.dispose();
  assert.deepEqual(s["dirichlet-1e-10"], r.dirichlet);
  assert.deepEqual(s.simple, r.simple);
});

// The shared detector checks (the same kit every baseline runs), on a tiny CNN and rot4.
testDeepDetector({
  name: "geom",
  make: (o = {}) => {
    const { scores, ...config } = o as { scores?: GeomScoreName[] };
    return new GeomDetector({
      config: { ...geomPreset("smoke"), epochs: 3, batchSize: 16, ...config } as GeomConfig,
      scores,
    });
  },
  badOptions: [{ batchSize: 0 }, { lr: -1 }, { epochs: 1.5 }],
  fast: { epochs: 1 },
});
