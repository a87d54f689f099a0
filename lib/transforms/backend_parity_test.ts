import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { initBackend } from "../backend/select.ts";
import { getTransformSet, TRANSFORM_SETS } from "./registry.ts";
import { randomImages } from "./testing.ts";

Deno.test("every set gives the same output on the wasm and cpu backends", async () => {
  const results = new Map<string, Float32Array>();
  for (const backend of ["cpu", "wasm"] as const) {
    await initBackend(backend);
    for (const name of TRANSFORM_SETS) {
      const set = getTransformSet(name, { height: 16, width: 16 });
      const x = randomImages([set.size, 16, 16, 3], 5);
      const t = Int32Array.from({ length: set.size }, (_, i) => (i * 5) % set.size);
      const y = set.apply(x, t, { seed: 9 });
      const v = y.dataSync() as Float32Array;
      tf.dispose([x, y]);
      const ref = results.get(name);
      if (!ref) {
        results.set(name, v.slice());
        continue;
      }
      let m = 0;
      for (let i = 0; i < v.length; i++) m = Math.max(m, Math.abs(v[i]! - ref[i]!));
      assert.ok(m < 1e-5, `${name}: wasm differs from cpu by ${m}`);
    }
  }
  assert.equal(tf.getBackend(), "wasm");
});
