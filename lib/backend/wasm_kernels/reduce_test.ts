import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { planReduce } from "./reduce_plan.ts";
import {
  assertClose,
  heapTensors,
  onCpu,
  randomValues,
  runKernelValues,
  useWasm,
} from "./testing.ts";

const CASES: Array<
  { shape: number[]; axis: number | number[]; keepDims: boolean; centred?: boolean }
> = [
  { shape: [6, 5, 7, 8], axis: [0, 1, 2], keepDims: false },
  { shape: [6, 5, 7, 8], axis: [0, 1, 2], keepDims: true },
  { shape: [6, 5, 7, 8], axis: [1, 2], keepDims: false },
  { shape: [6, 5, 7, 8], axis: [1, 2], keepDims: true },
  { shape: [6, 5, 7, 8], axis: [2, 1], keepDims: false },
  { shape: [6, 5, 7, 8], axis: 0, keepDims: false },
  { shape: [6, 5, 7, 8], axis: [-1], keepDims: false },
  { shape: [6, 5, 7, 8], axis: [0, 2], keepDims: true },
  { shape: [6, 5, 7, 8], axis: [0, 1, 2, 3], keepDims: false },
  { shape: [6, 1, 7, 8], axis: [0, 1, 2], keepDims: true },
  { shape: [32, 16, 16, 24], axis: [0, 1, 2], keepDims: false },
  { shape: [32, 16, 16, 24], axis: [0, 1, 2], keepDims: false, centred: true },
];

Deno.test("Sum and Mean on wasm match the cpu kernels over leading, middle and other axes", async () => {
  await useWasm();
  for (const kernel of ["Sum", "Mean"]) {
    for (const [i, c] of CASES.entries()) {
      const values = randomValues(c.shape, i).map((v) => (c.centred ? v : v + 0.5));
      const inputs = { x: { values, shape: c.shape } };
      const attrs = { axis: c.axis, keepDims: c.keepDims };
      const ref = await onCpu(() => runKernelValues(kernel, inputs, attrs));
      const got = runKernelValues(kernel, inputs, attrs);
      assert.deepEqual(got.shape, ref.shape, `${kernel} ${JSON.stringify(c)}`);
      assertClose(got.values, ref.values, { label: `${kernel} ${JSON.stringify(c)}` });
    }
  }
});

Deno.test("Sum on wasm keeps int32 sums exact (stock path)", async () => {
  await useWasm();
  const x = tf.tensor4d([1, 2, 3, 4, 5, 6, 7, 8], [2, 2, 1, 2], "int32");
  const s = tf.sum(x, [0, 1, 2]);
  assert.equal(s.dtype, "int32");
  assert.deepEqual(Array.from(s.dataSync()), [16, 20]);
  tf.dispose([x, s]);
});

Deno.test("planReduce() pools only contiguous, non-innermost blocks", () => {
  assert.deepEqual(planReduce([4, 5, 6, 7], { axis: [0, 1, 2], keepDims: false }), {
    outer: 1,
    reduced: 120,
    inner: 7,
    outShape: [7],
  });
  assert.deepEqual(planReduce([4, 5, 6, 7], { axis: [1, 2], keepDims: true })?.outShape, [
    4,
    1,
    1,
    7,
  ]);
  assert.equal(planReduce([4, 5, 6, 7], { axis: [3], keepDims: false }), undefined);
  assert.equal(planReduce([4, 5, 6, 7], { axis: [0, 2], keepDims: false }), undefined);
  assert.equal(planReduce([4, 1, 6, 7], { axis: [1], keepDims: false }), undefined);
});

Deno.test("Sum and Mean on wasm free every temporary", async () => {
  await useWasm();
  const x = tf.randomNormal([4, 6, 6, 8], 0, 1, "float32", 1);
  tf.sum(x, [0, 1, 2]).dispose();
  const before = heapTensors();
  for (let i = 0; i < 3; i++) {
    tf.sum(x, [0, 1, 2]).dispose();
    tf.mean(x, [1, 2], true).dispose();
  }
  assert.equal(heapTensors(), before);
  x.dispose();
});
