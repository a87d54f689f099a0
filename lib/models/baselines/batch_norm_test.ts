import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { BroadcastBatchNorm } from "./batch_norm.ts";
import { useCpu } from "../../backend/testing.ts";

function maxDiff(a: tf.Tensor, b: tf.Tensor): number {
  return tf.tidy(() => a.sub(b).abs().max().dataSync()[0]!);
}

Deno.test("BroadcastBatchNorm: matches tf.layers.batchNormalization in both modes", async () => {
  await useCpu();
  const x = tf.randomNormal([4, 3, 3, 5], 2, 3, "float32", 1);
  const ours = new BroadcastBatchNorm({ momentum: 0.9, epsilon: 1e-3 });
  const ref = tf.layers.batchNormalization({ momentum: 0.9, epsilon: 1e-3 });
  const inputs = tf.input({ shape: [3, 3, 5] });
  const mOurs = tf.model({ inputs, outputs: ours.apply(inputs) as tf.SymbolicTensor });
  const mRef = tf.model({ inputs, outputs: ref.apply(inputs) as tf.SymbolicTensor });
  const gamma = tf.randomUniform([5], 0.5, 2, "float32", 2),
    beta = tf.randomNormal([5], 0, 1, "float32", 3);
  mOurs.setWeights([gamma, beta, tf.zeros([5]), tf.ones([5])]);
  mRef.setWeights([gamma, beta, tf.zeros([5]), tf.ones([5])]);
  for (let i = 0; i < 3; i++) {
    const a = mOurs.apply(x, { training: true }) as tf.Tensor;
    const b = mRef.apply(x, { training: true }) as tf.Tensor;
    assert.ok(maxDiff(a, b) < 1e-4, "training mode");
  }
  const ws = mOurs.getWeights(), wr = mRef.getWeights();
  for (let i = 0; i < 4; i++) assert.ok(maxDiff(ws[i]!, wr[i]!) < 1e-4, `weight ${i}`);
  const a = mOurs.apply(x, { training: false }) as tf.Tensor;
  const b = mRef.apply(x, { training: false }) as tf.Tensor;
  assert.ok(maxDiff(a, b) < 1e-4, "inference mode");
  ours.updateMovingStats = false;
  const before = mOurs.getWeights()[2]!.dataSync().slice();
  mOurs.apply(x.add(5), { training: true });
  assert.deepEqual(mOurs.getWeights()[2]!.dataSync(), before, "frozen moving mean");
});

Deno.test("BroadcastBatchNorm: second-order gradients match finite differences", async () => {
  await useCpu();
  const bn = new BroadcastBatchNorm({ affine: true });
  const inputs = tf.input({ shape: [2, 2, 3] });
  const m = tf.model({ inputs, outputs: bn.apply(inputs) as tf.SymbolicTensor });
  m.setWeights([tf.tensor1d([1.5, 0.5, 2]), tf.zeros([3]), tf.zeros([3]), tf.ones([3])]);
  const x = tf.randomNormal([3, 2, 2, 3], 0, 1, "float32", 4);
  const w = tf.randomNormal([3, 2, 2, 3], 0, 1, "float32", 5);
  const gamma = m.trainableWeights[0]!.read() as tf.Variable;
  // f(gamma) = |d/dx sum(w * bn(x))|^2, which needs the gradient of an input gradient.
  const f = () =>
    tf.tidy(() => {
      const g = tf.grad((v: tf.Tensor) =>
        (m.apply(v, { training: true }) as tf.Tensor).mul(w).sum()
      )(x);
      return g.square().sum() as tf.Scalar;
    });
  const { grads } = tf.variableGrads(f, [gamma]);
  const analytic = grads[gamma.name]!.dataSync();
  assert.ok(analytic.some((v) => Math.abs(v) > 0.1), `trivial gradient ${analytic}`);
  const g0 = gamma.dataSync().slice();
  const h = 1e-2;
  for (let i = 0; i < 3; i++) {
    const at = (d: number) => {
      const v = g0.slice();
      v[i]! += d;
      gamma.assign(tf.tensor1d(v));
      return f().dataSync()[0]!;
    };
    const fd = (at(h) - at(-h)) / (2 * h);
    assert.ok(Math.abs(fd - analytic[i]!) < 2e-2 * (1 + Math.abs(fd)), `${fd} vs ${analytic[i]}`);
  }
});
