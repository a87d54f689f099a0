import assert from "node:assert/strict";
import { syntheticImages, syntheticTest, testDeepDetector, useCpu } from "./testing.ts";
import { AdganDetector } from "./adgan.ts";
import { baselinePreset } from "./baseline_presets.ts";

const small = (o: Record<string, unknown> = {}) =>
  new AdganDetector({
    ...baselinePreset("adgan", "smoke"),
    batchSize: 16,
    stepsPerEpoch: 20,
    lr: 1e-3,
    searchSteps: 3,
    ...o,
  });

testDeepDetector({
  name: "adgan",
  make: small,
  side: 8,
  fast: { stepsPerEpoch: 2 },
  badOptions: [{ criticSteps: 0 }, { gpWeight: -1 }, { zLr: 0 }, { finetuneBatchNorm: "frozen" }, {
    searchSeeds: 0,
  }],
});

Deno.test("AdganDetector: generator fine-tuning lowers the search error; reproducible", {
  sanitizeOps: false,
  sanitizeResources: false,
}, async () => {
  await useCpu();
  const train = syntheticImages(16, { kind: "normal", seed: 3, side: 8 });
  const test = syntheticTest(2, { seed: 50, side: 8 }).x;
  const scores = async (o: Record<string, unknown>) => {
    const d = small({ stepsPerEpoch: 2, ...o });
    await d.fit(train, { seed: 4, quiet: true });
    const s = await d.score(test);
    const st = d.state() as { training: { train: { lossHistory: Record<string, number[]> } } };
    assert.deepEqual(Object.keys(st.training.train.lossHistory), [
      "criticLoss",
      "wasserstein",
      "gradientPenalty",
      "generatorLoss",
    ]);
    d.dispose();
    return s;
  };
  const zOnly = await scores({});
  const tuned = await scores({ finetune: true, finetuneBatchNorm: "moving", genLr: 1e-2 });
  const official = await scores({ finetune: true, finetuneBatchNorm: "batch" });
  assert.deepEqual(await scores({ finetune: true, finetuneBatchNorm: "batch" }), official);
  assert.ok(official.every(Number.isFinite));
  for (let i = 0; i < zOnly.length; i++) {
    assert.ok(tuned[i]! < zOnly[i]!, `image ${i}: fine-tuned ${tuned[i]} >= z-only ${zOnly[i]}`);
  }
});
