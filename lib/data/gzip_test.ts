import assert from "node:assert/strict";
import { DataError } from "../util/errors.ts";
import { gunzipIfNeeded, idxSizeFromHead, isGzip } from "./gzip.ts";
import { getDatasetSpec } from "./registry.ts";
import { maxContentBytes } from "./sizes.ts";
import { encodeIdx } from "./idx.ts";
import { gzip, randomBytes } from "./testdata/fixtures.ts";

Deno.test("gunzipIfNeeded() decompresses gzip and passes raw bytes through", () => {
  const raw = encodeIdx([3], new Uint8Array([1, 2, 3]));
  assert.ok(isGzip(gzip(raw)) && !isGzip(raw));
  assert.deepEqual(gunzipIfNeeded(gzip(raw), "a.gz"), raw);
  const big = randomBytes(1 << 20, 2, 4); // larger than zlib's default 16 KiB output chunk
  assert.deepEqual(gunzipIfNeeded(gzip(big), "big.gz"), big);
  assert.equal(gunzipIfNeeded(raw, "a"), raw);
});

Deno.test("gunzipIfNeeded() rejects truncated, corrupt and non-gzip .gz files", () => {
  const gz = gzip(randomBytes(5000, 3));
  assert.throws(
    () => gunzipIfNeeded(gz.subarray(0, gz.length - 100), "train-images-idx3-ubyte.gz"),
    (e: unknown) =>
      e instanceof DataError &&
      /^Cannot read train-images-idx3-ubyte\.gz: corrupt or truncated gzip data/.test(e.message) &&
      !e.message.includes("\n"),
  );
  const corrupt = gz.slice();
  for (let i = 20; i < 60; i++) corrupt[i] = corrupt[i]! ^ 0xff;
  assert.throws(() => gunzipIfNeeded(corrupt, "c.gz"), /c\.gz: corrupt or truncated gzip data/);
  assert.throws(() => gunzipIfNeeded(new Uint8Array([1, 2, 3]), "x.gz"), /x\.gz: not gzip data/);
});

Deno.test("gunzipIfNeeded() stops at the ceiling: maxBytes, or the size an IDX header announces", () => {
  const zeros = new Uint8Array(4 << 20);
  const bomb = gzip(zeros);
  assert.ok(bomb.length < 10_000);
  assert.throws(
    () => gunzipIfNeeded(bomb, "b.gz", { maxBytes: 1 << 20 }),
    (e: unknown) =>
      e instanceof DataError &&
      /^Cannot read b\.gz: its gzip data decompresses to more than 1048576 bytes/.test(e.message),
  );
  assert.equal(gunzipIfNeeded(bomb, "b.gz", { maxBytes: 4 << 20 }).length, 4 << 20);
  const idx = encodeIdx([10, 2, 2], new Uint8Array(40));
  const padded = new Uint8Array(1 << 20);
  padded.set(idx);
  assert.equal(idxSizeFromHead(idx), 56);
  assert.equal(idxSizeFromHead(new Uint8Array([1, 2, 3, 4])), undefined);
  assert.deepEqual(gunzipIfNeeded(gzip(idx), "i.gz", { sizeFromHead: idxSizeFromHead }), idx);
  assert.throws(
    () => gunzipIfNeeded(gzip(padded), "i.gz", { sizeFromHead: idxSizeFromHead }),
    /i\.gz: its gzip data decompresses to more than 56 bytes/,
  );
  // A forged trailer size (ISIZE) does not make it allocate past the ceiling.
  const forged = bomb.slice();
  forged.set([0xff, 0xff, 0xff, 0xff], forged.length - 4);
  assert.throws(() => gunzipIfNeeded(forged, "f.gz", { maxBytes: 1 << 16 }), /more than 65536/);
});

Deno.test("maxContentBytes() derives each file's content size from the registry", () => {
  const fashion = getDatasetSpec("fashion-mnist"), cifar = getDatasetSpec("cifar10");
  const byName = (n: string) => fashion.files.find((f) => f.name === n)!;
  assert.equal(maxContentBytes(byName("t10k-images-idx3-ubyte.gz")), 16 + 10000 * 784);
  assert.equal(maxContentBytes(byName("train-labels-idx1-ubyte.gz")), 8 + 60000);
  assert.equal(maxContentBytes(cifar.files[0]!), 10000 * 3073);
  const archive = maxContentBytes(cifar.archive!)!;
  assert.ok(archive > 60000 * 3073 && archive < 60000 * 3073 + (8 << 20));
});
