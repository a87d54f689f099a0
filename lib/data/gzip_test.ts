import assert from "node:assert/strict";
import { DataError } from "../util/errors.ts";
import { gunzipIfNeeded, isGzip } from "./gzip.ts";
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
