/**
 * Per-batch cost of each transform set: 128 images of 32x32x3, mixed transform indices.
 * Run: deno bench --allow-read --allow-env lib/transforms/transforms_bench.ts
 * (backend from GEOMAD_BACKEND, default wasm).
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { initBackend, parseBackend } from "../backend/select.ts";
import { geometric72 } from "./geometric.ts";
import { getTransformSet, TRANSFORM_SETS } from "./registry.ts";
import { randomImages } from "./testing.ts";

await initBackend(parseBackend(Deno.env.get("GEOMAD_BACKEND") ?? "wasm"));
const x = randomImages([128, 32, 32, 3], 1);

for (const name of TRANSFORM_SETS) {
  const set = getTransformSet(name, { height: 32, width: 32 });
  const t = Int32Array.from({ length: 128 }, (_, i) => (i * 29) % set.size);
  let seed = 0;
  Deno.bench(`${name} (${tf.getBackend()}), batch 128 x 32x32x3, mixed indices`, () => {
    const y = set.apply(x, t, { seed: seed++ });
    y.dataSync();
    y.dispose();
  });
}

const g72 = geometric72({ height: 32, width: 32 });
const t72 = Int32Array.from({ length: 128 }, (_, i) => (i * 29) % 72);
Deno.bench(`geometric72 forced tf.gather (${tf.getBackend()}), batch 128 x 32x32x3`, () => {
  g72.apply(x, t72, { method: "gather" }).dispose();
});
