import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { initBackend } from "../backend/mod.ts";
import { loadOneVsRest } from "../data/mod.ts";
import { evaluate } from "../metrics/mod.ts";
import { rotTransLabels } from "../transforms/rot_trans.ts";
import { UsageError } from "../util/errors.ts";
import { ROT_TRANS_SCORES, RotTransDetector, type RotTransScoreName } from "./rot_trans.ts";
import { type RotTransConfig, rotTransEpochs, rotTransPreset } from "./rot_trans_presets.ts";
import { testDeepDetector } from "./testing.ts";

Deno.test("rotTransPreset('paper') is GEOM's network and schedule", () => {
  const p = rotTransPreset("paper");
  assert.equal(p.model, "wrn-10-4");
  assert.equal(rotTransEpochs(p.epochs), 6); // ceil(200 / 36)
  assert.equal(p.batchSize, 128);
  assert.equal(p.lr, 1e-3);
  const q = rotTransPreset("quick");
  assert.equal(rotTransEpochs(q.epochs) * 1000 * 36, 72000); // GEOM quick's pairs
  assert.throws(() => rotTransPreset("fast"), UsageError);
});

Deno.test("RotTransDetector smoke run: reproducible, heads score = sum of true-label probabilities", async () => {
  await initBackend("wasm");
  const data = await loadOneVsRest("fashion-mnist-sample", 1, { trainLimit: 32, testLimit: 60 });
  const config = { ...rotTransPreset("smoke"), trainLimit: 32, testLimit: 60 };
  const before = tf.memory().numTensors;
  const run = async () => {
    const d = new RotTransDetector({ config });
    await d.fit(data.train, { seed: 3, quiet: true });
    const s = await d.scoreAll(data.test);
    const heads = await d.predictHeads(data.test);
    d.dispose();
    return { s, heads };
  };
  const a = await run();
  const b = await run();
  assert.equal(tf.memory().numTensors, before, "tensors leaked");
  assert.deepEqual(Object.keys(a.s), [...ROT_TRANS_SCORES]);
  for (const name of ROT_TRANS_SCORES) {
    assert.deepEqual(a.s[name], b.s[name]);
    assert.equal(a.s[name]!.length, 60);
    assert.ok(a.s[name]!.every(Number.isFinite));
  }
  // Image 0, written out: sum over the 36 transformations of the three heads' true-label
  // probabilities (heads at columns 0-3, 4-6, 7-9).
  let want = 0;
  for (let t = 0; t < 36; t++) {
    const [r, x, y] = rotTransLabels(t);
    const row = t * 10;
    want += a.heads[row + r]! + a.heads[row + 4 + x]! + a.heads[row + 7 + y]!;
  }
  assert.ok(Math.abs(-a.s.heads![0]! - want) < 1e-9);
  // Each head's outputs are a softmax.
  const sums = [a.heads.slice(0, 4), a.heads.slice(4, 7), a.heads.slice(7, 10)]
    .map((h) => h.reduce((p, q) => p + q, 0));
  for (const s of sums) assert.ok(Math.abs(s - 1) < 1e-5);
  assert.ok(evaluate(a.s.heads!, data.testLabels).auroc > 0.6);
});

// The shared detector checks (the same kit GEOM and every baseline run), on a tiny CNN; one epoch
// over the 36 transformations (seed 3 gives AUROC 1.0 on the kit's synthetic task).
testDeepDetector({
  name: "rot-trans",
  make: (o = {}) => {
    const { scores, ...config } = o as { scores?: RotTransScoreName[] };
    return new RotTransDetector({
      config: { ...rotTransPreset("smoke"), epochs: 1, batchSize: 36, ...config } as RotTransConfig,
      scores,
    });
  },
  badOptions: [{ batchSize: 0 }, { lr: -1 }, { epochs: 1.5 }],
  fast: { epochs: 1 },
});
