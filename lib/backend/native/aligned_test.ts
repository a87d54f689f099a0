import assert from "node:assert/strict";
import { alignedFloat32, alignedUint16, ALIGNMENT, misalignment } from "./aligned.ts";

Deno.test("alignedUint16() and alignedFloat32() start on a 64-byte boundary, zeroed, any length", () => {
  for (const n of [0, 1, 3, 31, 32, 33, 1000, 1 << 20]) {
    for (const make of [alignedUint16, alignedFloat32]) {
      const a = make(n);
      assert.equal(a.length, n);
      assert.equal(misalignment(a), 0, `${make.name}(${n})`);
      assert.ok(a.byteOffset + a.byteLength <= a.buffer.byteLength);
      assert.ok(a.every((v) => v === 0));
    }
  }
  assert.equal(ALIGNMENT, 64);
});

Deno.test("aligned arrays own their buffers: writing one leaves every other unchanged", () => {
  const arrays = Array.from({ length: 8 }, (_, i) => alignedUint16(100 + i));
  arrays.forEach((a, i) => a.fill(i + 1));
  arrays.forEach((a, i) => assert.ok(a.every((v) => v === i + 1), `array ${i}`));
  assert.equal(new Set(arrays.map((a) => a.buffer)).size, arrays.length);
});

Deno.test("misalignment() is the address of the first element modulo 64", () => {
  const a = alignedFloat32(64);
  assert.equal(misalignment(a.subarray(1)), 4);
  assert.equal(misalignment(a.subarray(16)), 0);
  assert.equal(misalignment(new Uint16Array(a.buffer, a.byteOffset + 2, 3)), 2);
});

Deno.test("alignedUint16() rejects a negative or fractional length", () => {
  assert.throws(() => alignedUint16(-1), RangeError);
  assert.throws(() => alignedFloat32(1.5), RangeError);
});
