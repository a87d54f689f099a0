/**
 * A forward or backward-data convolution reorders its filter once while the filter array and
 * its generation stay the same (scoring batches after training), and again as soon as either
 * changes, including when the buffer pool hands the same array out with new contents.
 */
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { NATIVE_BACKEND, type NativeBackend } from "./backend.ts";
import { filterStats } from "./conv.ts";
import { randomTensor, skipReason } from "./testing.ts";

const ignore = skipReason !== undefined;
/** The bits of a tensor's values as one string (cheap to compare, short to print). */
function bits(t: tf.Tensor): string {
  const u = new Uint32Array((t.dataSync() as Float32Array).slice().buffer);
  let h = 0x811c9dc5;
  for (const v of u) h = Math.imul(h ^ v, 0x01000193) >>> 0;
  return `${u.length}:${h.toString(16)}`;
}

for (const precision of ["fp32", "bf16"] as const) {
  Deno.test({
    name: `conv filters: reordered once per array generation, same bytes (native ${precision})`,
    ignore,
    async fn() {
      await tf.setBackend(NATIVE_BACKEND);
      const backend = tf.backend() as unknown as NativeBackend;
      backend.precision = precision;
      try {
        const x = randomTensor([2, 8, 8, 128], 1) as tf.Tensor4D;
        const dy = randomTensor([2, 8, 8, 128], 2) as tf.Tensor4D;
        const w0 = randomTensor([3, 3, 128, 128], 3);
        const forward = (f: tf.Tensor) => tf.conv2d(x, f as tf.Tensor4D, 1, "same");
        const backwardData = (f: tf.Tensor) =>
          tf.engine().runKernel(tf.Conv2DBackpropInput, { dy, filter: f }, {
            strides: [1, 1],
            pad: "same",
            dataFormat: "NHWC",
            dilations: [1, 1],
            inputShape: [2, 8, 8, 128],
          }) as tf.Tensor;
        // the reference: a copy the backend does not track, reordered on every call (copied
        // from the storage: dataSync would take the array out of the pool for good)
        const fresh = (f: tf.Tensor) =>
          tf.tensor((backend.data.get(f.dataId)!.values as Float32Array).slice(), f.shape);
        for (const pass of [forward, backwardData]) {
          // a kernel output (147,456 values: a pooled buffer) is a tracked filter
          const f1 = tf.mul(w0, 1.5);
          const array = backend.data.get(f1.dataId)!.values as Float32Array;
          assert.ok(backend.generation(array) !== undefined, "the filter is tracked");
          const ref1 = fresh(f1);
          const s0 = { ...filterStats };
          const a = pass(f1), b = pass(f1);
          assert.equal(filterStats.reordered - s0.reordered, 1, "one reorder for two calls");
          assert.equal(filterStats.reused - s0.reused, 1);
          // the pool hands the same array out again with new contents: reordered again
          f1.dispose();
          const f2 = tf.mul(w0, -0.75);
          assert.ok(backend.data.get(f2.dataId)!.values === array, "the pool reused the array");
          const s1 = { ...filterStats };
          const c = pass(f2);
          assert.equal(filterStats.reordered - s1.reordered, 1, "new generation, new reorder");
          // the same bytes as with filters reordered on the spot
          const ref2 = fresh(f2);
          const r1 = pass(ref1), r2 = pass(ref2);
          assert.equal(bits(a), bits(r1));
          assert.equal(bits(b), bits(r1));
          assert.equal(bits(c), bits(r2));
          assert.notEqual(bits(c), bits(a));
          // an untracked filter is reordered on every call
          const s2 = { ...filterStats };
          pass(ref2).dispose();
          pass(ref2).dispose();
          assert.equal(filterStats.reordered - s2.reordered, 2);
          assert.equal(filterStats.reused - s2.reused, 0);
          tf.dispose([a, b, c, r1, r2, ref1, ref2, f2]);
        }
        tf.dispose([x, dy, w0]);
      } finally {
        backend.precision = "fp32";
      }
    },
  });
}
