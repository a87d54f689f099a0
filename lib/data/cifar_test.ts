import assert from "node:assert/strict";
import { DataError } from "../util/errors.ts";
import { encodeCifarRecords, parseCifarRecords } from "./cifar.ts";
import { CIFAR100_FINE_TO_COARSE } from "./registry.ts";
import { cifarRecords } from "./testdata/fixtures.ts";

const C10 = { labelBytes: 1 as const, numClasses: 10 };
const C100 = {
  labelBytes: 2 as const,
  numClasses: 20,
  numFineClasses: 100,
  fineToCoarse: CIFAR100_FINE_TO_COARSE,
};

Deno.test("parseCifarRecords() maps CHW records to HWC pixels (CIFAR-10 layout)", () => {
  // One record: label 7, red plane = 1, green = 2, blue = 3, except pixel (row 0, col 1).
  const rec = new Uint8Array(3073);
  rec[0] = 7;
  rec.fill(1, 1, 1025).fill(2, 1025, 2049).fill(3, 2049, 3073);
  rec[1 + 1] = 101; // red of pixel 1
  rec[1 + 1024 + 1] = 102; // green of pixel 1
  rec[1 + 2048 + 1] = 103; // blue of pixel 1
  const r = parseCifarRecords(rec, "data_batch_1.bin", C10);
  assert.equal(r.n, 1);
  assert.deepEqual([...r.labels], [7]);
  assert.deepEqual([...r.images.subarray(0, 6)], [1, 2, 3, 101, 102, 103]);
  assert.equal(r.fineLabels, undefined);
});

Deno.test("parseCifarRecords() reads coarse then fine labels (CIFAR-100 layout)", () => {
  const recs = cifarRecords(50, "cifar100", 3);
  const bytes = encodeCifarRecords(recs);
  assert.equal(bytes.length, 50 * 3074);
  assert.equal(bytes[0], recs.labels[0]);
  assert.equal(bytes[1], recs.fineLabels![0]);
  const r = parseCifarRecords(bytes, "train.bin", C100);
  assert.deepEqual(r.labels, recs.labels);
  assert.deepEqual(r.fineLabels, recs.fineLabels);
  assert.deepEqual(r.images, recs.images);
});

Deno.test("parseCifarRecords() rejects a size that is not a multiple of the record size", () => {
  const bytes = encodeCifarRecords(cifarRecords(3, "cifar10", 1));
  assert.throws(
    () => parseCifarRecords(bytes.subarray(0, bytes.length - 1), "data_batch_2.bin", C10),
    (e: unknown) =>
      e instanceof DataError &&
      e.message ===
        "Cannot read data_batch_2.bin: size 9218 bytes is not a positive multiple of the 3073-byte record",
  );
  // A CIFAR-10 file read with the CIFAR-100 layout is caught the same way.
  assert.throws(() => parseCifarRecords(bytes, "test.bin", C100), /3074-byte record/);
  assert.throws(() => parseCifarRecords(new Uint8Array(0), "empty.bin", C10), /size 0 bytes/);
});

Deno.test("parseCifarRecords() rejects labels out of range and inconsistent superclasses", () => {
  const c10 = encodeCifarRecords(cifarRecords(3, "cifar10", 2));
  c10[3073] = 10;
  assert.throws(
    () => parseCifarRecords(c10, "test_batch.bin", C10),
    /test_batch\.bin: label 10 at index 1 is out of range 0\.\.9/,
  );
  const c100 = encodeCifarRecords(cifarRecords(2, "cifar100", 2));
  c100[3074 + 1] = 100;
  assert.throws(
    () => parseCifarRecords(c100, "train.bin", C100),
    /label 100 at index 1 is out of range 0\.\.99/,
  );
  const mixed = encodeCifarRecords(cifarRecords(2, "cifar100", 2));
  mixed[0] = (mixed[0]! + 1) % 20;
  assert.throws(() => parseCifarRecords(mixed, "train.bin", C100), /record 0 has coarse label/);
});
