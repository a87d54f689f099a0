import assert from "node:assert/strict";
import { syntheticImages, testDeepDetector, useCpu } from "./testing.ts";
import { baselinePreset } from "./baseline_presets.ts";
import { DeepSvddDetector, guardCenter } from "./deep_svdd.ts";

const small = (o: Record<string, unknown> = {}) =>
  new DeepSvddDetector({
    ...baselinePreset("deep-svdd", "smoke"),
    lr: 1e-3,
    epochs: 6,
    pretrainEpochs: 2,
    batchSize: 16,
    ...o,
  });

testDeepDetector({
  name: "deep-svdd",
  make: small,
  badOptions: [{ centerEps: 0 }, { pretrainEpochs: -1 }, { weightDecay: NaN }, {
    activation: "sigmoid",
  }, { milestone: 0 }],
});

Deno.test("guardCenter() pushes near-zero coordinates to +-eps", () => {
  const c = guardCenter(Float32Array.from([0, 0.05, -0.05, 0.3, -2]), 0.1);
  assert.deepEqual(Array.from(c), [0.1, 0.1, -0.1, 0.3, -2].map(Math.fround));
});

Deno.test("DeepSvddDetector: no bias terms; the centre is guarded; training pulls codes in", {
  sanitizeOps: false,
  sanitizeResources: false,
}, async () => {
  await useCpu();
  const d = small({ pretrainEpochs: 0 });
  const x = syntheticImages(32, { kind: "normal", seed: 3 });
  await d.fit(x, { seed: 2, quiet: true });
  const c = d.center!;
  assert.equal(c.length, 8);
  assert.ok(c.every((v) => Math.abs(v) >= 0.1 * 0.999));
  const st = d.state() as {
    training: { train: { lossHistory: { loss: number[] } }; pretrain?: unknown };
  };
  assert.equal(st.training.pretrain, undefined);
  const h = st.training.train.lossHistory.loss;
  assert.ok(h[h.length - 1]! < h[0]!, `loss ${h[0]} -> ${h[h.length - 1]}`);
  d.dispose();
});
