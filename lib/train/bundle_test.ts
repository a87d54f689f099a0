import assert from "node:assert/strict";
import { decodeBundle, encodeBundle } from "./bundle.ts";

const arrays = () => [
  { name: "w", shape: [2, 3], data: Float32Array.from([1, -2.5, 3e-30, NaN, Infinity, -0]) },
  { name: "empty", shape: [0], data: new Float32Array(0) },
  { name: "s", shape: [], data: Float32Array.from([0.1]) },
];

Deno.test("a bundle round-trips its meta and every float32 bit", async () => {
  const meta = { epoch: 2, loss: 0.1 + 0.2, history: [1.5, 2], name: "é" };
  const bytes = await encodeBundle(meta, arrays());
  const back = await decodeBundle(bytes);
  assert.deepEqual(back.meta, meta);
  assert.equal(back.arrays.length, 3);
  for (const [i, a] of arrays().entries()) {
    const b = back.arrays[i]!;
    assert.equal(b.name, a.name);
    assert.deepEqual(b.shape, a.shape);
    assert.deepEqual(
      new Uint32Array(b.data.slice().buffer),
      new Uint32Array(a.data.slice().buffer),
      `${a.name} bit for bit`,
    );
  }
});

Deno.test("a damaged or foreign bundle is refused with the reason", async () => {
  const bytes = await encodeBundle({ a: 1 }, arrays());
  const flipped = bytes.slice();
  flipped[flipped.length - 2]! ^= 0x10;
  await assert.rejects(decodeBundle(flipped), /checksum mismatch/);
  await assert.rejects(decodeBundle(bytes.subarray(0, bytes.length - 4)), /bytes, the header says/);
  await assert.rejects(decodeBundle(new TextEncoder().encode("{}")), /not a geomad checkpoint/);
  const header = bytes.slice();
  header[12] = 0x78; // the JSON's opening brace
  await assert.rejects(decodeBundle(header), /damaged header/);
  await assert.rejects(
    encodeBundle({}, [{ name: "x", shape: [2], data: new Float32Array(3) }]),
    /Cannot encode x: 3 values, shape \[2\] needs 2/,
  );
});
