import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { syntheticImages, testDeepDetector, useCpu } from "./testing.ts";
import { baselinePreset } from "./baseline_presets.ts";
import { DagmmDetector, dagmmFeatures } from "./dagmm.ts";

const small = (o: Record<string, unknown> = {}) =>
  new DagmmDetector({ ...baselinePreset("dagmm", "smoke"), epochs: 8, batchSize: 16, ...o });

testDeepDetector({
  name: "dagmm",
  make: small,
  badOptions: [{ dropout: 1 }, { nComponents: 0 }, { covJitter: 0 }, { lambdaEnergy: -1 }, {
    estimationHidden: [],
  }],
});

Deno.test("dagmmFeatures(): code, relative Euclidean error, cosine similarity", async () => {
  await useCpu();
  const x = tf.tensor4d([3, 4, 0, 1], [2, 2, 1, 1]);
  const rec = tf.tensor4d([3, 4, 0, -1], [2, 2, 1, 1]);
  const code = tf.tensor2d([[7], [8]]);
  const f = dagmmFeatures(x, rec, code).arraySync();
  assert.equal(f[0]![0], 7);
  assert.ok(Math.abs(f[0]![1]! - Math.sqrt(1e-12)) < 1e-9, "exact reconstruction -> floor");
  assert.ok(Math.abs(f[0]![2]! - 1) < 1e-6);
  assert.ok(Math.abs(f[1]![1]! - 2) < 1e-6, "|x - x'| / |x| = 2 / 1");
  assert.ok(Math.abs(f[1]![2]! + 1) < 1e-6, "opposite vectors");
});

Deno.test("DagmmDetector: state holds the train-set mixture; loss parts are recorded", {
  sanitizeOps: false,
  sanitizeResources: false,
}, async () => {
  await useCpu();
  const d = small({ epochs: 2 });
  await d.fit(syntheticImages(32, { kind: "normal", seed: 3 }), { seed: 1, quiet: true });
  const st = d.state() as {
    mixture: { phi: number[]; mu: number[][]; sigmaDiagonal: number[][] };
    training: { train: { lossHistory: Record<string, number[]> } };
  };
  assert.equal(st.mixture.phi.length, 3);
  assert.ok(Math.abs(st.mixture.phi.reduce((a, b) => a + b, 0) - 1) < 1e-5);
  assert.equal(st.mixture.mu[0]!.length, 5 + 2);
  assert.ok(st.mixture.sigmaDiagonal.flat().every((v) => v >= 1e-3 * 0.999));
  assert.deepEqual(Object.keys(st.training.train.lossHistory), [
    "loss",
    "mse",
    "energy",
    "covPenalty",
  ]);
  d.dispose();
});
