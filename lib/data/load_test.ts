import assert from "node:assert/strict";
import { DataError } from "../util/errors.ts";
import { gunzipIfNeeded } from "./gzip.ts";
import { encodeIdx } from "./idx.ts";
import { describeDataset, loadDataset } from "./load.ts";
import { md5Hex } from "./checksum.ts";
import { getDatasetSpec } from "./registry.ts";
import { classCounts } from "./split.ts";
import { gzip, idxFiles, idxFixture, specFor, writeFiles } from "./testdata/fixtures.ts";

const FX = idxFixture(30, 20, 7);
const opts = (dataDir: string) => ({ dataDir, useEnv: false });

async function dirWith(files: Record<string, Uint8Array>): Promise<string> {
  const dir = await Deno.makeTempDir();
  await writeFiles(dir, files);
  return dir;
}

Deno.test("loadDataset() decodes IDX files and records their checksums", async () => {
  const files = idxFiles(FX);
  const dir = await dirWith(files);
  const d = await loadDataset(specFor("fashion-mnist", files), opts(dir));
  assert.deepEqual([d.train.n, d.test.n, d.train.height, d.train.width, d.train.channels], [
    30,
    20,
    28,
    28,
    1,
  ]);
  assert.deepEqual(d.train.images, FX.trainImages);
  assert.deepEqual(d.test.labels, FX.testLabels);
  assert.deepEqual(d.meta.sizes, { train: 30, test: 20 });
  assert.equal(d.meta.source, "data-dir");
  assert.deepEqual(
    d.meta.files.map((f) => [f.name, f.md5, f.status]),
    Object.entries(files).map(([n, b]) => [n, md5Hex(b), "official"]),
  );
  await Deno.remove(dir, { recursive: true });
});

Deno.test("loadDataset() accepts decompressed files whose content matches (status 'content')", async () => {
  const gz = idxFiles(FX);
  const raw = idxFiles(FX, false);
  const base = specFor("fashion-mnist", gz);
  const spec = {
    ...base,
    files: base.files.map((f) => ({ ...f, contentMd5: md5Hex(raw[f.name.slice(0, -3)]!) })),
  };
  const dir = await dirWith(raw);
  const d = await loadDataset(spec, opts(dir));
  assert.deepEqual(d.meta.files.map((f) => f.status), ["content", "content", "content", "content"]);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("loadDataset() rejects files whose checksums differ, unless verify is false", async () => {
  const dir = await dirWith(idxFiles(FX));
  await assert.rejects(
    () => loadDataset("fashion-mnist", opts(dir)),
    (e: unknown) =>
      e instanceof DataError &&
      e.message.startsWith(
        `Cannot load fashion-mnist: checksum mismatch for ${dir}/train-images-idx3-ubyte.gz: md5 `,
      ) &&
      e.message.includes(
        "expected 8d4fb7e6c68d591d4c3dfef9ec88bf0d (or content f4a8712d7a061bf5bd6d2ca38dc4d50a)",
      ),
  );
  const d = await loadDataset("fashion-mnist", { ...opts(dir), verify: false });
  assert.deepEqual(d.meta.files.map((f) => f.status), [
    "unchecked",
    "unchecked",
    "unchecked",
    "unchecked",
  ]);
  await Deno.remove(dir, { recursive: true });
});

const BAD: [string, (f: Record<string, Uint8Array>) => void, RegExp][] = [
  ["truncated gzip", (f) => {
    const b = f["t10k-images-idx3-ubyte.gz"]!;
    f["t10k-images-idx3-ubyte.gz"] = b.subarray(0, b.length >> 1);
  }, /t10k-images-idx3-ubyte\.gz: corrupt or truncated gzip data/],
  [
    "wrong IDX magic",
    (f) => {
      f["train-labels-idx1-ubyte.gz"] = gzip(encodeIdx([30, 1], new Uint8Array(30)));
    },
    /Cannot read \/.*\/train-labels-idx1-ubyte\.gz: wrong IDX magic 0x00000802, expected 0x00000801/,
  ],
  [
    "image/label count mismatch",
    (f) => {
      f["t10k-labels-idx1-ubyte.gz"] = gzip(encodeIdx([19], FX.testLabels.subarray(0, 19)));
    },
    /Cannot load \/.*\/t10k-images-idx3-ubyte\.gz with t10k-labels-idx1-ubyte\.gz: 20 images but 19 labels/,
  ],
  ["dimension mismatch", (f) => {
    f["train-images-idx3-ubyte.gz"] = gzip(encodeIdx([30, 28, 27], new Uint8Array(30 * 28 * 27)));
  }, /train-images-idx3-ubyte\.gz: images are 28x27, expected 28x28/],
  ["label out of range", (f) => {
    const l = FX.trainLabels.slice();
    l[3] = 10;
    f["train-labels-idx1-ubyte.gz"] = gzip(encodeIdx([30], l));
  }, /train-labels-idx1-ubyte\.gz: label 10 at index 3 is out of range 0\.\.9/],
];

for (const [what, spoil, message] of BAD) {
  Deno.test(`loadDataset() rejects ${what} with a one-line DataError naming the file`, async () => {
    const files = idxFiles(FX);
    spoil(files);
    const dir = await dirWith(files);
    await assert.rejects(
      () => loadDataset(specFor("fashion-mnist", files), opts(dir)),
      (e: unknown) =>
        e instanceof DataError && message.test(e.message) && !e.message.includes("\n"),
    );
    await Deno.remove(dir, { recursive: true });
  });
}

Deno.test("loadDataset('fashion-mnist-sample') loads the embedded sample, verified", async () => {
  const d = await loadDataset("fashion-mnist-sample");
  assert.deepEqual([d.train.n, d.test.n], [3000, 1000]);
  assert.deepEqual(classCounts(d.train.labels, 10), new Array(10).fill(300));
  assert.deepEqual(classCounts(d.test.labels, 10), new Array(10).fill(100));
  assert.equal(d.meta.source, "sample");
  assert.deepEqual(d.meta.files.map((f) => f.status), [
    "official",
    "official",
    "official",
    "official",
  ]);
  assert.equal(d.spec.classNames[9], "Ankle boot");
});

const DEBIAN = "/usr/share/datasets/fashion-mnist";
const hasDebian = (() => {
  try {
    return Deno.statSync(`${DEBIAN}/train-images-idx3-ubyte.gz`).isFile;
  } catch {
    return false;
  }
})();

Deno.test({
  name: "loadDataset('fashion-mnist') reads Debian's real Fashion-MNIST and verifies its content",
  ignore: !hasDebian,
  async fn() {
    const empty = await Deno.makeTempDir();
    const d = await loadDataset("fashion-mnist", {
      cacheDir: empty,
      useEnv: false,
      allowSample: false,
    });
    assert.deepEqual([d.meta.source, d.meta.root], ["system", DEBIAN]);
    assert.deepEqual([d.train.n, d.test.n, d.train.height, d.train.width], [60000, 10000, 28, 28]);
    assert.deepEqual(classCounts(d.train.labels, 10), new Array(10).fill(6000));
    assert.deepEqual(classCounts(d.test.labels, 10), new Array(10).fill(1000));
    assert.ok(d.meta.files.every((f) => f.status === "official" || f.status === "content"));
    // The registry's Debian MD5s really are the official content, re-compressed.
    for (const f of getDatasetSpec("fashion-mnist").files) {
      const stored = await Deno.readFile(`${DEBIAN}/${f.name}`);
      assert.ok(md5Hex(stored) === f.md5 || f.repackMd5s?.includes(md5Hex(stored)), f.name);
      assert.equal(md5Hex(gunzipIfNeeded(stored, f.name)), f.contentMd5, f.name);
    }
    await Deno.remove(empty);
  },
});

Deno.test("describeDataset() reports the source and checksums without decoding", async () => {
  const files = idxFiles(FX);
  const dir = await dirWith(files);
  const good = await describeDataset(
    specFor("fashion-mnist", files, undefined, { train: 30, test: 20 }),
    opts(dir),
  );
  assert.deepEqual([good.source, good.root, good.sizes], ["data-dir", dir, {
    train: 30,
    test: 20,
  }]);
  assert.deepEqual(
    good.files.map((f) => [f.name, f.md5, f.status]),
    Object.entries(files).map(([n, b]) => [n, md5Hex(b), "official"]),
  );
  const bad = await describeDataset("fashion-mnist", opts(dir));
  assert.deepEqual(bad.files.map((f) => f.status), [
    "mismatch",
    "mismatch",
    "mismatch",
    "mismatch",
  ]);
  await Deno.remove(dir, { recursive: true });
});
