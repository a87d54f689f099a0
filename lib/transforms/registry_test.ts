import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { initBackend } from "../backend/select.ts";
import { UsageError } from "../util/errors.ts";
import { getTransformSet, isTransformSetName, TRANSFORM_SETS } from "./registry.ts";
import { maxAbsDiff, randomImages } from "./testing.ts";

await initBackend("cpu");

Deno.test("TRANSFORM_SETS lists every set with its size and kind", () => {
  const shape = { height: 32, width: 32 };
  const summary = TRANSFORM_SETS.map((name) => {
    const s = getTransformSet(name, shape);
    assert.equal(s.name, name);
    assert.equal(s.labels.length, s.size);
    assert.equal(new Set(s.labels).size, s.size, `${name} labels are unique`);
    return `${name}:${s.size}:${s.kind}`;
  });
  assert.deepEqual(summary, [
    "geometric72:72:geometric",
    "rot4:4:geometric",
    "flip-rot8:8:geometric",
    "translate9:9:geometric",
    "noise:6:non-geometric",
    "blur:5:non-geometric",
    "sharpen:5:non-geometric",
    "gamma:5:non-geometric",
    "rot4-noise:16:mixed",
    "rot-trans36:36:geometric",
  ]);
  assert.ok(isTransformSetName("rot4") && !isTransformSetName("rot5"));
});

Deno.test("getTransformSet() rejects unknown names with a UsageError listing the valid ones", () => {
  assert.throws(
    () => getTransformSet("rotations", { height: 32, width: 32 }),
    (err: unknown) =>
      err instanceof UsageError && /geometric72, rot4, flip-rot8/.test(err.message) &&
      /'rotations'/.test(err.message),
  );
  assert.throws(() => getTransformSet("rot4", { height: 32, width: 28 }), RangeError);
  assert.throws(() => getTransformSet("blur", { height: 0, width: 28 }), RangeError);
});

Deno.test("every set: index 0 is the identity and apply() leaks no tensors", () => {
  const x = randomImages([6, 12, 12, 3], 21);
  for (const name of TRANSFORM_SETS) {
    const set = getTransformSet(name, { height: 12, width: 12 });
    const before = tf.memory().numTensors;
    const id = set.apply(x, new Int32Array(6), { seed: 1 });
    assert.equal(maxAbsDiff(id, x), 0, `${name} index 0`);
    const t = Int32Array.from({ length: 6 }, (_, i) => (i * 7) % set.size);
    const y = set.apply(x, t, { seed: 2 });
    assert.deepEqual(y.shape, x.shape);
    assert.equal(y.dtype, "float32");
    tf.dispose([id, y]);
    assert.equal(tf.memory().numTensors, before, `${name} leaks`);
  }
  x.dispose();
});
