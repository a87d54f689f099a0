import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { Rng } from "../../util/rng.ts";
import { NATIVE_BACKEND } from "./backend.ts";
import { softmaxRows } from "./kernels_softmax.ts";
import { nativeKernelStats } from "./register.ts";
import { skipReason } from "./testing.ts";

/** Rows of logits from tiny to huge, with ties, -Infinity, a NaN row and an all-equal row. */
function logits(rows: number, c: number, seed: number): Float32Array {
  const rng = new Rng(seed);
  const x = new Float32Array(rows * c);
  for (let i = 0; i < x.length; i++) {
    const scale = 10 ** (rng.next() * 6 - 3);
    x[i] = (rng.next() * 2 - 1) * scale;
  }
  x[5] = -Infinity;
  x.fill(3, c, 2 * c); // all equal
  x[2 * c + 1] = NaN;
  x[3 * c + 2] = 88.7; // exp near float32's limit
  x[3 * c + 3] = 88.7;
  return x;
}

const bits = (a: Float32Array) => Array.from(new Uint32Array(a.buffer, a.byteOffset, a.length));

Deno.test("softmaxRows() gives the cpu backend's softmax bit for bit", async () => {
  await tf.setBackend("cpu");
  for (const [rows, c] of [[128, 72], [7, 1], [33, 10], [4, 257]] as const) {
    const x = logits(rows, c, rows + c);
    const want = tf.tidy(() => tf.softmax(tf.tensor2d(x, [rows, c])).dataSync() as Float32Array);
    const got = new Float32Array(x.length);
    softmaxRows(x, c, got);
    assert.deepEqual(bits(got), bits(want), `${rows}x${c}`);
  }
});

Deno.test({
  name: "the native Softmax kernel runs and equals the cpu backend's bit for bit",
  ignore: skipReason !== undefined,
  async fn() {
    const x = logits(64, 72, 9);
    await tf.setBackend("cpu");
    const want = tf.tidy(() => tf.softmax(tf.tensor3d(x, [8, 8, 72])).dataSync() as Float32Array);
    await tf.setBackend(NATIVE_BACKEND);
    nativeKernelStats(true);
    const got = tf.tidy(() => tf.softmax(tf.tensor3d(x, [8, 8, 72])).dataSync() as Float32Array);
    assert.equal(nativeKernelStats()[tf.Softmax]?.native, 1);
    assert.deepEqual(bits(got), bits(want));
    // its gradient (tfjs's, from the output) still runs
    const g = tf.tidy(() =>
      tf.grad((t: tf.Tensor) => tf.sum(tf.mul(tf.softmax(t), tf.range(0, 72))))(
        tf.tensor2d(x.subarray(72 * 4, 72 * 8), [4, 72]),
      ).dataSync()
    );
    assert.ok(g.every(Number.isFinite));
  },
});
