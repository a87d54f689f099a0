import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { usesXnnPath } from "./batch_mat_mul.ts";
import {
  assertClose,
  heapTensors,
  onCpu,
  randomValues,
  runKernelValues,
  useWasm,
} from "./testing.ts";

const CASES: Array<{ a: number[]; b: number[]; transposeA: boolean; transposeB: boolean }> = [
  { a: [37, 20], b: [37, 9], transposeA: true, transposeB: false },
  { a: [20, 37], b: [9, 37], transposeA: false, transposeB: true },
  { a: [37, 20], b: [9, 37], transposeA: true, transposeB: true },
  { a: [20, 37], b: [37, 9], transposeA: false, transposeB: false },
  { a: [1, 64, 33], b: [1, 64, 72], transposeA: true, transposeB: false },
  { a: [1, 33, 64], b: [64, 72], transposeA: false, transposeB: false },
  { a: [3, 5, 4], b: [3, 6, 4], transposeA: false, transposeB: true },
];

Deno.test("BatchMatMul on wasm matches the cpu kernel with and without transposes", async () => {
  await useWasm();
  for (const [i, c] of CASES.entries()) {
    const inputs = {
      a: { values: randomValues(c.a, i), shape: c.a },
      b: { values: randomValues(c.b, 100 + i), shape: c.b },
    };
    const attrs = { transposeA: c.transposeA, transposeB: c.transposeB };
    const ref = await onCpu(() => runKernelValues("BatchMatMul", inputs, attrs));
    const got = runKernelValues("BatchMatMul", inputs, attrs);
    assert.deepEqual(got.shape, ref.shape);
    assertClose(got.values, ref.values, { label: JSON.stringify(c) });
  }
});

Deno.test("BatchMatMul on wasm takes the XNNPACK path only for single-batch float32", () => {
  const info = (shape: number[], dtype: tf.DataType = "float32") =>
    ({ dataId: {}, shape, dtype }) as tf.TensorInfo;
  const t = { transposeA: true, transposeB: false };
  assert.ok(usesXnnPath(info([1, 4, 3]), info([4, 2]), t));
  assert.ok(!usesXnnPath(info([2, 4, 3]), info([2, 4, 2]), t));
  assert.ok(!usesXnnPath(info([4, 3], "int32"), info([4, 2], "int32"), t));
  assert.ok(!usesXnnPath(info([4, 3]), info([3, 2]), { transposeA: false, transposeB: false }));
});

Deno.test("BatchMatMul on wasm frees every temporary", async () => {
  await useWasm();
  const a = tf.randomNormal([16, 8], 0, 1, "float32", 1);
  const b = tf.randomNormal([16, 5], 0, 1, "float32", 2);
  tf.matMul(a, b, true, false).dispose();
  const before = heapTensors();
  for (let i = 0; i < 3; i++) tf.matMul(a, b, true, false).dispose();
  assert.equal(heapTensors(), before);
  tf.dispose([a, b]);
});
