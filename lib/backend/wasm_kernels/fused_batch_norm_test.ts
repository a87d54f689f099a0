import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import {
  assertClose,
  heapTensors,
  onCpu,
  randomValues,
  runKernelValues,
  useWasm,
} from "./testing.ts";

type Param = { values: Float32Array; shape: number[] };

function params(c: number, shape: number[], seed: number): Record<string, Param> {
  const pos = (v: Float32Array) => v.map((u) => Math.abs(u) + 0.1);
  return {
    mean: { values: randomValues([c], seed), shape },
    variance: { values: pos(randomValues([c], seed + 1)), shape },
    offset: { values: randomValues([c], seed + 2), shape },
    scale: { values: randomValues([c], seed + 3), shape },
  };
}

Deno.test("FusedBatchNorm on wasm matches the cpu kernel with [C] and [1,1,1,C] parameters", async () => {
  await useWasm();
  const xShape = [3, 5, 4, 6];
  const x = { values: randomValues(xShape, 1).map((v) => 3 * v + 2), shape: xShape };
  for (const pShape of [[6], [1, 1, 1, 6]]) {
    for (const drop of [[], ["offset"], ["scale"], ["offset", "scale"]]) {
      const p = params(6, pShape, 10);
      for (const d of drop) delete p[d];
      const inputs = { x, ...p };
      const attrs = { varianceEpsilon: 1e-3 };
      const ref = await onCpu(() => runKernelValues("FusedBatchNorm", inputs, attrs));
      const got = runKernelValues("FusedBatchNorm", inputs, attrs);
      assert.deepEqual(got.shape, xShape);
      assertClose(got.values, ref.values, { label: `params ${pShape} without ${drop}` });
    }
  }
});

Deno.test("FusedBatchNorm on wasm falls back to the stock kernel for full-shape parameters", async () => {
  await useWasm();
  const shape = [2, 3];
  const x = { values: randomValues(shape, 1), shape };
  const p = {
    mean: { values: randomValues(shape, 2), shape },
    variance: { values: randomValues(shape, 3).map((v) => Math.abs(v) + 0.1), shape },
  };
  const attrs = { varianceEpsilon: 1e-3 };
  const ref = await onCpu(() => runKernelValues("FusedBatchNorm", { x, ...p }, attrs));
  assertClose(runKernelValues("FusedBatchNorm", { x, ...p }, attrs).values, ref.values);
});

Deno.test("FusedBatchNorm on wasm frees every temporary", async () => {
  await useWasm();
  const x = tf.randomNormal([2, 4, 4, 3], 0, 1, "float32", 1) as tf.Tensor4D;
  const m = tf.zeros([3]);
  const v = tf.ones([3]);
  tf.batchNorm(x, m, v, m, v).dispose();
  const before = heapTensors();
  for (let i = 0; i < 3; i++) tf.batchNorm(x, m, v, m, v).dispose();
  assert.equal(heapTensors(), before);
  tf.dispose([x, m, v]);
});
