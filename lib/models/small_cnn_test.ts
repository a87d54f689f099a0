import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { countMacs, countTrainableParams } from "./count.ts";
import { buildSmallCnn } from "./small_cnn.ts";

await tf.setBackend("cpu");

Deno.test("buildSmallCnn() on 32x32 costs about 10 M MACs per image", () => {
  const m1 = buildSmallCnn({ inputShape: [32, 32, 1], nClasses: 72, seed: 1 });
  // conv 32x32 (9*1*32), pool, conv 16x16 (9*32*64), pool, conv 8x8 (9*64*128),
  // 2x2 average pool to 4x4x128, flatten (2048), dense
  const macs = (c: number) => 1024 * 9 * c * 32 + 256 * 9 * 32 * 64 + 64 * 9 * 64 * 128 + 2048 * 72;
  assert.equal(countMacs(m1), macs(1));
  assert.equal(countMacs(m1), 9_879_552);
  const params = (c: number) =>
    9 * c * 32 + 64 + 9 * 32 * 64 + 128 + 9 * 64 * 128 + 256 + 2048 * 72 + 72;
  assert.equal(countTrainableParams(m1), params(1));
  const m3 = buildSmallCnn({ inputShape: [32, 32, 3], nClasses: 72, seed: 1 });
  assert.equal(countMacs(m3), macs(3));
  assert.equal(countTrainableParams(m3), params(3));
  // L2 on 3 conv kernels, 3 BN gamma/beta pairs, dense kernel and bias
  const reg = m3.calculateLosses();
  assert.equal(reg.length, 3 + 6 + 2);
  tf.dispose(reg);
  m1.dispose();
  m3.dispose();
});

Deno.test("buildSmallCnn() takes custom stage widths", () => {
  const m = buildSmallCnn({ inputShape: [8, 8, 1], nClasses: 4, filters: [2, 3, 5] });
  assert.equal(countTrainableParams(m), 9 * 2 + 4 + 9 * 2 * 3 + 6 + 9 * 3 * 5 + 10 + 5 * 4 + 4);
  assert.equal(countMacs(m), 64 * 9 * 2 + 16 * 9 * 2 * 3 + 4 * 9 * 3 * 5 + 5 * 4);
  m.dispose();
});

Deno.test("buildSmallCnn() is reproducible from its seed and outputs softmax rows", () => {
  const opts = { inputShape: [32, 32, 1] as const, nClasses: 72 };
  const a = buildSmallCnn({ ...opts, seed: 2 });
  const b = buildSmallCnn({ ...opts, seed: 2 });
  const c = buildSmallCnn({ ...opts, seed: 3 });
  const w = (m: tf.LayersModel) => m.getWeights().map((t) => t.dataSync());
  assert.deepEqual(w(a), w(b));
  assert.notDeepEqual(w(a), w(c));
  const x = tf.randomNormal([2, 32, 32, 1], 0, 1, "float32", 5);
  const y = a.predict(x) as tf.Tensor;
  assert.deepEqual(y.shape, [2, 72]);
  for (const s of y.sum(1).dataSync()) assert.ok(Math.abs(s - 1) < 1e-5);
  tf.dispose([x, y]);
  for (const m of [a, b, c]) m.dispose();
});

Deno.test("buildSmallCnn() builds sizes not divisible by 8: a ceil(h/8) grid, identical at 32 and 64", () => {
  const dense = (size: number) => {
    const m = buildSmallCnn({ inputShape: [size, size, 1], nClasses: 4, filters: [2, 3, 5] });
    const x = tf.zeros([1, size, size, 1]);
    const y = m.predict(x) as tf.Tensor;
    assert.deepEqual(y.shape, [1, 4]);
    const n = countTrainableParams(m) - (9 * 2 + 4 + 9 * 2 * 3 + 6 + 9 * 3 * 5 + 10 + 4);
    tf.dispose([x, y]);
    m.dispose();
    return n / 4 / 5; // grid cells
  };
  assert.equal(dense(36), 25); // 36 -> 18 -> 9 -> 5x5
  assert.equal(dense(30), 16); // 30 -> 15 -> 8 -> 4x4
  assert.equal(dense(64), 64); // 8x8, as before
});

Deno.test("buildSmallCnn() rejects bad shapes", () => {
  assert.throws(
    () => buildSmallCnn({ inputShape: [6, 6, 1], nClasses: 72 }),
    /Cannot build small CNN: input 6x6x1 must have height and width of at least 8/,
  );
  assert.throws(() => buildSmallCnn({ inputShape: [32, 32, 1], nClasses: 1 }), RangeError);
  assert.throws(
    () => buildSmallCnn({ inputShape: [32, 32, 1], nClasses: 4, filters: [8, 0, 8] }),
    /Cannot build small CNN: filters 8,0,8/,
  );
});
