import * as tf from "@tensorflow/tfjs";
import assert from "node:assert/strict";
import { NATIVE_BACKEND } from "./backend.ts";
import { skipReason } from "./testing.ts";

const ignore = skipReason !== undefined;

Deno.test({
  name: "second-order gradients through native Relu and Square equal cpu (gradient penalties)",
  ignore,
  fn: async () => {
    const x0 = tf.randomNormal([200, 100], 0, 1, "float32", 1);
    const values = x0.dataSync().slice();
    x0.dispose();
    const f = (x: tf.Tensor) => tf.sum(tf.square(tf.relu(x)));
    const penalty = (x: tf.Tensor) => tf.sum(tf.square(tf.grad(f)(x)));
    const secondOrder = async (backend: string) => {
      await tf.setBackend(backend);
      return tf.tidy(() => tf.grad(penalty)(tf.tensor(values, [200, 100])).dataSync().slice());
    };
    const native = await secondOrder(NATIVE_BACKEND);
    const cpu = await secondOrder("cpu");
    let worst = 0;
    for (let i = 0; i < cpu.length; i++) worst = Math.max(worst, Math.abs(native[i]! - cpu[i]!));
    assert.ok(worst < 1e-4, `max difference ${worst}`);
  },
});
