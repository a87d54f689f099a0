import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { initBackend } from "../backend/select.ts";
import { rot4 } from "./geometric.ts";
import { rot4NoiseSet } from "./mixed.ts";
import { gaussianNoise } from "./noise.ts";
import { maxAbsDiff, randomImages } from "./testing.ts";

await initBackend("cpu");

Deno.test("rot4NoiseSet: index = 4 * noiseIdx + k, noise level 0 equals rot4", () => {
  const set = rot4NoiseSet({ height: 6, width: 6 });
  assert.equal(set.size, 16);
  assert.equal(set.kind, "mixed");
  assert.deepEqual([0, 1, 5, 15].map((i) => set.labels[i]), [
    "rot=0 noise=0",
    "rot=90 noise=0",
    "rot=90 noise=0.1",
    "rot=270 noise=0.4",
  ]);
  const x = tf.tidy(() => tf.mul(randomImages([4, 6, 6, 2], 1), 0.5)) as tf.Tensor4D;
  const before = tf.memory().numTensors;
  const y = set.apply(x, [0, 1, 2, 3], { seed: 1 });
  const r = rot4({ height: 6, width: 6 }).apply(x, [0, 1, 2, 3]);
  assert.equal(maxAbsDiff(y, r), 0);
  // Rotation first, then noise drawn for the batch in NHWC order.
  const z = gaussianNoise(x.size, 3);
  const y2 = set.apply(x, [13, 13, 13, 13], { seed: 3 });
  const r1 = rot4({ height: 6, width: 6 }).apply(x, [1, 1, 1, 1]);
  const want = tf.tidy(() =>
    tf.clipByValue(tf.add(r1, tf.mul(0.4, tf.tensor4d(z, x.shape))), -1, 1)
  );
  assert.ok(maxAbsDiff(y2, want) < 1e-6);
  tf.dispose([y, r, y2, r1, want]);
  assert.equal(tf.memory().numTensors, before);
  assert.throws(() => set.apply(x, [0, 0, 0, 0]), /seed/);
  x.dispose();
});
