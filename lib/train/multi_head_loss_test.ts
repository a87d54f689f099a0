import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { initBackend } from "../backend/select.ts";
import { ROT_TRANS_HEADS, rotTransLabels } from "../transforms/rot_trans.ts";
import { headLabelTable, multiHeadLoss } from "./multi_head_loss.ts";

await initBackend("cpu");

Deno.test("headLabelTable holds the three labels of all 36 rotation x translation transforms", () => {
  const table = headLabelTable({ heads: ROT_TRANS_HEADS, nTransforms: 36, labels: rotTransLabels });
  for (let t = 0; t < 36; t++) {
    assert.deepEqual(Array.from(table.subarray(3 * t, 3 * t + 3)), [
      Math.floor(t / 9),
      Math.floor(t / 3) % 3,
      t % 3,
    ]);
  }
  assert.throws(() => headLabelTable({ heads: [2], nTransforms: 2, labels: (t) => [t + 1] }));
});

Deno.test("multiHeadLoss is the sum of each head's cross-entropy", () => {
  const loss = multiHeadLoss({ heads: [2, 3], nTransforms: 2, labels: (t) => [t, 2 - t] });
  const out = tf.tensor2d([
    [0.3, 0.7, 0.5, 0.25, 0.25], // t = 1: head0 label 1 (0.7), head1 label 1 (0.25)
    [0.9, 0.1, 0.2, 0.2, 0.6], // t = 0: head0 label 0 (0.9), head1 label 2 (0.6)
  ]);
  const labels = tf.tensor1d([1, 0], "int32");
  const got = loss([out], labels).dataSync()[0]!;
  const want = -(Math.log(0.7) + Math.log(0.9)) / 2 - (Math.log(0.25) + Math.log(0.6)) / 2;
  assert.ok(Math.abs(got - want) < 1e-5, `${got} vs ${want}`);
  tf.dispose([out, labels]);
});
