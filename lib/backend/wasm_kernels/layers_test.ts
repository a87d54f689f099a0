import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { assertClose, heapTensors, onCpu, randomValues, useWasm } from "./testing.ts";

const X_SHAPE = [6, 12, 12, 3];
const CLASSES = 7;

/** A tfjs-layers conv net: conv-BN-ReLU-maxpool, strided conv-BN-ReLU, GAP, softmax. */
function buildModel(): tf.Sequential {
  const m = tf.sequential();
  m.add(tf.layers.conv2d({
    inputShape: X_SHAPE.slice(1),
    filters: 8,
    kernelSize: 3,
    padding: "same",
    useBias: false,
  }));
  m.add(tf.layers.batchNormalization());
  m.add(tf.layers.activation({ activation: "relu" }));
  m.add(tf.layers.maxPooling2d({ poolSize: 2 }));
  m.add(tf.layers.conv2d({ filters: 12, kernelSize: 3, strides: 2, padding: "same" }));
  m.add(tf.layers.batchNormalization());
  m.add(tf.layers.activation({ activation: "relu" }));
  m.add(tf.layers.globalAveragePooling2d({}));
  m.add(tf.layers.dense({ units: CLASSES, activation: "softmax" }));
  m.compile({ optimizer: tf.train.adam(1e-3), loss: "categoricalCrossentropy" });
  return m;
}

/** Builds the model with the given weights and data on the current backend. */
function setup(weights: Float32Array[] | undefined) {
  const model = buildModel();
  if (weights) {
    model.setWeights(weights.map((w, i) => tf.tensor(w, model.getWeights()[i]!.shape)));
  }
  const x = tf.tensor4d(randomValues(X_SHAPE, 3), X_SHAPE as [number, number, number, number]);
  const y = tf.oneHot(tf.tensor1d([0, 1, 2, 3, 4, 5], "int32"), CLASSES);
  return { model, x, y };
}

/** Training-mode loss and gradients of the trainable weights, via tf.variableGrads. */
function trainingGrads(weights: Float32Array[]) {
  const { model, x, y } = setup(weights);
  const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const { value, grads } = tf.variableGrads(() => {
    const p = model.apply(x, { training: true }) as tf.Tensor;
    return tf.mean(tf.metrics.categoricalCrossentropy(y, p)) as tf.Scalar;
  }, vars);
  const out = {
    loss: value.dataSync()[0]!,
    grads: vars.map((v) => Float32Array.from(grads[v.name]!.dataSync())),
  };
  tf.dispose([value, x, y, ...Object.values(grads)]);
  model.dispose();
  return out;
}

Deno.test("tfjs-layers training gradients on wasm equal the cpu gradients", async () => {
  await useWasm();
  const weights = tf.tidy(() => buildModel().getWeights().map((w) => w.dataSync() as Float32Array));
  const ref = await onCpu(() => trainingGrads(weights));
  const got = trainingGrads(weights);
  assertClose([got.loss], [ref.loss], { label: "loss" });
  // Conv biases followed by BatchNorm have mathematically zero gradients (~1e-8 of rounding
  // noise on both backends): compare those against the overall gradient scale.
  const scale = Math.max(...ref.grads.map((g) => Math.max(...g.map(Math.abs))));
  got.grads.forEach((g, i) =>
    assertClose(g, ref.grads[i]!, { atol: 1e-4 * scale, label: `gradient ${i}` })
  );
});

Deno.test("model.trainOnBatch on wasm matches cpu's first loss and leaks no tensors", async () => {
  await useWasm();
  const weights = tf.tidy(() => buildModel().getWeights().map((w) => w.dataSync() as Float32Array));
  const firstLoss = async () => {
    const { model, x, y } = setup(weights);
    const loss = (await model.trainOnBatch(x, y)) as number;
    tf.dispose([x, y]);
    model.dispose();
    return loss;
  };
  const ref = await (async () => {
    await tf.setBackend("cpu");
    try {
      return await firstLoss();
    } finally {
      await tf.setBackend("wasm");
    }
  })();
  assertClose([await firstLoss()], [ref], { label: "first trainOnBatch loss" });

  const { model, x, y } = setup(weights);
  const losses: number[] = [];
  for (let i = 0; i < 2; i++) losses.push((await model.trainOnBatch(x, y)) as number);
  const tensors = tf.memory().numTensors;
  const heap = heapTensors();
  for (let i = 0; i < 5; i++) losses.push((await model.trainOnBatch(x, y)) as number);
  assert.equal(tf.memory().numTensors, tensors);
  assert.equal(heapTensors(), heap);
  assert.ok(losses.every(Number.isFinite));
  assert.ok(losses[losses.length - 1]! < losses[0]!, `loss did not fall: ${losses}`);
  tf.dispose([x, y]);
  model.dispose();
});

Deno.test("onCpu() leaves wasm as the active backend", async () => {
  await useWasm();
  await onCpu(() => undefined);
  assert.equal(tf.getBackend(), "wasm");
});
