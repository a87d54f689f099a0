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

Deno.test("Conv2DBackpropFilter on wasm matches the cpu kernel on every conv case", async () => {
  await useWasm();
  for (const [i, c] of CONV_CASES.entries()) {
    const dyShape = outShape(c);
    const inputs = {
      x: { values: randomValues(c.x, 10 + i), shape: c.x },
      dy: { values: randomValues(dyShape, 50 + i), shape: dyShape },
    };
    const attrs = { strides: c.strides, pad: c.pad, dataFormat: "NHWC", filterShape: c.filter };
    const ref = await onCpu(() => runKernelValues("Conv2DBackpropFilter", inputs, attrs));
    const got = runKernelValues("Conv2DBackpropFilter", inputs, attrs);
    assert.deepEqual(got.shape, c.filter);
    assertClose(got.values, ref.values, { label: caseLabel(c) });
  }
});

Deno.test("Conv2DBackpropFilter on wasm frees every temporary", async () => {
  await useWasm();
  const x = tf.randomNormal([2, 9, 9, 4], 0, 1, "float32", 1);
  const dy = tf.randomNormal([2, 5, 5, 6], 0, 1, "float32", 2);
  const attrs = { strides: 2, pad: "same", dataFormat: "NHWC", filterShape: [3, 3, 4, 6] };
  const run = () => (tf.engine().runKernel("Conv2DBackpropFilter", { x, dy }, attrs) as tf.Tensor);
  run().dispose();
  const before = heapTensors();
  for (let i = 0; i < 3; i++) run().dispose();
  assert.equal(heapTensors(), before);
  tf.dispose([x, dy]);
});

Deno.test("Conv2DBackpropFilter on wasm rejects NCHW with a clear error", async () => {
  await useWasm();
  const x = tf.zeros([1, 2, 4, 4]);
  const dy = tf.zeros([1, 2, 4, 4]);
  const attrs = { strides: 1, pad: "same", dataFormat: "NCHW", filterShape: [3, 3, 2, 2] };
  assert.throws(
    () => tf.engine().runKernel("Conv2DBackpropFilter", { x, dy }, attrs),
    /Cannot run conv gradient on wasm: dataFormat NCHW/,
  );
  tf.dispose([x, dy]);
});
