import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { initBackend } from "../backend/select.ts";
import { BLUR_SIGMAS, blurSet, sharpenSet } from "./blur.ts";
import { gaussianKernel, reflectedFilterMatrix, separableFilter } from "./filters.ts";
import { maxAbsDiff, randomImages } from "./testing.ts";

await initBackend("cpu");

Deno.test("gaussianKernel() is normalised, symmetric, 6 sigma wide; sigma 0 is a delta", () => {
  assert.deepEqual(Array.from(gaussianKernel(0)), [1]);
  const g = gaussianKernel(1);
  assert.equal(g.length, 7);
  assert.ok(Math.abs(g.reduce((s, v) => s + v, 0) - 1) < 1e-12);
  for (let k = 0; k < 3; k++) assert.equal(g[k], g[6 - k]);
  assert.ok(Math.abs(g[3]! / g[4]! - Math.exp(0.5)) < 1e-12);
  assert.throws(() => gaussianKernel(-1), RangeError);
});

Deno.test("reflectedFilterMatrix() folds taps with half-sample-symmetric borders", () => {
  // taps (a, b, c) = (0.25, 0.5, 0.25) on n = 3: row 0 sees v[-1] = v[0].
  const m = Array.from(reflectedFilterMatrix([0.25, 0.5, 0.25], 3));
  assert.deepEqual(m, [0.75, 0.25, 0, 0.25, 0.5, 0.25, 0, 0.25, 0.75]);
  // A kernel wider than the signal still sums to 1 per row (repeated reflection).
  const wide = reflectedFilterMatrix(gaussianKernel(2), 2);
  assert.ok(Math.abs(wide[0]! + wide[1]! - 1) < 1e-6);
});

Deno.test("separableFilter() equals symmetric padding + depthwise convolution", () => {
  const x = randomImages([2, 12, 10, 3], 1);
  const g = gaussianKernel(1);
  const got = tf.tidy(() =>
    separableFilter(x, [0, 0], {
      rows: [reflectedFilterMatrix(g, 12)],
      cols: [reflectedFilterMatrix(g, 10)],
    })
  );
  const want = tf.tidy(() => {
    const padded = tf.mirrorPad(x, [[0, 0], [3, 3], [3, 3], [0, 0]], "symmetric");
    const k2 = tf.outerProduct(
      tf.tensor1d(Float32Array.from(g)),
      tf.tensor1d(Float32Array.from(g)),
    );
    const filter = tf.tile(tf.reshape(k2, [7, 7, 1, 1]), [1, 1, 3, 1]) as tf.Tensor4D;
    return tf.depthwiseConv2d(padded, filter, 1, "valid");
  });
  assert.ok(maxAbsDiff(got, want) < 1e-5, `max diff ${maxAbsDiff(got, want)}`);
  tf.dispose([x, got, want]);
});

Deno.test("blurSet: identity at 0, constants preserved, smoothing grows with sigma", () => {
  const set = blurSet({ height: 16, width: 16 });
  assert.deepEqual(set.labels, ["blur=0", "blur=0.5", "blur=1", "blur=1.5", "blur=2"]);
  assert.equal(set.size, BLUR_SIGMAS.length);
  const x = randomImages([5, 16, 16, 3], 2);
  const t = [0, 1, 2, 3, 4];
  const y = set.apply(x, t);
  const per = tf.tidy(() => tf.unstack(tf.sub(y, x)).map((d) => tf.abs(d).max().dataSync()[0]!));
  assert.equal(per[0], 0);
  const spread = tf.tidy(() => tf.unstack(y).map((im) => tf.moments(im).variance.dataSync()[0]!));
  for (let i = 1; i < 5; i++) assert.ok(spread[i]! < spread[i - 1]!, `variance ${spread}`);
  const c = tf.fill([5, 16, 16, 3], 0.3) as tf.Tensor4D;
  const yc = set.apply(c, t);
  assert.ok(maxAbsDiff(yc, c) < 1e-6);
  tf.dispose([x, y, c, yc]);
});

Deno.test("blurSet and sharpenSet: a mixed batch equals per-image application, no leaks", () => {
  for (const set of [blurSet({ height: 9, width: 7 }), sharpenSet({ height: 9, width: 7 })]) {
    const x = randomImages([6, 9, 7, 2], 4);
    const t = [4, 0, 2, 1, 3, 2];
    const before = tf.memory().numTensors;
    const mixed = set.apply(x, t);
    const each = tf.tidy(() =>
      tf.concat(t.map((ti, i) => set.apply(tf.slice(x, [i, 0, 0, 0], [1, 9, 7, 2]), [ti])))
    );
    assert.ok(maxAbsDiff(mixed, each) < 1e-6, set.name);
    tf.dispose([mixed, each]);
    assert.equal(tf.memory().numTensors, before, set.name);
    x.dispose();
  }
});

Deno.test("sharpenSet: identity at 0, out = clip(x + a (x - blur1 x)), constants preserved", () => {
  const set = sharpenSet({ height: 10, width: 10 });
  assert.deepEqual(set.labels, ["sharpen=0", "sharpen=0.5", "sharpen=1", "sharpen=2", "sharpen=4"]);
  const x = tf.tidy(() => tf.mul(randomImages([2, 10, 10, 1], 5), 0.5)) as tf.Tensor4D;
  const y = set.apply(x, [0, 3]);
  const blur1 = blurSet({ height: 10, width: 10, sigmas: [1] }).apply(x, [0, 0]);
  const want = tf.tidy(() =>
    tf.clipByValue(tf.add(x, tf.mul(tf.tensor4d([0, 2], [2, 1, 1, 1]), tf.sub(x, blur1))), -1, 1)
  );
  assert.ok(maxAbsDiff(y, want) < 1e-6);
  const first = tf.tidy(() => maxAbsDiff(tf.slice(y, 0, 1), tf.slice(x, 0, 1)));
  assert.equal(first, 0);
  const ymax = tf.tidy(() => tf.abs(y).max().dataSync()[0]!);
  assert.ok(ymax <= 1 && ymax > 0.5);
  const c = tf.fill([1, 10, 10, 1], -0.2) as tf.Tensor4D;
  const yc = set.apply(c, [4]);
  assert.ok(maxAbsDiff(yc, c) < 1e-6);
  tf.dispose([x, y, blur1, want, c, yc]);
});
