import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { initBackend } from "../backend/select.ts";
import type { Images } from "../data/types.ts";
import { applyAll } from "./apply.ts";
import { geometric72, rot4 } from "./geometric.ts";
import { applyAllImages } from "./images.ts";
import { noiseSet } from "./noise.ts";
import { randomImages } from "./testing.ts";

await initBackend("cpu");

function toImages(x: tf.Tensor4D): Images {
  const [n, height, width, channels] = x.shape;
  return { data: x.dataSync() as Float32Array, n, height, width, channels };
}

Deno.test("applyAllImages() rotates a hand-made image counter-clockwise in [t][image] order", () => {
  // Two 2x2 images: [[0, 1], [2, 3]] and [[4, 5], [6, 7]].
  const images: Images = {
    data: Float32Array.from([0, 1, 2, 3, 4, 5, 6, 7]),
    n: 2,
    height: 2,
    width: 2,
    channels: 1,
  };
  const out = applyAllImages(rot4({ height: 2, width: 2 }), images);
  assert.equal(out.n, 8);
  assert.deepEqual([out.height, out.width, out.channels], [2, 2, 1]);
  assert.deepEqual(Array.from(out.data), [
    ...[0, 1, 2, 3, 4, 5, 6, 7], // t = 0: identity, images 0 and 1
    ...[1, 3, 0, 2, 5, 7, 4, 6], // t = 1: 90 degrees counter-clockwise
    ...[3, 2, 1, 0, 7, 6, 5, 4], // t = 2: 180 degrees
    ...[2, 0, 3, 1, 6, 4, 7, 5], // t = 3: 270 degrees
  ]);
});

Deno.test("applyAllImages() matches applyAll() on tensors and leaves no tensors", () => {
  const set = geometric72({ height: 8, width: 8 });
  const x = randomImages([3, 8, 8, 2], 5);
  const expected = applyAll(set, x);
  const images = toImages(x);
  const before = tf.memory().numTensors;
  const out = applyAllImages(set, images);
  assert.equal(tf.memory().numTensors, before);
  assert.equal(out.n, 72 * 3);
  assert.deepEqual(out.data, expected.dataSync());
  tf.dispose([x, expected]);
});

Deno.test("applyAllImages() draws stochastic sets from the seed", () => {
  const set = noiseSet({ height: 4, width: 4 });
  const x = randomImages([2, 4, 4, 1], 9);
  const images = toImages(x);
  x.dispose();
  const a = applyAllImages(set, images, { seed: 3 });
  const b = applyAllImages(set, images, { seed: 3 });
  const c = applyAllImages(set, images, { seed: 4 });
  assert.deepEqual(a.data, b.data);
  assert.notDeepEqual(a.data, c.data);
  // Index 0 (sigma 0) is the identity.
  assert.deepEqual(a.data.subarray(0, images.data.length), images.data);
});

Deno.test("applyAllImages() rejects images of another size or inconsistent data", () => {
  const set = rot4({ height: 4, width: 4 });
  const wrongSize: Images = { data: new Float32Array(9), n: 1, height: 3, width: 3, channels: 1 };
  assert.throws(() => applyAllImages(set, wrongSize), {
    name: "RangeError",
    message: /Cannot apply transform set 'rot4': images are 3x3, the set expects 4x4/,
  });
  const short: Images = { data: new Float32Array(10), n: 1, height: 4, width: 4, channels: 1 };
  assert.throws(() => applyAllImages(set, short), { name: "RangeError", message: /10 values/ });
});

Deno.test("applyAllImages() returns no images for an empty batch", () => {
  const empty: Images = { data: new Float32Array(0), n: 0, height: 4, width: 4, channels: 3 };
  const out = applyAllImages(rot4({ height: 4, width: 4 }), empty);
  assert.equal(out.n, 0);
  assert.equal(out.data.length, 0);
});
