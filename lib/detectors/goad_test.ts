import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { initBackend } from "../backend/mod.ts";
import { loadOneVsRest } from "../data/mod.ts";
import { evaluate } from "../metrics/mod.ts";
import { type EpsFloorReach, epsFloorReach, goadScore } from "../scores/goad_score.ts";
import { UsageError } from "../util/errors.ts";
import { GOAD_SCORES, GoadDetector, type GoadScoreName, parseGoadScores } from "./goad.ts";
import { DEFAULT_MARGIN, type GoadConfig, goadPreset, resolveMargin } from "./goad_presets.ts";
import { testDeepDetector } from "./testing.ts";

Deno.test("goadPreset('paper') is the official code's schedule on GEOM's engine", () => {
  const p = goadPreset("paper");
  assert.equal(p.model, "wrn-10-4");
  assert.equal(p.transforms, "geometric72");
  assert.equal(p.epochs, 16);
  assert.equal(p.imagesPerBatch * 72, 288);
  assert.equal(p.lr, 1e-3);
  assert.equal(p.lambda, 0.1);
  assert.equal(p.featurePenalty, 10);
  assert.equal(p.weightDecay, false);
  assert.equal(p.margin, "paper");
  assert.equal(p.trainLimit, undefined);
  assert.equal(p.testLimit, undefined);
  assert.throws(() => goadPreset("fast"), UsageError);
  const q = goadPreset("quick");
  assert.equal(q.epochs * 1000 * 72, 72000); // GEOM quick's pairs
});

Deno.test("resolveMargin: the paper's margin per dataset", () => {
  assert.equal(resolveMargin("paper", "cifar10"), 0.1);
  assert.equal(resolveMargin("paper", "fashion-mnist"), 1);
  assert.equal(resolveMargin("paper", "mnist"), DEFAULT_MARGIN);
  assert.equal(resolveMargin("paper", undefined), DEFAULT_MARGIN);
  assert.equal(resolveMargin(0.5, "cifar10"), 0.5);
});

Deno.test("parseGoadScores accepts known names only", () => {
  assert.deepEqual(parseGoadScores(undefined), [...GOAD_SCORES]);
  assert.throws(() => parseGoadScores(["dirichlet"]), UsageError);
});

Deno.test("GoadDetector smoke run: reproducible, scores = goadScore on its features, no leaks", async () => {
  await initBackend("wasm");
  const data = await loadOneVsRest("fashion-mnist-sample", 1, { trainLimit: 32, testLimit: 60 });
  // eps = e^-6: a floor at squared distance 6, inside the spread of the smoke network's features.
  const epsilon = Math.exp(-6);
  const config = { ...goadPreset("smoke"), trainLimit: 32, testLimit: 60, scoreEpsilon: epsilon };
  const before = tf.memory().numTensors;
  const run = async () => {
    const d = new GoadDetector({ config });
    await d.fit(data.train, { seed: 3, quiet: true, dataset: "fashion-mnist-sample" });
    const s = await d.scoreAll(data.test);
    const z = await d.predictFeatures(data.test);
    const zTrain = await d.predictFeatures(data.train);
    const centres = d.centres!;
    const state = d.state() as {
      margin: number;
      featureSize: number;
      nTransforms: number;
      epsFloor?: EpsFloorReach;
    };
    d.dispose();
    return { s, z, zTrain, centres, state };
  };
  const a = await run();
  const b = await run();
  assert.equal(tf.memory().numTensors, before, "tensors leaked");
  assert.deepEqual(Object.keys(a.s), [...GOAD_SCORES]);
  for (const name of GOAD_SCORES) {
    assert.deepEqual(a.s[name], b.s[name], `${name} differs between identical runs`);
    assert.equal(a.s[name]!.length, 60);
    assert.ok(a.s[name]!.every(Number.isFinite));
  }
  assert.equal(a.state.margin, 1);
  assert.equal(a.state.nTransforms, 4);
  const shape = { nTransforms: 4, dim: a.state.featureSize, epsilon };
  assert.deepEqual(a.s.goad, goadScore(a.z, a.centres, shape).map((v) => -v));
  // The eps floor's reach, measured on the training features the centres came from.
  const floor = epsFloorReach(a.zTrain, a.centres, shape);
  assert.deepEqual(a.state.epsFloor, floor);
  assert.ok(floor.pairs > 0 && floor.pairs < 1, `floor reaches ${floor.pairs} of the pairs`);
  // Without the eps score there is no floor to record.
  const plain = new GoadDetector({ config, scores: ["goad-eps0"] });
  await plain.fit(data.train, { seed: 3, quiet: true, dataset: "fashion-mnist-sample" });
  assert.equal("epsFloor" in plain.state(), false);
  plain.dispose();
  // Trousers vs the rest: far better than chance even for the tiny network.
  assert.ok(evaluate(a.s.goad!, data.testLabels).auroc > 0.7);
});

// The shared detector checks (the same kit GEOM and every baseline run), on a tiny CNN and rot4.
testDeepDetector({
  name: "goad",
  make: (o = {}) => {
    const { scores, ...config } = o as { scores?: GoadScoreName[] };
    return new GoadDetector({
      config: { ...goadPreset("smoke"), epochs: 3, ...config } as GoadConfig,
      scores,
    });
  },
  badOptions: [{ imagesPerBatch: 0 }, { lr: -1 }, { epochs: 1.5 }, { margin: -1 }],
  fast: { epochs: 1 },
  // GOAD's features separate the kit's synthetic anomalies less well than GEOM's softmax: seed 3
  // gives AUROC 0.69 at 3 epochs (0.69 at 6; 0.70 with 2 images per batch). The floor still
  // fails a negated score (about 0.31); the Fashion-MNIST test above asks for > 0.7.
  minAuroc: 0.6,
});
