import assert from "node:assert/strict";
import { decodeBmp, encodeBmp24 } from "./bmp.ts";

Deno.test("decodeBmp() reads back what encodeBmp24() wrote (odd width, row padding)", () => {
  const w = 5, h = 3;
  const rgb = Uint8Array.from({ length: w * h * 3 }, (_, i) => (i * 37) % 256);
  const out = decodeBmp(encodeBmp24(rgb, w, h));
  assert.deepEqual([out.width, out.height, out.channels], [5, 3, 3]);
  assert.deepEqual(out.data, rgb);
});

Deno.test("decodeBmp() refuses truncated, compressed and non-BMP bytes with a reason", () => {
  const bmp = encodeBmp24(new Uint8Array(4 * 4 * 3), 4, 4);
  assert.throws(() => decodeBmp(bmp.subarray(0, 60)), /truncated BMP file/);
  const rle = bmp.slice();
  new DataView(rle.buffer).setUint32(30, 1, true);
  assert.throws(() => decodeBmp(rle), /compressed BMP \(compression 1\)/);
  assert.throws(
    () => decodeBmp(new TextEncoder().encode("hello, this is not an image at all")),
    /not a BMP/,
  );
});
