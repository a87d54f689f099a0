import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { initBackend } from "../backend/select.ts";
import { buildModel } from "./build.ts";
import { buildMultiHead, outputWidth, withFeatures } from "./multi_head.ts";

await initBackend("cpu");

Deno.test("withFeatures: WRN-10-4's feature is the 256-d pooled vector, weights shared", () => {
  const before = tf.memory().numTensors;
  const base = buildModel("wrn-10-4", { inputShape: [32, 32, 3], nClasses: 72, seed: 1 });
  const m = withFeatures(base);
  assert.equal(outputWidth(m, 0), 256);
  assert.equal(outputWidth(m, 1), 72);
  assert.equal(m.countParams(), base.countParams());
  const x = tf.randomUniform([2, 32, 32, 3], -1, 1, "float32", 4);
  const [z, p] = m.predict(x) as tf.Tensor[];
  const direct = base.predict(x) as tf.Tensor;
  assert.deepEqual(Array.from(p!.dataSync()), Array.from(direct.dataSync()));
  assert.deepEqual(z!.shape, [2, 256]);
  tf.dispose([x, z!, p!, direct]);
  m.dispose();
  assert.equal(tf.memory().numTensors, before);
});

Deno.test("buildMultiHead: three softmax heads concatenated, seeded, nothing left over", () => {
  const before = tf.memory().numTensors;
  const build = () =>
    buildMultiHead("tiny-cnn", { inputShape: [16, 16, 1], heads: [4, 3, 3], seed: 2 });
  const m = build(), m2 = build();
  assert.equal(outputWidth(m), 10);
  const x = tf.randomUniform([3, 16, 16, 1], -1, 1, "float32", 5);
  const y = m.predict(x) as tf.Tensor, y2 = m2.predict(x) as tf.Tensor;
  const v = y.arraySync() as number[][];
  for (const row of v) {
    for (const [a, b] of [[0, 4], [4, 7], [7, 10]]) {
      assert.ok(Math.abs(row.slice(a, b).reduce((s, q) => s + q, 0) - 1) < 1e-5);
    }
  }
  assert.deepEqual(Array.from(y.dataSync()), Array.from(y2.dataSync()));
  tf.dispose([x, y, y2]);
  m.dispose();
  m2.dispose();
  assert.equal(tf.memory().numTensors, before);
  assert.throws(() => buildMultiHead("tiny-cnn", { inputShape: [16, 16, 1], heads: [1] }));
});
