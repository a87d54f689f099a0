import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { useCpu } from "../backend/testing.ts";
import { defaultRemapMethod, remapPixels } from "./remap.ts";
import { maxAbsDiff, randomImages } from "./testing.ts";

await useCpu();

Deno.test("defaultRemapMethod uses the JS loop on every host-memory backend, gather elsewhere", () => {
  assert.equal(defaultRemapMethod("cpu"), "js");
  assert.equal(defaultRemapMethod("wasm"), "js");
  assert.equal(defaultRemapMethod("native"), "js");
  assert.equal(defaultRemapMethod("webgl"), "gather");
  assert.equal(defaultRemapMethod("webgpu"), "gather");
  assert.equal(defaultRemapMethod("tensorflow"), "gather");
  assert.equal(defaultRemapMethod(), "js"); // the active backend here is cpu
});

Deno.test("remapPixels: js and gather agree on 1 and 3 channels", () => {
  for (const c of [1, 3]) {
    const x = randomImages([3, 5, 4, c], 7);
    const maps = [0, 1, 2].map((b) => Int32Array.from({ length: 20 }, (_, p) => (p * 7 + b) % 20));
    const js = remapPixels(x, maps, { method: "js" });
    const ga = remapPixels(x, maps, { method: "gather" });
    assert.equal(maxAbsDiff(js, ga), 0);
    const src = x.arraySync();
    const out = js.arraySync();
    const map = maps[2]!;
    assert.deepEqual(out[2]![1]![3], src[2]![Math.floor(map[7]! / 4)]![map[7]! % 4]);
    tf.dispose([x, js, ga]);
  }
});

Deno.test("remapPixels rejects a wrong number of maps or a map of the wrong length", () => {
  const x = randomImages([2, 4, 4, 1], 1);
  assert.throws(() => remapPixels(x, [new Int32Array(16)]), /1 maps for 2 images/);
  assert.throws(
    () => remapPixels(x, [new Int32Array(16), new Int32Array(15)]),
    /map 1 has 15 entries, not 16/,
  );
  x.dispose();
});
