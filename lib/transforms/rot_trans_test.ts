import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { initBackend } from "../backend/select.ts";
import { geometric72 } from "./geometric.ts";
import { ROT_TRANS_HEADS, rotTrans36, rotTransLabels } from "./rot_trans.ts";
import { maxAbsDiff, randomImages } from "./testing.ts";

await initBackend("cpu");

Deno.test("rotTransLabels gives the three head labels of all 36 transformations", () => {
  const set = rotTrans36({ height: 32, width: 32 });
  assert.equal(set.size, 36);
  const seen = new Set<string>();
  const shift = [0, -8, 8];
  for (let t = 0; t < 36; t++) {
    const [r, x, y] = rotTransLabels(t);
    assert.ok(r >= 0 && r < ROT_TRANS_HEADS[0] && x >= 0 && x < 3 && y >= 0 && y < 3);
    // The labels name exactly the transformation the set applies at t.
    assert.deepEqual(set.params[t], { flip: false, tx: shift[x], ty: shift[y], k: r });
    assert.equal(set.labels[t], `tx=${shift[x]} ty=${shift[y]} rot=${90 * r}`);
    seen.add(`${r},${x},${y}`);
  }
  assert.equal(seen.size, 36, "every (rotation, tx, ty) combination once");
  // Spot values, written out by hand.
  assert.deepEqual(rotTransLabels(0), [0, 0, 0]);
  assert.deepEqual(rotTransLabels(5), [0, 1, 2]);
  assert.deepEqual(rotTransLabels(9), [1, 0, 0]);
  assert.deepEqual(rotTransLabels(22), [2, 1, 1]);
  assert.deepEqual(rotTransLabels(35), [3, 2, 2]);
  for (const bad of [-1, 36, 1.5, NaN]) assert.throws(() => rotTransLabels(bad), RangeError);
});

Deno.test("rot-trans36 applies the same pixels as GEOM's unflipped transformations", () => {
  const rt = rotTrans36({ height: 16, width: 16 });
  const g = geometric72({ height: 16, width: 16 });
  const x = randomImages([36, 16, 16, 1], 3);
  const t = Int32Array.from({ length: 36 }, (_, i) => i);
  // geometric72 index of the same (tx, ty, k), flip 0: 12 txIdx + 4 tyIdx + k.
  const gt = Int32Array.from(t, (i) => {
    const [k, xi, yi] = rotTransLabels(i);
    return 12 * xi + 4 * yi + k;
  });
  const a = rt.apply(x, t), b = g.apply(x, gt);
  assert.equal(maxAbsDiff(a, b), 0);
  tf.dispose([a, b, x]);
});

Deno.test("rot-trans36 scales the shift with the image size and refuses non-square images", () => {
  assert.equal(rotTrans36({ height: 64, width: 64 }).params[5]!.ty, 16);
  assert.equal(rotTrans36({ height: 32, width: 32 }).params[5]!.ty, 8);
  assert.throws(() => rotTrans36({ height: 32, width: 28 }), /square images/);
});
