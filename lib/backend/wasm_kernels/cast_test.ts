import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { heapTensors, onCpu, useWasm } from "./testing.ts";

Deno.test("Cast on wasm shares data for the same dtype", async () => {
  await useWasm();
  const x = tf.tensor1d([1.5, -2.5, 3]);
  const before = heapTensors();
  const same = tf.cast(x, "float32");
  assert.equal(heapTensors(), before);
  x.dispose();
  assert.deepEqual(Array.from(same.dataSync()), [1.5, -2.5, 3]);
  same.dispose();
});

Deno.test("Cast on wasm converts between dtypes like the cpu backend", async () => {
  await useWasm();
  const run = () =>
    tf.tidy(() => {
      const f = tf.tensor1d([1.5, -2.5, 0, 3]);
      const i = tf.tensor1d([2, 0, -1, 7], "int32");
      return [
        tf.cast(f, "int32"),
        tf.cast(f, "bool"),
        tf.cast(i, "bool"),
        tf.cast(i, "float32"),
        tf.cast(tf.cast(i, "bool"), "float32"),
      ].map((t) => [t.dtype, Array.from(t.dataSync())]);
    });
  assert.deepEqual(run(), await onCpu(run));
});
