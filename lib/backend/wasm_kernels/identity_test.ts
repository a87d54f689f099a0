import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { heapTensors, useWasm } from "./testing.ts";

Deno.test("Identity on wasm shares data: the clone survives the original", async () => {
  await useWasm();
  const x = tf.tensor2d([1, 2, 3, 4], [2, 2]);
  const before = heapTensors();
  const y = tf.clone(x);
  assert.equal(heapTensors(), before, "no new heap buffer");
  x.dispose();
  assert.deepEqual(Array.from(y.dataSync()), [1, 2, 3, 4]);
  y.dispose();
  assert.equal(heapTensors(), before - 1, "freed with its last reference");
});
