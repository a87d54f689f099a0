import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { countTrainableParams } from "../count.ts";
import { buildConvDecoder, buildConvEncoder, checkConvShape } from "./conv_nets.ts";
import { useCpu } from "../../backend/testing.ts";

Deno.test("buildConvEncoder(): paper shapes, 3 stride-2 stages, code activation", async () => {
  await useCpu();
  const e = buildConvEncoder({ inputShape: [32, 32, 1], codeSize: 256, seed: 1 });
  assert.deepEqual(e.outputs[0]!.shape, [null, 256]);
  const convs = e.layers.filter((l) => l.getClassName() === "Conv2D");
  assert.deepEqual(convs.map((l) => l.outputShape), [
    [null, 16, 16, 64],
    [null, 8, 8, 128],
    [null, 4, 4, 256],
  ]);
  // 3x3 convs with biases + BN (gamma, beta) + dense 4096 -> 256.
  const expected = (9 * 64 + 64 + 128) + (9 * 64 * 128 + 128 + 256) + (9 * 128 * 256 + 256 + 512) +
    (4096 * 256 + 256);
  assert.equal(countTrainableParams(e), expected);
  const y = tf.tidy(() => (e.predict(tf.ones([2, 32, 32, 1])) as tf.Tensor).dataSync());
  assert.ok(y.every((v) => v >= -1 && v <= 1), "tanh code");
  e.dispose();
});

Deno.test("buildConvDecoder(): mirrors the encoder to tanh images", async () => {
  await useCpu();
  const d = buildConvDecoder({ outputShape: [32, 32, 3], codeSize: 5, seed: 2 });
  assert.deepEqual(d.outputs[0]!.shape, [null, 32, 32, 3]);
  const ups = d.layers.filter((l) => l.getClassName() === "Conv2DTranspose");
  assert.deepEqual(ups.map((l) => l.outputShape), [
    [null, 8, 8, 128],
    [null, 16, 16, 64],
    [null, 32, 32, 3],
  ]);
  const y = tf.tidy(() => (d.predict(tf.randomNormal([2, 5], 0, 10, "float32", 1)) as tf.Tensor));
  assert.ok(y.dataSync().every((v) => v >= -1 && v <= 1));
  y.dispose();
  d.dispose();
});

Deno.test("conv nets: the same seed gives the same weights; bias: false has no bias terms", async () => {
  await useCpu();
  const make = (seed: number) =>
    buildConvEncoder({ inputShape: [16, 16, 1], codeSize: 4, filters: [4, 8], seed });
  const [a, b, c] = [make(3), make(3), make(4)];
  const w = (m: tf.LayersModel) => m.getWeights().map((t) => Array.from(t.dataSync()));
  assert.deepEqual(w(a), w(b));
  assert.notDeepEqual(w(a), w(c));
  const nb = buildConvEncoder({
    inputShape: [16, 16, 1],
    codeSize: 4,
    filters: [4, 8],
    bias: false,
    activation: "leaky-relu",
  });
  const names = nb.trainableWeights.map((v) => v.name);
  assert.equal(names.length, 3, names.join(", ")); // two conv kernels + the dense kernel
  assert.ok(names.every((n) => n.endsWith("kernel")), names.join(", "));
  const dec = buildConvDecoder({
    outputShape: [16, 16, 1],
    codeSize: 4,
    filters: [4, 8],
    bias: false,
  });
  assert.ok(dec.trainableWeights.every((v) => v.name.endsWith("kernel")));
  for (const m of [a, b, c, nb, dec]) m.dispose();
});

Deno.test("checkConvShape() rejects sides not divisible by 2^stages and bad sizes", () => {
  assert.deepEqual(checkConvShape([32, 32, 1], { codeSize: 8, action: "x" }), [4, 4]);
  assert.throws(() => checkConvShape([28, 28, 1], { codeSize: 8, action: "build" }), {
    name: "RangeError",
    message: /^Cannot build: images 28x28x1 need height and width divisible by 8/,
  });
  assert.throws(() => checkConvShape([32, 32, 1], { codeSize: 0, action: "x" }), /codeSize 0/);
  assert.throws(
    () => checkConvShape([32, 32, 1], { filters: [], codeSize: 1, action: "x" }),
    /filters/,
  );
});
