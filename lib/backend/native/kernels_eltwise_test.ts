import * as tf from "@tensorflow/tfjs";
import assert from "node:assert/strict";
import { misalignment } from "./aligned.ts";
import { NATIVE_BACKEND, type NativeBackend } from "./backend.ts";
import { BATCH_NORM_TRAIN, GRAD_KERNELS, tileInto } from "./kernels_eltwise.ts";
import { nativeBatchNormTrain } from "./ops.ts";
import { assertMatchesCpu, randomTensor, skipReason } from "./testing.ts";

const ignore = skipReason !== undefined;
// NHWC activation-like shapes above the native size threshold
const X = [4, 16, 12, 24];
const C = [24];

Deno.test({
  name: "native Add/Sub/Multiply/RealDiv/Maximum/Minimum match cpu, with broadcasting",
  ignore,
  async fn() {
    const a = randomTensor(X, 1);
    const b = randomTensor(X, 2, 0.5, 2);
    const c = randomTensor(C, 3, 0.5, 2);
    const c4 = randomTensor([1, 1, 1, 24], 4, 0.5, 2);
    const s = tf.scalar(1.7);
    const ops = {
      add: tf.add,
      sub: tf.sub,
      mul: tf.mul,
      div: tf.div,
      max: tf.maximum,
      min: tf.minimum,
    };
    for (const [name, op] of Object.entries(ops)) {
      await assertMatchesCpu(`${name} same shape`, () => op(a, b));
      await assertMatchesCpu(`${name} channel vector`, () => op(a, c));
      await assertMatchesCpu(`${name} scalar`, () => op(a, s));
      if (name !== "div") {
        await assertMatchesCpu(`${name} broadcast first operand`, () => op(c4, a));
      }
    }
    tf.dispose([a, b, c, c4, s]);
  },
});

Deno.test({
  name: "native unary kernels match cpu",
  ignore,
  async fn() {
    const x = randomTensor(X, 5, -3, 3);
    const pos = randomTensor(X, 6, 0.01, 4);
    const ops: Record<string, (t: tf.Tensor) => tf.Tensor> = {
      relu: tf.relu,
      relu6: (t) => tf.relu6(tf.mul(t, 3)),
      square: tf.square,
      neg: tf.neg,
      abs: tf.abs,
      exp: tf.exp,
      sigmoid: tf.sigmoid,
      tanh: tf.tanh,
    };
    for (const [name, op] of Object.entries(ops)) {
      await assertMatchesCpu(name, () => op(x));
    }
    await assertMatchesCpu("sqrt", () => tf.sqrt(pos));
    tf.dispose([x, pos]);
  },
});

Deno.test({
  name: "native Sum/Mean match cpu over leading, middle and trailing axes",
  ignore,
  async fn() {
    const x = randomTensor(X, 7);
    for (const axes of [[0, 1, 2], [1, 2], [3], [0], [2, 1], [1, 2, 3]]) {
      for (const keepDims of [false, true]) {
        const l = `axes ${axes} keepDims ${keepDims}`;
        await assertMatchesCpu(`sum ${l}`, () => tf.sum(x, axes, keepDims));
        await assertMatchesCpu(`mean ${l}`, () => tf.mean(x, axes, keepDims));
      }
    }
    // gaps in the axes are left to the cpu kernel
    await assertMatchesCpu("sum [0, 3]", () => tf.sum(x, [0, 3]), { requireNative: [] });
    await assertMatchesCpu("sum all", () => tf.sum(x));
    tf.dispose(x);
  },
});

Deno.test("tileInto() repeats blocks along every axis like tf.tile", () => {
  const x = new Float32Array([1, 2, 3, 4, 5, 6]);
  const out = new Float32Array(2 * 3 * 3 * 2 * 2);
  tileInto(x, [1, 3, 2], [2, 1, 2], out.subarray(0, 24));
  const ref = tf.tile(tf.tensor3d(x, [1, 3, 2]), [2, 1, 2]).dataSync();
  assert.deepEqual(Array.from(out.subarray(0, 24)), Array.from(ref));
});

Deno.test({
  name: "native Tile and broadcastTo match cpu",
  ignore,
  async fn() {
    const c4 = randomTensor([1, 1, 1, 24], 8);
    const m = randomTensor([3, 1, 5, 24], 9);
    await assertMatchesCpu("tile channel vector", () => tf.tile(c4, [4, 16, 12, 1]));
    await assertMatchesCpu("tile mixed", () => tf.tile(m, [2, 7, 3, 2]));
    await assertMatchesCpu("broadcastTo", () => tf.broadcastTo(c4, X));
    tf.dispose([c4, m]);
  },
});

Deno.test({
  name: "native FusedBatchNorm forward matches cpu, with and without scale/offset",
  ignore,
  async fn() {
    const x = randomTensor(X, 10);
    const mean = randomTensor(C, 11, -0.2, 0.2);
    const variance = randomTensor(C, 12, 0.1, 2);
    const offset = randomTensor(C, 13);
    const scale = randomTensor(C, 14, 0.5, 1.5);
    await assertMatchesCpu("bn full", () => tf.batchNorm(x, mean, variance, offset, scale, 1e-3));
    await assertMatchesCpu(
      "bn bare",
      () => tf.batchNorm(x, mean, variance, undefined, undefined, 1e-5),
    );
    await assertMatchesCpu(
      "bn 2-D",
      () => tf.batchNorm(tf.reshape(x, [-1, 24]), mean, variance, offset, scale, 1e-5),
    );
    tf.dispose([x, mean, variance, offset, scale]);
  },
});

Deno.test({
  name: "native gradients of relu, square, mean, sum and batchNorm match cpu",
  ignore,
  async fn() {
    const x = randomTensor(X, 20);
    const w = randomTensor(X, 21);
    const scale = randomTensor(C, 22, 0.5, 1.5);
    const offset = randomTensor(C, 23);
    const dot = (t: tf.Tensor) => tf.sum(tf.mul(t, w));
    const cases: Array<[string, (t: tf.Tensor) => tf.Tensor, string]> = [
      ["relu", (t) => dot(tf.relu(t)), GRAD_KERNELS.reluGrad],
      ["square", (t) => dot(tf.square(t)), GRAD_KERNELS.squareGrad],
      ["mean", (t) => tf.sum(tf.mul(tf.mean(t, [0, 1, 2]), tf.range(0, 24))), tf.Tile],
      ["sum", (t) => tf.sum(tf.mul(tf.sum(t, [1, 2], true), 1.5)), tf.Tile],
    ];
    for (const [name, f, kernel] of cases) {
      await assertMatchesCpu(`grad ${name}`, () => tf.grad(f)(x), { requireNative: [kernel] });
    }
    // BatchNormalization in training, as tfjs-layers computes it: moments, then batchNorm
    const bnLoss = (t: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => {
      const { mean, variance } = tf.moments(t, [0, 1, 2]);
      return dot(tf.relu(tf.batchNorm(t, mean, variance, b, g, 1e-5)));
    };
    await assertMatchesCpu(
      "grad batchNorm (training)",
      () => tf.grads(bnLoss)([x, scale, offset]),
      { requireNative: [GRAD_KERNELS.batchNormGrad, GRAD_KERNELS.reluGrad, tf.Tile] },
    );
    tf.dispose([x, w, scale, offset]);
  },
});

Deno.test({
  name:
    "native training batch norm (fused kernel) matches moments + batchNorm on cpu, and its grads",
  ignore,
  async fn() {
    const x = randomTensor(X, 30, -2, 3);
    const w = randomTensor(X, 31);
    const scale = randomTensor(C, 32, 0.5, 1.5);
    const offset = randomTensor(C, 33);
    // the fused kernel on native; tfjs-layers' own formula on cpu
    const bn = (t: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => {
      const fused = nativeBatchNormTrain(t, g, b, 1e-5);
      if (fused) return fused;
      const { mean, variance } = tf.moments(t, [0, 1, 2]);
      return [tf.batchNorm(t, mean, variance, b, g, 1e-5), mean, variance];
    };
    await assertMatchesCpu("fused bn forward", () => bn(x, scale, offset), {
      requireNative: ["GeomadNativeBatchNormTrain"],
    });
    const loss = (t: tf.Tensor, g: tf.Tensor, b: tf.Tensor) =>
      tf.sum(tf.mul(tf.relu(bn(t, g, b)[0]!), w));
    await assertMatchesCpu("fused bn grads", () => tf.grads(loss)([x, scale, offset]), {
      requireNative: [GRAD_KERNELS.batchNormTrainGrad],
      tol: 1e-4,
    });
    // with the ReLU inside the kernel (oneDNN's fuse_norm_relu and its workspace)
    const bnRelu = (t: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => {
      const fused = nativeBatchNormTrain(t, g, b, 1e-5, { relu: true });
      if (fused) return fused[0];
      const { mean, variance } = tf.moments(t, [0, 1, 2]);
      return tf.relu(tf.batchNorm(t, mean, variance, b, g, 1e-5));
    };
    await assertMatchesCpu("fused bn+relu forward", () => bnRelu(x, scale, offset), {
      requireNative: ["GeomadNativeBatchNormTrain"],
    });
    const reluLoss = (t: tf.Tensor, g: tf.Tensor, b: tf.Tensor) =>
      tf.sum(tf.mul(bnRelu(t, g, b), w));
    await assertMatchesCpu("fused bn+relu grads", () => tf.grads(reluLoss)([x, scale, offset]), {
      requireNative: [GRAD_KERNELS.batchNormTrainGrad],
      tol: 1e-4,
    });
    tf.dispose([x, w, scale, offset]);
  },
});

Deno.test({
  name:
    "training batch norm + relu: its mask comes from the pool, and a reused mask gives the same bits",
  ignore,
  async fn() {
    await tf.setBackend(NATIVE_BACKEND);
    const backend = tf.backend() as NativeBackend;
    // 2^21 elements: a mask of 256 KiB, a pooled size
    const shape = [32, 32, 32, 64];
    const x = randomTensor(shape, 40, -2, 3);
    const w = randomTensor(shape, 41);
    const scale = randomTensor([64], 42, 0.5, 1.5);
    const offset = randomTensor([64], 43);
    const attrs = { varianceEpsilon: 1e-5, relu: true };
    const forward = () =>
      tf.engine().runKernel(
        BATCH_NORM_TRAIN,
        { x, scale, offset },
        attrs,
      ) as unknown as tf.Tensor[];
    const mask = (t: tf.Tensor) => backend.data.get(t.dataId)!.values as Float32Array;
    // bit patterns (the values are a view into an aligned buffer: mind the offset)
    const bits = (ts: tf.Tensor[]) =>
      ts.map((t) => {
        const v = t.dataSync() as Float32Array;
        return Array.from(new Uint32Array(v.buffer, v.byteOffset, v.length));
      });
    const loss = (t: tf.Tensor, g: tf.Tensor, b: tf.Tensor) =>
      tf.sum(tf.mul(nativeBatchNormTrain(t, g, b, 1e-5, { relu: true })![0]!, w));
    const run = () => {
      const outs = forward();
      const grads = tf.grads(loss)([x, scale, offset]);
      const r = { y: bits(outs.slice(0, 3)), grads: bits(grads), mask: mask(outs[3]!) };
      tf.dispose([...outs, ...grads]);
      return r;
    };
    backend.clearPool();
    const fresh = run(); // every buffer new (zeroed)
    assert.ok(fresh.mask.byteLength >= 256 * 1024, `mask of ${fresh.mask.byteLength} bytes`);
    assert.equal(misalignment(fresh.mask), 0);
    // the idle mask buffers, filled with ones: the next masks must overwrite every bit they use
    const poisoned: Float32Array[] = [];
    for (let i = 0; i < 2; i++) {
      const outs = forward();
      poisoned.push(mask(outs[3]!));
      tf.dispose(outs);
    }
    for (const m of poisoned) new Uint32Array(m.buffer, m.byteOffset, m.length).fill(0xffffffff);
    const reused = backend.poolStats().reused;
    const again = run();
    assert.ok(poisoned.includes(again.mask), "the mask's buffer came from the pool");
    assert.ok(backend.poolStats().reused > reused);
    assert.deepEqual(again.y, fresh.y);
    assert.deepEqual(again.grads, fresh.grads);
    tf.dispose([x, w, scale, offset]);
  },
});
