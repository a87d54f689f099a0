/**
 * Seeded fuzz of every data reader (IDX images and labels, CIFAR-10 and CIFAR-100 batches,
 * tar.gz archives, as the loaders call them, with their decompression bounds): every mutated
 * input ends in a value or a `DataError`, never another error, a hang or an unbounded
 * allocation. `GEOMAD_FUZZ_CASES=10000` runs the long version.
 */
import assert from "node:assert/strict";
import { DataError } from "../util/errors.ts";
import { fuzz, fuzzCases, type FuzzReport } from "../util/fuzz.ts";
import { parseCifarRecords } from "./cifar.ts";
import { gunzipIfNeeded, idxSizeFromHead } from "./gzip.ts";
import { readIdxImages, readIdxLabels } from "./idx.ts";
import { getDatasetSpec } from "./registry.ts";
import { readTar, safeEntryPath } from "./tar.ts";
import {
  cifarArchive,
  cifarFiles,
  encodeTar,
  gzip,
  idxFiles,
  idxFixture,
} from "./testdata/fixtures.ts";

const CASES = fuzzCases();
const typed = (err: unknown) => err instanceof DataError;

function check(name: string, r: FuzzReport) {
  console.log(
    `fuzz ${name}: ${r.cases} cases, ${r.accepted} accepted, ${r.rejected} DataError, ` +
      `${r.untypedCount} untyped, slowest ${r.slowestMs.toFixed(1)} ms`,
  );
  assert.deepEqual(r.untyped, [], `${name}: untyped errors`);
  assert.ok(r.slowestMs < 5000, `${name}: a case took ${r.slowestMs} ms`);
}

Deno.test("fuzz: IDX images and labels (gzipped, bounded as the loader does)", () => {
  const files = idxFiles(idxFixture(30, 10));
  const inputs = Object.values(files);
  const spec = getDatasetSpec("fashion-mnist");
  const bounds = { maxBytes: 16 + 60000 * 784, sizeFromHead: idxSizeFromHead };
  check(
    "idx",
    fuzz(
      inputs,
      (gz) => {
        const raw = gunzipIfNeeded(gz, "x-idx3-ubyte.gz", bounds);
        if (raw[3] === 3) readIdxImages(raw, "x-idx3-ubyte.gz", { height: 28, width: 28 });
        else readIdxLabels(raw, "x-idx1-ubyte.gz", spec.classNames.length);
      },
      typed,
      { cases: CASES, seed: 1 },
    ),
  );
  // Raw (not gzipped) files too: mutations of the decompressed content.
  const rawInputs = inputs.map((gz) => gunzipIfNeeded(gz, "x.gz"));
  check(
    "idx raw",
    fuzz(
      rawInputs,
      (raw) => {
        readIdxImages(raw, "x-idx3-ubyte", { height: 28, width: 28 });
      },
      (e) => typed(e),
      { cases: CASES, seed: 2 },
    ),
  );
});

for (const kind of ["cifar10", "cifar100"] as const) {
  Deno.test(`fuzz: ${kind} batches`, () => {
    const spec = getDatasetSpec(kind);
    const inputs = Object.values(cifarFiles(kind, 4));
    check(
      kind,
      fuzz(
        inputs,
        (bytes) =>
          parseCifarRecords(bytes, "batch.bin", {
            labelBytes: kind === "cifar100" ? 2 : 1,
            numClasses: spec.classNames.length,
            numFineClasses: spec.fineClassNames?.length,
            fineToCoarse: spec.fineToCoarse,
          }),
        typed,
        { cases: CASES, seed: 3 },
      ),
    );
  });
}

Deno.test("fuzz: tar.gz archives (gunzip within bounds, list, check entry paths)", () => {
  const archive = cifarArchive(cifarFiles("cifar10", 2));
  const small = gzip(encodeTar([
    { name: "a/b.txt", data: new TextEncoder().encode("hello") },
    { name: "a/", type: "5" },
  ]));
  check(
    "tar.gz",
    fuzz(
      [archive, small],
      (gz) => {
        const entries = readTar(gunzipIfNeeded(gz, "x.tar.gz", { maxBytes: 8 << 20 }), "x.tar.gz");
        for (const e of entries) safeEntryPath(e.path, "x.tar.gz");
      },
      typed,
      { cases: CASES, seed: 4 },
    ),
  );
  // Uncompressed archives: mutations reach the tar parser itself.
  const raw = [archive, small].map((gz) => gunzipIfNeeded(gz, "x.tar.gz"));
  check(
    "tar",
    fuzz(
      raw,
      (tar) => {
        for (const e of readTar(gunzipIfNeeded(tar, "x.tar"), "x.tar")) {
          safeEntryPath(e.path, "x.tar");
        }
      },
      typed,
      { cases: CASES, seed: 5 },
    ),
  );
});
