import assert from "node:assert/strict";
import { syntheticImages, testDeepDetector, useCpu } from "./testing.ts";
import { baselinePreset } from "./baseline_presets.ts";
import { DsebmDetector } from "./dsebm.ts";

const small = (o: Record<string, unknown> = {}) =>
  new DsebmDetector({ ...baselinePreset("dsebm", "smoke"), epochs: 8, batchSize: 16, ...o });

testDeepDetector({
  name: "dsebm",
  make: small,
  badOptions: [{ noiseStd: 0 }, { epochs: 0 }, { lr: -1 }, { filters: [] }, { codeSize: 1.5 }],
});

Deno.test("DsebmDetector: training lowers the denoising score-matching loss", {
  sanitizeOps: false,
  sanitizeResources: false,
}, async () => {
  await useCpu();
  const d = small({ epochs: 6 });
  await d.fit(syntheticImages(32, { kind: "normal", seed: 3 }), { seed: 1, quiet: true });
  const st = d.state() as {
    training: { train: { steps: number; lossHistory: { loss: number[] } } };
  };
  const h = st.training.train.lossHistory.loss;
  assert.equal(st.training.train.steps, 12);
  assert.equal(h.length, 6);
  assert.ok(h[5]! < h[0]!, `loss ${h[0]} -> ${h[5]}`);
  d.dispose();
});
