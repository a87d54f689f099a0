import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { assertClose, heapTensors, onCpu, randomValues, useWasm } from "./testing.ts";

type Shape4 = [number, number, number, number];
type Case = { x: Shape4; size: number | [number, number]; strides: number; pad: "same" | "valid" };
const CASES: Case[] = [
  { x: [2, 8, 8, 5], size: 2, strides: 2, pad: "valid" },
  { x: [2, 9, 7, 3], size: 3, strides: 2, pad: "same" },
  { x: [2, 6, 7, 4], size: 3, strides: 1, pad: "same" },
  { x: [3, 7, 9, 2], size: [2, 3], strides: 2, pad: "valid" },
];

const POOLS = { MaxPoolGrad: tf.maxPool, AvgPoolGrad: tf.avgPool };
type Kernel = keyof typeof POOLS;

function pool(kernel: Kernel, z: tf.Tensor, c: Case): tf.Tensor4D {
  return POOLS[kernel](z as tf.Tensor4D, c.size, c.strides, c.pad);
}

/** dx of sum(pool(x) * w), through the pooling gradient kernel of the current backend. */
function poolGrad(kernel: Kernel, x: Float32Array, c: Case, w: Float32Array): Float32Array {
  return tf.tidy(() => {
    const f = (z: tf.Tensor) => {
      const y = pool(kernel, z, c);
      return tf.sum(tf.mul(y, tf.tensor(w, y.shape)));
    };
    return tf.grad(f)(tf.tensor4d(x, c.x)).dataSync() as Float32Array;
  });
}

/** Random weights of the pooled shape of case `c`. */
function outputWeights(kernel: Kernel, c: Case, seed: number): Float32Array {
  return randomValues(tf.tidy(() => pool(kernel, tf.zeros(c.x), c).shape), seed);
}

for (const kernel of Object.keys(POOLS) as Kernel[]) {
  Deno.test(`${kernel} on wasm matches the cpu kernel, padded and overlapping windows included`, async () => {
    await useWasm();
    for (const [i, c] of CASES.entries()) {
      const x = randomValues(c.x, i);
      const w = outputWeights(kernel, c, 100 + i);
      const ref = await onCpu(() => poolGrad(kernel, x, c, w));
      assertClose(poolGrad(kernel, x, c, w), ref, { label: JSON.stringify(c) });
    }
  });

  Deno.test(`${kernel} on wasm frees every temporary`, async () => {
    await useWasm();
    const x = tf.randomNormal([2, 8, 8, 3], 0, 1, "float32", 1) as tf.Tensor4D;
    const g = tf.grad((z: tf.Tensor) => tf.sum(pool(kernel, z, CASES[0]!)));
    g(x).dispose();
    const before = heapTensors();
    for (let i = 0; i < 3; i++) g(x).dispose();
    assert.equal(heapTensors(), before);
    x.dispose();
  });
}

Deno.test("MaxPoolGrad on wasm breaks ties like the cpu kernel (first maximum)", async () => {
  await useWasm();
  const c = CASES[1]!;
  const x = new Float32Array(c.x.reduce((a, b) => a * b, 1)).fill(1);
  const w = outputWeights("MaxPoolGrad", c, 7);
  const ref = await onCpu(() => poolGrad("MaxPoolGrad", x, c, w));
  assertClose(poolGrad("MaxPoolGrad", x, c, w), ref, { rtol: 0 });
});
