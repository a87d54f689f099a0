import assert from "node:assert/strict";
import sharp from "sharp";
import { montage, montageLayout, montagePixels, toUint8 } from "./montage.ts";
import type { Images } from "../data/types.ts";

/** Two 2x2 grey images: [-1, 0; 1, 0.5] and all 1. */
function twoImages(): Images {
  return {
    data: new Float32Array([-1, 0, 1, 0.5, 1, 1, 1, 1]),
    n: 2,
    height: 2,
    width: 2,
    channels: 1,
  };
}

Deno.test("toUint8() maps [-1, 1] to 0..255, clamping and sending NaN to 0", () => {
  const x: Images = {
    data: new Float32Array([-1, 0, 1, 2, -3, NaN]),
    n: 1,
    height: 1,
    width: 6,
    channels: 1,
  };
  assert.deepEqual([...toUint8(x)], [0, 128, 255, 255, 0, 0]);
  assert.deepEqual([...toUint8(x, { range: [0, 1] })], [0, 0, 255, 255, 0, 0]);
  assert.throws(() => toUint8(x, { range: [1, 1] }), RangeError);
});

Deno.test("montageLayout() picks a square-ish grid and upscales small tiles to >= 64 px", () => {
  const layout = montageLayout(10, { height: 32, width: 32 });
  assert.equal(layout.columns, 4);
  assert.equal(layout.rows, 3);
  assert.equal(layout.scale, 2);
  assert.equal(layout.width, 4 * 64 + 5 * 2);
  assert.throws(() => montageLayout(4, { height: 2, width: 2 }, { columns: 0 }), RangeError);
  assert.throws(() => montageLayout(4, { height: 2, width: 2 }, { padding: -1 }), RangeError);
});

Deno.test("montagePixels() places tiles in row order, repeating pixels to scale", () => {
  const { pixels, layout } = montagePixels(twoImages(), {
    columns: 2,
    scale: 2,
    padding: 1,
    background: 7,
  });
  assert.equal(layout.width, 11);
  assert.equal(layout.height, 6);
  const row = (y: number) => [...pixels.subarray(y * 11, y * 11 + 11)];
  assert.deepEqual(row(0), new Array(11).fill(7));
  assert.deepEqual(row(1), [7, 0, 0, 128, 128, 7, 255, 255, 255, 255, 7]);
  assert.deepEqual(row(2), row(1));
  assert.deepEqual(row(3), [7, 255, 255, 191, 191, 7, 255, 255, 255, 255, 7]);
  assert.deepEqual(row(5), new Array(11).fill(7));
});

Deno.test("montagePixels() follows indices and rejects ones outside the set", () => {
  const { pixels } = montagePixels(twoImages(), { indices: [1], scale: 1, padding: 0 });
  assert.deepEqual([...pixels], [255, 255, 255, 255]);
  assert.throws(() => montagePixels(twoImages(), { indices: [2] }), /image 2 not in a set of 2/);
  assert.throws(() => montagePixels(twoImages(), { indices: [] }), /no images selected/);
});

Deno.test("montage() encodes a PNG that decodes back to the same pixels", async () => {
  const rgb: Images = {
    data: new Float32Array(3 * 4 * 5 * 3).map((_, i) => ((i * 37) % 101) / 50 - 1),
    n: 3,
    height: 4,
    width: 5,
    channels: 3,
  };
  const options = { columns: 2, scale: 3, padding: 2 };
  const png = await montage(rgb, options);
  const { data, info } = await sharp(png).raw().toBuffer({ resolveWithObject: true });
  const { pixels, layout } = montagePixels(rgb, options);
  assert.equal(info.width, layout.width);
  assert.equal(info.height, layout.height);
  assert.equal(info.channels, 3);
  assert.deepEqual(new Uint8Array(data), pixels);
  await assert.rejects(montage({ ...rgb, channels: 2 }), /2 channels/);
});
