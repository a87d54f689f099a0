import * as tf from "@tensorflow/tfjs";
import { assertMatchesCpu, randomTensor, skipReason } from "./testing.ts";

const ignore = skipReason !== undefined;

const CASES: Array<
  { x: number[]; f: [number, number]; s: [number, number]; pad: "same" | "valid" }
> = [
  { x: [4, 16, 16, 32], f: [2, 2], s: [2, 2], pad: "valid" },
  { x: [4, 8, 8, 256], f: [8, 8], s: [8, 8], pad: "valid" },
  { x: [4, 15, 13, 24], f: [3, 3], s: [2, 2], pad: "same" },
  { x: [4, 15, 13, 24], f: [3, 2], s: [1, 2], pad: "valid" },
];

Deno.test({
  name: "native AvgPool/MaxPool and their gradients match cpu",
  ignore,
  async fn() {
    for (const [i, c] of CASES.entries()) {
      const x = randomTensor(c.x, 60 + i) as tf.Tensor4D;
      const label = `x${c.x.join("x")} f${c.f} s${c.s} ${c.pad}`;
      await assertMatchesCpu(`avgPool ${label}`, () => tf.avgPool(x, c.f, c.s, c.pad));
      await assertMatchesCpu(`maxPool ${label}`, () => tf.maxPool(x, c.f, c.s, c.pad));
      const w = randomTensor(tf.avgPool(x, c.f, c.s, c.pad).shape, 70 + i);
      await assertMatchesCpu(
        `avgPool grad ${label}`,
        () =>
          tf.grad((t: tf.Tensor) =>
            tf.sum(tf.mul(tf.avgPool(t as tf.Tensor4D, c.f, c.s, c.pad), w))
          )(x),
        { requireNative: [tf.AvgPoolGrad] },
      );
      await assertMatchesCpu(
        `maxPool grad ${label}`,
        () =>
          tf.grad((t: tf.Tensor) =>
            tf.sum(tf.mul(tf.maxPool(t as tf.Tensor4D, c.f, c.s, c.pad), w))
          )(x),
        { requireNative: [tf.MaxPoolGrad] },
      );
      tf.dispose([x, w]);
    }
  },
});
