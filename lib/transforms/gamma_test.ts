import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { initBackend } from "../backend/select.ts";
import { GAMMAS, gammaSet } from "./gamma.ts";
import { maxAbsDiff, randomImages } from "./testing.ts";

await initBackend("cpu");

Deno.test("gammaSet: labels, gamma 1 is the exact identity", () => {
  const set = gammaSet({ height: 8, width: 8 });
  assert.equal(GAMMAS[0], 1);
  assert.deepEqual(set.labels, ["gamma=1", "gamma=0.5", "gamma=0.707", "gamma=1.414", "gamma=2"]);
  const x = randomImages([3, 8, 8, 3], 9);
  const y = set.apply(x, [0, 0, 0]);
  assert.equal(maxAbsDiff(x, y), 0);
  tf.dispose([x, y]);
});

Deno.test("gammaSet: out = 2 ((x+1)/2)^g - 1 per image, endpoints fixed", () => {
  const set = gammaSet({ height: 1, width: 3 });
  const x = tf.tensor4d([-1, 0, 1, -1, 0, 1, -1, 0.5, 1], [3, 1, 3, 1]);
  const before = tf.memory().numTensors;
  const y = set.apply(x, [4, 1, 0]);
  assert.equal(tf.memory().numTensors, before + 1);
  const got = Array.from(y.dataSync());
  const want = [-1, -0.5, 1, -1, 2 * Math.sqrt(0.5) - 1, 1, -1, 0.5, 1];
  for (let i = 0; i < want.length; i++) assert.ok(Math.abs(got[i]! - want[i]!) < 1e-6, `${got}`);
  tf.dispose([x, y]);
  assert.throws(() => gammaSet({ height: 2, width: 2, gammas: [1, 0] }), RangeError);
});
