import assert from "node:assert/strict";
import { toImages } from "./preprocess.ts";
import type { RawImageSet } from "./types.ts";

function raw(n: number, h: number, w: number, c: number, fill: (i: number) => number): RawImageSet {
  const images = Uint8Array.from({ length: n * h * w * c }, (_, i) => fill(i));
  return { images, labels: new Uint8Array(n), n, height: h, width: w, channels: c };
}

Deno.test("toImages() scales by 2*(x/255)-1", () => {
  const r = raw(1, 2, 2, 3, (i) => [0, 255, 51, 128][i % 4]!);
  const x = toImages(r);
  assert.deepEqual([x.n, x.height, x.width, x.channels], [1, 2, 2, 3]);
  assert.equal(x.data[0], -1);
  assert.equal(x.data[1], 1);
  assert.equal(x.data[2], Math.fround(2 * (51 / 255) - 1));
  assert.equal(x.data[3], Math.fround(2 * (128 / 255) - 1));
});

Deno.test("toImages() pads 28x28 to 32x32 with -1 borders before scaling", () => {
  const r = raw(2, 28, 28, 1, (i) => (i < 784 ? 255 : ((i - 784) % 250) + 3));
  const x = toImages(r, [1, 0], { padTo: 32 });
  assert.deepEqual([x.n, x.height, x.width, x.channels], [2, 32, 32, 1]);
  const img1 = x.data.subarray(1024, 2048); // the second output = input image 0 (all 255)
  for (let y = 0; y < 32; y++) {
    for (let xx = 0; xx < 32; xx++) {
      const inside = y >= 2 && y < 30 && xx >= 2 && xx < 30;
      assert.equal(img1[y * 32 + xx], inside ? 1 : -1);
    }
  }
  // Pixel (row 0, col 0) of input image 1 lands at (2, 2); (row 3, col 5) at (5, 7).
  const img0 = x.data.subarray(0, 1024);
  assert.equal(img0[2 * 32 + 2], Math.fround(2 * (3 / 255) - 1));
  assert.equal(img0[5 * 32 + 7], Math.fround(2 * ((3 * 28 + 5 + 3) / 255) - 1));
  assert.equal(img0[0], -1);
  assert.equal(img0[31 * 32 + 31], -1);
});

Deno.test("toImages() rejects bad padding and indices", () => {
  const r = raw(1, 28, 28, 1, () => 0);
  assert.throws(() => toImages(r, undefined, { padTo: 31 }), RangeError);
  assert.throws(() => toImages(r, undefined, { padTo: 20 }), RangeError);
  assert.throws(() => toImages(r, [1]), /Cannot take image 1/);
});
