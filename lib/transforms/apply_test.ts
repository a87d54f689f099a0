import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { initBackend } from "../backend/select.ts";
import { applyAll, applyOne } from "./apply.ts";
import { geometric72 } from "./geometric.ts";
import { noiseSet } from "./noise.ts";
import { maxAbsDiff, randomImages } from "./testing.ts";

await initBackend("cpu");

Deno.test("applyOne() applies one transformation to every image", () => {
  const set = geometric72({ height: 8, width: 8 });
  const x = randomImages([3, 8, 8, 2], 1);
  const a = applyOne(set, x, { t: 41 });
  const b = set.apply(x, [41, 41, 41]);
  assert.equal(maxAbsDiff(a, b), 0);
  tf.dispose([x, a, b]);
});

Deno.test("applyAll() returns every transformation in [t][image] order without leaks", () => {
  const set = geometric72({ height: 8, width: 8 });
  const x = randomImages([3, 8, 8, 2], 2);
  const before = tf.memory().numTensors;
  const all = applyAll(set, x);
  assert.equal(tf.memory().numTensors, before + 1);
  assert.deepEqual(all.shape, [72 * 3, 8, 8, 2]);
  for (const t of [0, 1, 36, 71]) {
    const d = tf.tidy(() =>
      maxAbsDiff(tf.slice(all, [t * 3, 0, 0, 0], [3, 8, 8, 2]), applyOne(set, x, { t }))
    );
    assert.equal(d, 0, `block ${t}`);
  }
  all.dispose();
  x.dispose();
});

Deno.test("applyAll() on a stochastic set is reproducible with a seed", () => {
  const set = noiseSet({ height: 4, width: 4 });
  const x = tf.zeros([2, 4, 4, 1]) as tf.Tensor4D;
  const a = applyAll(set, x, { seed: 3 });
  const b = applyAll(set, x, { seed: 3 });
  assert.equal(maxAbsDiff(a, b), 0);
  const first = tf.tidy(() => tf.abs(tf.slice(a, 0, 2)).max().dataSync()[0]);
  assert.equal(first, 0);
  assert.throws(() => applyAll(set, x), /seed/);
  tf.dispose([x, a, b]);
});
