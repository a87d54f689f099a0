import assert from "node:assert/strict";
import { gatherPairs } from "./pairs.ts";

Deno.test("gatherPairs() maps pair p to image floor(p / T) and transformation p % T", () => {
  // 3 images of 2 values each, image i filled with i
  const images = {
    data: Float32Array.from([0, 0, 1, 1, 2, 2]),
    n: 3,
    height: 1,
    width: 2,
    channels: 1,
  };
  const b = gatherPairs(images, [5, 0, 3, 4], { nTransforms: 2 });
  assert.equal(b.m, 4);
  assert.deepEqual(Array.from(b.t), [1, 0, 1, 0]);
  assert.deepEqual(Array.from(b.data), [2, 2, 0, 0, 1, 1, 2, 2]);
  assert.throws(
    () => gatherPairs(images, [6], { nTransforms: 2 }),
    /Cannot gather pair 6: there are 6 pairs/,
  );
  assert.throws(() => gatherPairs(images, [-1], { nTransforms: 2 }), RangeError);
});
