import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { tileInto } from "./tile.ts";
import {
  assertClose,
  heapTensors,
  onCpu,
  randomValues,
  runKernelValues,
  useWasm,
} from "./testing.ts";

const CASES: Array<{ shape: number[]; reps: number[] }> = [
  { shape: [1, 1, 1, 8], reps: [4, 5, 6, 1] },
  { shape: [2, 3], reps: [3, 2] },
  { shape: [2, 1, 3], reps: [1, 4, 2] },
  { shape: [5], reps: [1] },
  { shape: [3, 2, 2, 2], reps: [2, 1, 3, 2] },
];

Deno.test("Tile on wasm matches the cpu kernel", async () => {
  await useWasm();
  for (const [i, c] of CASES.entries()) {
    const inputs = { x: { values: randomValues(c.shape, i), shape: c.shape } };
    const ref = await onCpu(() => runKernelValues("Tile", inputs, { reps: c.reps }));
    const got = runKernelValues("Tile", inputs, { reps: c.reps });
    assert.deepEqual(got.shape, ref.shape);
    assertClose(got.values, ref.values, { rtol: 0, label: JSON.stringify(c) });
  }
});

Deno.test("Tile on wasm tiles int32 and bool tensors", async () => {
  await useWasm();
  const i = tf.tile(tf.tensor2d([1, 2, 3, 4], [2, 2], "int32"), [1, 2]);
  assert.equal(i.dtype, "int32");
  assert.deepEqual(Array.from(i.dataSync()), [1, 2, 1, 2, 3, 4, 3, 4]);
  const b = tf.tile(tf.tensor1d([true, false], "bool"), [2]);
  assert.deepEqual(Array.from(b.dataSync()), [1, 0, 1, 0]);
  tf.dispose([i, b]);
});

Deno.test("tileInto() writes a hand-checked tiling", () => {
  const out = new Float32Array(12);
  tileInto(Float32Array.from([1, 2, 3]), out, { shape: [1, 3], reps: [2, 2] });
  assert.deepEqual(Array.from(out), [1, 2, 3, 1, 2, 3, 1, 2, 3, 1, 2, 3]);
  const out2 = new Float32Array(8);
  tileInto(Float32Array.from([1, 2, 3, 4]), out2, { shape: [2, 2], reps: [2, 1] });
  assert.deepEqual(Array.from(out2), [1, 2, 3, 4, 1, 2, 3, 4]);
});

Deno.test("Tile on wasm frees every temporary", async () => {
  await useWasm();
  const x = tf.ones([1, 1, 1, 4]);
  tf.tile(x, [2, 3, 3, 1]).dispose();
  const before = heapTensors();
  for (let i = 0; i < 3; i++) tf.tile(x, [2, 3, 3, 1]).dispose();
  assert.equal(heapTensors(), before);
  x.dispose();
});
