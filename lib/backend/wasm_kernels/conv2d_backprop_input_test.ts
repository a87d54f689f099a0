import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { caseLabel, CONV_CASES, outShape } from "./conv_cases.ts";
import {
  assertClose,
  heapTensors,
  onCpu,
  randomValues,
  runKernelValues,
  useWasm,
} from "./testing.ts";

Deno.test("Conv2DBackpropInput on wasm matches the cpu kernel on every conv case", async () => {
  await useWasm();
  for (const [i, c] of CONV_CASES.entries()) {
    const dyShape = outShape(c);
    const inputs = {
      dy: { values: randomValues(dyShape, 10 + i), shape: dyShape },
      filter: { values: randomValues(c.filter, 50 + i), shape: c.filter },
    };
    const attrs = { strides: c.strides, pad: c.pad, dataFormat: "NHWC", inputShape: c.x };
    const ref = await onCpu(() => runKernelValues("Conv2DBackpropInput", inputs, attrs));
    const got = runKernelValues("Conv2DBackpropInput", inputs, attrs);
    assert.deepEqual(got.shape, c.x);
    assertClose(got.values, ref.values, { label: caseLabel(c) });
  }
});

Deno.test("Conv2DBackpropInput on wasm handles padding that crops dy", async () => {
  await useWasm();
  // A bottom padding larger than the filter: the last dy rows see only padding.
  const x: [number, number, number, number] = [2, 5, 4, 3];
  const filter: [number, number, number, number] = [3, 2, 3, 2];
  const pad = [[0, 0], [0, 4], [0, 3], [0, 0]] as tf.backend_util.ExplicitPadding;
  const dyShape = outShape({ x, filter, strides: 1, pad });
  const inputs = {
    dy: { values: randomValues(dyShape, 3), shape: dyShape },
    filter: { values: randomValues(filter, 4), shape: filter },
  };
  const attrs = { strides: 1, pad, dataFormat: "NHWC", inputShape: x };
  const ref = await onCpu(() => runKernelValues("Conv2DBackpropInput", inputs, attrs));
  assertClose(runKernelValues("Conv2DBackpropInput", inputs, attrs).values, ref.values);
});

Deno.test("Conv2DBackpropInput on wasm frees every temporary", async () => {
  await useWasm();
  const dy = tf.randomNormal([2, 5, 5, 6], 0, 1, "float32", 1);
  const filter = tf.randomNormal([3, 3, 4, 6], 0, 1, "float32", 2);
  const attrs = { strides: 2, pad: "same", dataFormat: "NHWC", inputShape: [2, 9, 9, 4] };
  const run =
    () => (tf.engine().runKernel("Conv2DBackpropInput", { dy, filter }, attrs) as tf.Tensor);
  run().dispose();
  const before = heapTensors();
  for (let i = 0; i < 3; i++) run().dispose();
  assert.equal(heapTensors(), before);
  tf.dispose([dy, filter]);
});
