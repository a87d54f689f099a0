import assert from "node:assert/strict";
import { DataError } from "../util/errors.ts";
import { encodeIdx, parseIdx, readIdxImages, readIdxLabels } from "./idx.ts";
import { randomBytes } from "./testdata/fixtures.ts";

Deno.test("encodeIdx() writes the official header and parseIdx() reads it back", () => {
  const data = randomBytes(2 * 28 * 28, 1);
  const bytes = encodeIdx([2, 28, 28], data);
  assert.deepEqual([...bytes.subarray(0, 16)], [0, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0, 28, 0, 0, 0, 28]);
  const idx = parseIdx(bytes, "x", 3);
  assert.deepEqual(idx.dims, [2, 28, 28]);
  assert.deepEqual(idx.data, data);
});

Deno.test("readIdxImages() rejects a wrong magic number, naming the file", () => {
  const labels = encodeIdx([3], new Uint8Array([1, 2, 3]));
  assert.throws(
    () => readIdxImages(labels, "train-images-idx3-ubyte.gz"),
    (e: unknown) =>
      e instanceof DataError &&
      /^Cannot read train-images-idx3-ubyte\.gz: wrong IDX magic 0x00000801, expected 0x00000803$/
        .test(e.message),
  );
  const bad = encodeIdx([1, 28, 28], new Uint8Array(784));
  bad[2] = 0x0d; // float type
  assert.throws(() => readIdxImages(bad, "f"), /wrong IDX magic 0x00000d03/);
});

Deno.test("parseIdx() rejects truncated files and trailing bytes", () => {
  const bytes = encodeIdx([2, 28, 28], new Uint8Array(2 * 784));
  assert.throws(
    () => parseIdx(bytes.subarray(0, bytes.length - 1), "imgs", 3),
    (e: unknown) =>
      e instanceof DataError &&
      /imgs: file truncated: header 2x28x28 needs 1568 data bytes, found 1567/.test(e.message),
  );
  const longer = new Uint8Array(bytes.length + 3);
  longer.set(bytes);
  assert.throws(() => parseIdx(longer, "imgs", 3), /has trailing bytes/);
  assert.throws(() => parseIdx(bytes.subarray(0, 10), "imgs", 3), /truncated IDX header/);
  assert.throws(() => parseIdx(new Uint8Array(2), "imgs", 3), /too short for IDX/);
});

Deno.test("readIdxImages() rejects images of the wrong size", () => {
  const bytes = encodeIdx([1, 27, 28], new Uint8Array(27 * 28));
  assert.throws(
    () => readIdxImages(bytes, "t10k-images-idx3-ubyte", { height: 28, width: 28 }),
    (e: unknown) => e instanceof DataError && /images are 27x28, expected 28x28/.test(e.message),
  );
});

Deno.test("readIdxLabels() rejects a label out of range, naming index and value", () => {
  const bytes = encodeIdx([4], new Uint8Array([0, 9, 10, 1]));
  assert.throws(
    () => readIdxLabels(bytes, "train-labels-idx1-ubyte.gz", 10),
    (e: unknown) =>
      e instanceof DataError &&
      e.message ===
        "Cannot read train-labels-idx1-ubyte.gz: label 10 at index 2 is out of range 0..9",
  );
  assert.deepEqual([...readIdxLabels(bytes, "x", 11)], [0, 9, 10, 1]);
});
