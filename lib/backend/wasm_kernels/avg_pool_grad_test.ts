import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { assertClose, heapTensors, onCpu, randomValues, useWasm } from "./testing.ts";

type Shape4 = [number, number, number, number];
const CASES: Array<
  { x: Shape4; size: number | [number, number]; strides: number; pad: "same" | "valid" }
> = [
  { x: [2, 8, 8, 5], size: 2, strides: 2, pad: "valid" },
  { x: [2, 9, 7, 3], size: 3, strides: 2, pad: "same" },
  { x: [2, 6, 7, 4], size: 3, strides: 1, pad: "same" },
  { x: [3, 7, 9, 2], size: [2, 3], strides: 2, pad: "valid" },
];

/** dx of sum(avgPool(x) * w), through the AvgPoolGrad kernel of the current backend. */
function poolGrad(x: Float32Array, c: (typeof CASES)[number], w: Float32Array): Float32Array {
  return tf.tidy(() => {
    const xt = tf.tensor4d(x, c.x);
    const f = (z: tf.Tensor) => {
      const y = tf.avgPool(z as tf.Tensor4D, c.size, c.strides, c.pad);
      return tf.sum(tf.mul(y, tf.tensor(w, y.shape)));
    };
    return tf.grad(f)(xt).dataSync() as Float32Array;
  });
}

Deno.test("AvgPoolGrad on wasm matches the cpu kernel, padded and overlapping windows included", async () => {
  await useWasm();
  for (const [i, c] of CASES.entries()) {
    const x = randomValues(c.x, i);
    const yShape = tf.tidy(() =>
      tf.avgPool(tf.zeros<tf.Rank.R4>(c.x), c.size, c.strides, c.pad).shape
    );
    const w = randomValues(yShape, 100 + i);
    const ref = await onCpu(() => poolGrad(x, c, w));
    assertClose(poolGrad(x, c, w), ref, { label: JSON.stringify(c) });
  }
});

Deno.test("AvgPoolGrad on wasm frees every temporary", async () => {
  await useWasm();
  const x = tf.randomNormal([2, 8, 8, 3], 0, 1, "float32", 1) as tf.Tensor4D;
  const g = tf.grad((z: tf.Tensor) => tf.sum(tf.avgPool(z as tf.Tensor4D, 2, 2, "valid")));
  g(x).dispose();
  const before = heapTensors();
  for (let i = 0; i < 3; i++) g(x).dispose();
  assert.equal(heapTensors(), before);
  x.dispose();
});
