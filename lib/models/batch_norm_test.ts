import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { NATIVE_BACKEND } from "../backend/native/backend.ts";
import { relativeError, skipReason } from "../backend/native/testing.ts";
import { nativeBatchNormTrain } from "../backend/native/ops.ts";
import { FusedBatchNormalization } from "./batch_norm.ts";
import { Rng } from "../util/rng.ts";

function layerRun(backend: string, relu = false) {
  return async () => {
    await tf.setBackend(backend);
    const rng = new Rng(5);
    const x = tf.tensor4d(
      Float32Array.from({ length: 8 * 12 * 12 * 16 }, () => rng.next() * 4 - 1),
      [
        8,
        12,
        12,
        16,
      ],
    ); // above the native size threshold, so inference takes the fused BN + ReLU kernel
    const layer = new FusedBatchNormalization({ axis: -1, momentum: 0.9, epsilon: 1e-5, relu });
    layer.build(x.shape);
    const y = layer.apply(x, { training: true }) as tf.Tensor;
    const again = layer.apply(x, { training: true }) as tf.Tensor; // second moving-average step
    const infer = layer.apply(x, { training: false }) as tf.Tensor;
    const weights = layer.getWeights().map((w) => w.dataSync() as Float32Array);
    const out = {
      y: y.dataSync() as Float32Array,
      infer: infer.dataSync() as Float32Array,
      weights,
    };
    tf.dispose([x, y, again, infer]);
    return out;
  };
}

Deno.test({
  name: "FusedBatchNormalization (with and without relu) on native equals the stock layer on cpu",
  ignore: skipReason !== undefined,
  async fn() {
    for (const relu of [false, true]) {
      const cpu = await layerRun("cpu", relu)();
      const native = await layerRun(NATIVE_BACKEND, relu)();
      assert.ok(relativeError(native.y, cpu.y) < 1e-5, `training output (relu ${relu})`);
      assert.ok(relativeError(native.infer, cpu.infer) < 1e-5, `inference output (relu ${relu})`);
      assert.equal(native.weights.length, 4); // gamma, beta, moving mean, moving variance
      native.weights.forEach((w, i) => {
        assert.ok(relativeError(w, cpu.weights[i]!) < 1e-5, `weight ${i} (relu ${relu})`);
      });
      // the moving statistics really moved twice from (0, 1)
      assert.ok(native.weights[2]!.some((v) => Math.abs(v) > 0.1), "moving mean updated");
      assert.equal(cpu.y.some((v) => v < 0), !relu, "relu clips negatives");
    }
  },
});

Deno.test({
  name:
    "FusedBatchNormalization's moving statistics equal the stock three-kernel update bit for bit",
  ignore: skipReason !== undefined,
  async fn() {
    await tf.setBackend(NATIVE_BACKEND);
    const rng = new Rng(8);
    const x = tf.tensor4d(
      Float32Array.from({ length: 4 * 6 * 6 * 512 }, () => rng.next() * 4 - 1),
      [4, 6, 6, 512],
    );
    const layer = new FusedBatchNormalization({ axis: -1, momentum: 0.99, epsilon: 1e-3 });
    layer.build(x.shape);
    // start the moving statistics away from (0, 1), so that every operation matters
    const start = [0.3, 1.7].map((v) =>
      Float32Array.from({ length: 512 }, () => v * 10 ** (rng.next() * 4 - 2))
    );
    layer.setWeights([...layer.getWeights().slice(0, 2), ...start.map((a) => tf.tensor1d(a))]);
    const [, mean, variance] = nativeBatchNormTrain(
      x,
      layer.getWeights()[0]!,
      layer.getWeights()[1]!,
      1e-3,
      { relu: false },
    )!;
    const want = [mean, variance].map((batch, i) =>
      tf.tidy(() => {
        const orig = tf.tensor1d(start[i]!);
        return tf.sub(orig, tf.mul(tf.sub(orig, batch), 1 - 0.99)).dataSync() as Float32Array;
      })
    );
    tf.dispose(layer.apply(x, { training: true }) as tf.Tensor);
    const got = layer.getWeights().slice(2).map((w) => w.dataSync() as Float32Array);
    const bits = (a: Float32Array) => Array.from(new Uint32Array(a.buffer, a.byteOffset, a.length));
    got.forEach((g, i) => {
      assert.deepEqual(bits(g), bits(want[i]!), `moving statistic ${i}`);
      assert.ok(g.some((v, j) => v !== start[i]![j]), "it moved");
    });
    tf.dispose([x, mean, variance]);
  },
});
