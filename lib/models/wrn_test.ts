import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { countMacs, countTrainableParams } from "./count.ts";
import { buildWrn, finalPool } from "./wrn.ts";

await tf.setBackend("cpu");

/** Trainable parameters of WRN-d-k written out by hand: conv, BN gamma+beta, 1x1 shortcuts, dense. */
function expectedParams(depth: number, k: number, c: number, classes: number, denseIn: number) {
  const n = (depth - 4) / 6;
  let total = 9 * c * 16; // first conv
  let cin = 16;
  for (const w of [16 * k, 32 * k, 64 * k]) {
    for (let b = 0; b < n; b++) {
      total += 2 * cin + 9 * cin * w + 2 * w + 9 * w * w; // BN, conv3x3, BN, conv3x3
      if (cin !== w) total += cin * w; // 1x1 shortcut
      cin = w;
    }
  }
  return total + 2 * cin + denseIn * classes + classes; // final BN, dense
}

Deno.test("buildWrn() WRN-10-4 on 32x32 has 1,214,744 trainable parameters (x3) and 1,214,456 (x1)", () => {
  const m3 = buildWrn({ depth: 10, widen: 4, inputShape: [32, 32, 3], nClasses: 72, seed: 1 });
  assert.equal(countTrainableParams(m3), 1_214_744);
  assert.equal(countTrainableParams(m3), expectedParams(10, 4, 3, 72, 256));
  assert.deepEqual(m3.outputs[0]!.shape, [null, 72]);
  // multiply-accumulates per image: first conv, 3 blocks (3x3, 3x3, 1x1 shortcut), dense
  const macs = 1024 * 27 * 16 +
    1024 * (9 * 16 * 64 + 9 * 64 * 64 + 16 * 64) +
    256 * (9 * 64 * 128 + 9 * 128 * 128 + 64 * 128) +
    64 * (9 * 128 * 256 + 9 * 256 * 256 + 128 * 256) +
    256 * 72;
  assert.equal(macs, 166_135_808);
  assert.equal(countMacs(m3), macs);
  m3.dispose();
  const m1 = buildWrn({ depth: 10, widen: 4, inputShape: [32, 32, 1], nClasses: 72, seed: 1 });
  assert.equal(countTrainableParams(m1), 1_214_456);
  m1.dispose();
});

Deno.test("buildWrn() WRN-16-8 on 64x64 pools 8x8 to 2x2 cells like the official code", () => {
  const m = buildWrn({ depth: 16, widen: 8, inputShape: [64, 64, 3], nClasses: 72, seed: 1 });
  assert.equal(countTrainableParams(m), expectedParams(16, 8, 3, 72, 4 * 512));
  const dense = m.layers.find((l) => l.getClassName() === "Dense")!;
  assert.deepEqual(dense.weights[0]!.shape, [2048, 72]);
  m.dispose();
});

Deno.test("buildWrn() builds any square size: the final pool is 8x8 where the map divides by 8, else global", () => {
  assert.deepEqual(finalPool(32, 32), [8, 8]);
  assert.deepEqual(finalPool(64, 64), [8, 8]);
  assert.deepEqual(finalPool(48, 48), [12, 12]);
  assert.deepEqual(finalPool(28, 28), [7, 7]);
  assert.deepEqual(finalPool(36, 36), [9, 9]);
  // dense inputs: 48 and 28 -> one global cell; 96 -> 24x24 map, 8x8 pool -> 3x3 cells
  for (const [size, cells] of [[48, 1], [28, 1], [96, 9], [8, 1]] as const) {
    const m = buildWrn({ depth: 10, widen: 1, inputShape: [size, size, 1], nClasses: 8, seed: 1 });
    assert.equal(countTrainableParams(m), expectedParams(10, 1, 1, 8, cells * 64), `${size}`);
    const x = tf.zeros([1, size, size, 1]);
    const y = m.predict(x) as tf.Tensor;
    assert.deepEqual(y.shape, [1, 8]);
    tf.dispose([x, y]);
    m.dispose();
  }
});

Deno.test("buildWrn() blocks are pre-activation, shortcuts tap the first BN-ReLU", () => {
  const m = buildWrn({ depth: 10, widen: 4, inputShape: [32, 32, 1], nClasses: 72, seed: 1 });
  const convs = m.layers.filter((l) => l.getClassName() === "Conv2D");
  assert.equal(convs.length, 1 + 3 * 3); // first conv, 3 blocks of (3x3, 3x3, 1x1 shortcut)
  const inbound = (l: tf.layers.Layer) => l.inboundNodes[0]!.inboundLayers[0]!;
  for (const c of convs) {
    const cfg = c.getConfig();
    assert.equal(cfg.useBias, false);
    assert.equal(cfg.padding, "same");
    const k = (cfg.kernelSize as number[])[0];
    if (c === convs[0]) continue;
    // every block conv (3x3 and 1x1) reads a BN-ReLU (one layer: BN with its ReLU fused)
    assert.equal(inbound(c).getClassName(), "BatchNormalization", `${c.name} input`);
    assert.equal(inbound(c).getConfig().relu, true, `${c.name} input has its ReLU`);
    if (k === 1) {
      // the shortcut and the block's first 3x3 conv read the same BN-ReLU
      const twin = convs.find((o) => o !== c && inbound(o) === inbound(c))!;
      assert.equal((twin.getConfig().kernelSize as number[])[0], 3);
      assert.deepEqual(twin.getConfig().strides, c.getConfig().strides);
    }
  }
  const strides = convs.filter((c) => (c.getConfig().kernelSize as number[])[0] === 1)
    .map((c) => (c.getConfig().strides as number[])[0]);
  assert.deepEqual(strides, [1, 2, 2]);
  for (const bn of m.layers.filter((l) => l.getClassName() === "BatchNormalization")) {
    assert.equal(bn.getConfig().momentum, 0.9);
    assert.equal(bn.getConfig().epsilon, 1e-5);
  }
  assert.equal(m.layers.filter((l) => l.getClassName() === "Dropout").length, 0);
  // L2 on every conv kernel (10), BN gamma and beta (7 BNs), dense kernel and bias
  assert.equal(m.calculateLosses().length, 10 + 2 * 7 + 2);
  tf.dispose(m.calculateLosses());
  m.dispose();
});

Deno.test("buildWrn() is reproducible from its seed; conv init is untruncated He-normal", () => {
  const opts = { depth: 10, widen: 4, inputShape: [32, 32, 1] as const, nClasses: 72 };
  const a = buildWrn({ ...opts, seed: 7 });
  const b = buildWrn({ ...opts, seed: 7 });
  const c = buildWrn({ ...opts, seed: 8 });
  const wa = a.getWeights().map((w) => w.dataSync());
  const wb = b.getWeights().map((w) => w.dataSync());
  const wc = c.getWeights().map((w) => w.dataSync());
  assert.deepEqual(wa, wb);
  assert.notDeepEqual(wa, wc);
  // the largest conv: 3x3x128x256, fan_in 1152
  const big = a.getWeights().find((w) => w.shape.join() === "3,3,256,256")!.dataSync();
  let s = 0, s2 = 0, max = 0;
  for (const v of big) {
    s += v;
    s2 += v * v;
    max = Math.max(max, Math.abs(v));
  }
  const std = Math.sqrt(s2 / big.length - (s / big.length) ** 2);
  const target = Math.sqrt(2 / (9 * 256));
  assert.ok(Math.abs(std / target - 1) < 0.01, `std ${std} vs ${target}`);
  assert.ok(max > 3 * target, "values beyond 2 std exist: the normal is not truncated");
  const dense = a.getWeights().find((w) => w.shape.join() === "256,72")!.dataSync();
  const limit = 1 / Math.sqrt(256);
  assert.ok(dense.every((v) => Math.abs(v) <= limit));
  for (const m of [a, b, c]) m.dispose();
});

Deno.test("buildWrn() forward pass gives one softmax per image", () => {
  const m = buildWrn({ depth: 10, widen: 1, inputShape: [32, 32, 1], nClasses: 5, seed: 3 });
  const x = tf.randomNormal([2, 32, 32, 1], 0, 1, "float32", 4);
  const y = m.predict(x) as tf.Tensor;
  assert.deepEqual(y.shape, [2, 5]);
  const sums = y.sum(1).dataSync();
  for (const v of sums) assert.ok(Math.abs(v - 1) < 1e-5);
  tf.dispose([x, y]);
  m.dispose();
});

Deno.test("buildWrn() rejects bad options", () => {
  const base = { depth: 10, widen: 4, inputShape: [32, 32, 3] as const, nClasses: 72 };
  assert.throws(() => buildWrn({ ...base, depth: 12 }), /Cannot build WRN: depth 12/);
  assert.throws(() => buildWrn({ ...base, widen: 0 }), /Cannot build WRN: widen 0/);
  assert.throws(
    () => buildWrn({ ...base, inputShape: [6, 6, 1] }),
    /Cannot build WRN: input 6x6 must be integers of at least 8x8/,
  );
  assert.throws(() => buildWrn({ ...base, nClasses: 1 }), RangeError);
  assert.throws(() => buildWrn({ ...base, seed: 1.5 }), /Cannot seed model/);
});
