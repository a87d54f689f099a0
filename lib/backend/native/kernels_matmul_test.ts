import * as tf from "@tensorflow/tfjs";
import { assertMatchesCpu, randomTensor, skipReason } from "./testing.ts";

const ignore = skipReason !== undefined;

Deno.test({
  name: "native MatMul/BatchMatMul match cpu with transposes and batch broadcasting",
  ignore,
  async fn() {
    const a = randomTensor([37, 53], 1);
    const b = randomTensor([53, 19], 2);
    const at = randomTensor([53, 37], 3);
    const bt = randomTensor([19, 53], 4);
    await assertMatchesCpu("a b", () => tf.matMul(a, b));
    await assertMatchesCpu("a^T b", () => tf.matMul(at, b, true, false));
    await assertMatchesCpu("a b^T", () => tf.matMul(a, bt, false, true));
    await assertMatchesCpu("a^T b^T", () => tf.matMul(at, bt, true, true));
    const a3 = randomTensor([4, 37, 53], 5);
    const b3 = randomTensor([4, 53, 19], 6);
    const b1 = randomTensor([1, 53, 19], 7);
    await assertMatchesCpu("batched", () => tf.matMul(a3, b3));
    await assertMatchesCpu("batch broadcast", () => tf.matMul(a3, b1));
    await assertMatchesCpu(
      "rank 4",
      () => tf.matMul(tf.reshape(a3, [2, 2, 37, 53]), tf.reshape(b3, [2, 2, 53, 19])),
    );
    tf.dispose([a, b, at, bt, a3, b3, b1]);
  },
});

Deno.test({
  name: "native _FusedMatMul (dense layers) with bias and activations matches cpu",
  ignore,
  async fn() {
    const a = randomTensor([128, 256], 8);
    const b = randomTensor([256, 72], 9);
    const bias = randomTensor([72], 10);
    for (const activation of ["linear", "relu", "relu6", "elu", "sigmoid", "leakyrelu"] as const) {
      await assertMatchesCpu(
        `fused ${activation}`,
        () => tf.fused.matMul({ a, b, bias, activation, leakyreluAlpha: 0.3 }),
      );
    }
    // the dense layer's gradient runs BatchMatMul with transposes
    await assertMatchesCpu(
      "dense gradient",
      () => tf.grads((x: tf.Tensor, w: tf.Tensor) => tf.sum(tf.relu(tf.matMul(x, w))))([a, b]),
      { requireNative: [tf.BatchMatMul] },
    );
    tf.dispose([a, b, bias]);
  },
});
