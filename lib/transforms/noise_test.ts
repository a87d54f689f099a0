import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { initBackend } from "../backend/select.ts";
import { gaussianNoise, NOISE_SIGMAS, noiseSet } from "./noise.ts";
import { maxAbsDiff, randomImages } from "./testing.ts";

await initBackend("cpu");

Deno.test("gaussianNoise() is seeded, standard normal, and prefix-stable", () => {
  const a = gaussianNoise(20001, 7);
  assert.deepEqual(gaussianNoise(20001, 7), a);
  assert.notDeepEqual(gaussianNoise(20001, 8), a);
  assert.deepEqual(gaussianNoise(101, 7), a.subarray(0, 101));
  const mean = a.reduce((s, v) => s + v, 0) / a.length;
  const sd = Math.sqrt(a.reduce((s, v) => s + (v - mean) ** 2, 0) / a.length);
  assert.ok(Math.abs(mean) < 0.03 && Math.abs(sd - 1) < 0.03, `mean ${mean} sd ${sd}`);
});

Deno.test("noiseSet: identity at 0, seeded reproducible, sigma as labelled, clipped", () => {
  const set = noiseSet({ height: 16, width: 16 });
  assert.equal(set.stochastic, true);
  assert.deepEqual(set.labels, NOISE_SIGMAS.map((s) => `noise=${s}`));
  const x = tf.zeros([6, 16, 16, 3]) as tf.Tensor4D;
  const t = [0, 1, 2, 3, 4, 5];
  const a = set.apply(x, t, { seed: 11 });
  const b = set.apply(x, t, { seed: 11 });
  const c = set.apply(x, t, { seed: 12 });
  assert.equal(maxAbsDiff(a, b), 0);
  assert.ok(maxAbsDiff(a, c) > 0.1);
  const sds = tf.tidy(() =>
    tf.unstack(a).map((im) => Math.sqrt(tf.moments(im).variance.dataSync()[0]!))
  );
  assert.equal(sds[0], 0);
  for (let i = 1; i < 4; i++) {
    assert.ok(
      Math.abs(sds[i]! / NOISE_SIGMAS[i]! - 1) < 0.1,
      `sd ${sds[i]} for ${NOISE_SIGMAS[i]}`,
    );
  }
  const range = tf.tidy(() => tf.abs(a).max().dataSync()[0]!);
  assert.equal(range, 1);
  tf.dispose([x, a, b, c]);
});

Deno.test("noiseSet: identity at 0 is exact; a mixed batch equals image-wise sigma times one draw", () => {
  const set = noiseSet({ height: 8, width: 8, clip: false });
  const x = randomImages([4, 8, 8, 1], 3);
  const before = tf.memory().numTensors;
  const y = set.apply(x, [0, 5, 0, 2], { seed: 5 });
  assert.equal(tf.memory().numTensors, before + 1);
  const z = gaussianNoise(4 * 64, 5);
  const xv = x.dataSync(), yv = y.dataSync();
  const sig = [0, 0.8, 0, 0.1];
  for (let i = 0; i < yv.length; i++) {
    const s = sig[Math.floor(i / 64)]!;
    assert.ok(Math.abs(yv[i]! - (xv[i]! + s * z[i]!)) < 1e-6);
    if (s === 0) assert.equal(yv[i], xv[i]);
  }
  tf.dispose([x, y]);
});

Deno.test("noiseSet.apply() requires a seed", () => {
  const set = noiseSet({ height: 4, width: 4 });
  const x = tf.zeros([1, 4, 4, 1]) as tf.Tensor4D;
  assert.throws(() => set.apply(x, [1]), /options\.seed is missing/);
  x.dispose();
});
