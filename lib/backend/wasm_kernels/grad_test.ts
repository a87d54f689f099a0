import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { assertClose, heapTensors, onCpu, randomValues, useWasm } from "./testing.ts";

/** Parameter shapes of a small conv + BatchNorm net (3x3 s1, 3x3 s2, 1x1, dense). */
const PARAMS: Record<string, number[]> = {
  w1: [3, 3, 3, 8],
  g1: [8],
  b1: [8],
  w2: [3, 3, 8, 16],
  g2: [16],
  b2: [16],
  w3: [1, 1, 16, 12],
  wd: [12, 5],
  bd: [5],
};
const X_SHAPE = [4, 12, 10, 3];

function batchNorm(x: tf.Tensor4D, gamma: tf.Tensor, beta: tf.Tensor): tf.Tensor4D {
  const { mean, variance } = tf.moments(x, [0, 1, 2]);
  return tf.batchNorm(x, mean, variance, beta, gamma, 1e-3) as tf.Tensor4D;
}

/** Softmax cross-entropy of the net on (x, labels). */
function loss(v: Record<string, tf.Tensor>, x: tf.Tensor4D, labels: tf.Tensor2D): tf.Scalar {
  let h = tf.conv2d(x, v.w1 as tf.Tensor4D, 1, "same");
  h = tf.relu(batchNorm(h, v.g1!, v.b1!));
  h = tf.conv2d(h, v.w2 as tf.Tensor4D, 2, "same");
  h = tf.relu(batchNorm(h, v.g2!, v.b2!));
  h = tf.maxPool(h, 2, 2, "same");
  h = tf.conv2d(h, v.w3 as tf.Tensor4D, 1, "valid");
  const pooled = tf.mean(h, [1, 2]) as tf.Tensor2D;
  const logits = tf.add(tf.matMul(pooled, v.wd as tf.Tensor2D), v.bd!);
  return tf.losses.softmaxCrossEntropy(labels, logits) as tf.Scalar;
}

/** Initial parameter values (seeded), BN scales near 1. */
function initialValues(): Record<string, Float32Array> {
  const out: Record<string, Float32Array> = {};
  Object.entries(PARAMS).forEach(([name, shape], i) => {
    const v = randomValues(shape, 100 + i);
    out[name] = name.startsWith("g") ? v.map((u) => 1 + 0.1 * u) : v.map((u) => 0.3 * u);
  });
  return out;
}

/** Loss and gradients of every parameter, via tf.variableGrads on the current backend. */
function lossAndGrads(init: Record<string, Float32Array>, xv: Float32Array, lv: number[]) {
  const vars: Record<string, tf.Variable> = {};
  for (const [name, shape] of Object.entries(PARAMS)) {
    vars[name] = tf.variable(tf.tensor(init[name]!, shape), true, `${name}_${tf.getBackend()}`);
  }
  const x = tf.tensor4d(xv, X_SHAPE as [number, number, number, number]);
  const labels = tf.oneHot(tf.tensor1d(lv, "int32"), 5) as tf.Tensor2D;
  const { value, grads } = tf.variableGrads(() => loss(vars, x, labels));
  const result = {
    loss: value.dataSync()[0]!,
    grads: Object.fromEntries(
      Object.keys(PARAMS).map((n) => [n, Float32Array.from(grads[vars[n]!.name]!.dataSync())]),
    ),
  };
  tf.dispose([value, x, labels, ...Object.values(grads), ...Object.values(vars)]);
  return result;
}

Deno.test("tf.variableGrads of a conv+BN net on wasm equals the cpu gradients", async () => {
  await useWasm();
  const init = initialValues();
  const xv = randomValues(X_SHAPE, 7);
  const labels = [0, 3, 1, 4];
  const ref = await onCpu(() => lossAndGrads(init, xv, labels));
  const got = lossAndGrads(init, xv, labels);
  assertClose([got.loss], [ref.loss], { label: "loss" });
  for (const name of Object.keys(PARAMS)) {
    assertClose(got.grads[name]!, ref.grads[name]!, { label: `d loss / d ${name}` });
  }
});

Deno.test("repeated gradient steps on wasm leak no tensors", async () => {
  await useWasm();
  const init = initialValues();
  const vars: Record<string, tf.Variable> = {};
  for (const [name, shape] of Object.entries(PARAMS)) {
    vars[name] = tf.variable(tf.tensor(init[name]!, shape), true, `${name}_leak`);
  }
  const x = tf.tensor4d(randomValues(X_SHAPE, 7), X_SHAPE as [number, number, number, number]);
  const labels = tf.oneHot(tf.tensor1d([0, 3, 1, 4], "int32"), 5) as tf.Tensor2D;
  const optimizer = tf.train.adam(1e-3);
  const step = () => optimizer.minimize(() => loss(vars, x, labels), false);
  step();
  step();
  const tensors = tf.memory().numTensors;
  const heap = heapTensors();
  for (let i = 0; i < 4; i++) step();
  assert.equal(tf.memory().numTensors, tensors);
  assert.equal(heapTensors(), heap);
  optimizer.dispose();
  tf.dispose([x, labels, ...Object.values(vars)]);
});

/** d loss / d x (the input images) through tf.grad on the current backend. */
function inputGrad(init: Record<string, Float32Array>, xv: Float32Array, lv: number[]) {
  return tf.tidy(() => {
    const v: Record<string, tf.Tensor> = {};
    for (const [name, shape] of Object.entries(PARAMS)) v[name] = tf.tensor(init[name]!, shape);
    const labels = tf.oneHot(tf.tensor1d(lv, "int32"), 5) as tf.Tensor2D;
    const x = tf.tensor4d(xv, X_SHAPE as [number, number, number, number]);
    const g = tf.grad((xx: tf.Tensor) => loss(v, xx as tf.Tensor4D, labels))(x);
    return Float32Array.from(g.dataSync());
  });
}

Deno.test("tf.grad of the conv+BN net's loss with respect to its input equals cpu's", async () => {
  await useWasm();
  const init = initialValues();
  const xv = randomValues(X_SHAPE, 8);
  const labels = [4, 2, 0, 1];
  const ref = await onCpu(() => inputGrad(init, xv, labels));
  assertClose(inputGrad(init, xv, labels), ref, { label: "d loss / d x" });
});
