import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { countMacs, countTrainableParams } from "./count.ts";

await tf.setBackend("cpu");

Deno.test("countMacs() counts conv, dense and transposed conv by hand", () => {
  const input = tf.input({ shape: [5, 5, 2] });
  // 5x5 output, 3 filters, each a 3x3x2 dot product: 25 * 3 * 18 = 1350
  let x = tf.layers.conv2d({ filters: 3, kernelSize: 3, padding: "same" }).apply(input);
  x = tf.layers.batchNormalization().apply(x); // not counted
  // valid 2x2 stride 2 on 5x5 -> 2x2x4, each a 2x2x3 dot product: 16 * 12 = 192
  x = tf.layers.conv2d({ filters: 4, kernelSize: 2, strides: 2 }).apply(x);
  // transposed 2x2 stride 2: each of 2*2*4 inputs scatters into 2*2*3 outputs: 16 * 12 = 192
  const up = tf.layers.conv2dTranspose({ filters: 3, kernelSize: 2, strides: 2 }).apply(x);
  const flat = tf.layers.flatten().apply(up); // 4x4x3 = 48
  const out = tf.layers.dense({ units: 5 }).apply(flat); // 48 * 5 = 240
  const model = tf.model({ inputs: input, outputs: out as tf.SymbolicTensor });
  assert.equal(countMacs(model), 1350 + 192 + 192 + 240);
  // params: 2*9*3+3, BN gamma/beta 6 (moving stats excluded), 3*4*4+4, 2*2*3*4+3, 48*5+5
  assert.equal(countTrainableParams(model), 57 + 6 + 52 + 51 + 245);
  model.dispose();
});

Deno.test("countMacs() counts a nested model and rejects unsupported layers", () => {
  const inner = tf.sequential({
    layers: [tf.layers.dense({ units: 3, inputShape: [4] })],
  });
  const outer = tf.sequential({ layers: [inner, tf.layers.dense({ units: 2 })] });
  assert.equal(countMacs(outer), 12 + 6);
  const rnn = tf.sequential({
    layers: [tf.layers.conv1d({ filters: 2, kernelSize: 2, inputShape: [5, 1] })],
  });
  assert.throws(() => countMacs(rnn), /Cannot count MACs: .*Conv1D is not supported/);
  outer.dispose();
  rnn.dispose();
});
