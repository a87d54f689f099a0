import assert from "node:assert/strict";
import { describeSource, verificationOf } from "./provenance.ts";
import type { DataMeta } from "./load.ts";

const BASE: DataMeta = {
  dataset: "cifar10",
  requested: "cifar10",
  source: "cache",
  root: "/c",
  files: [{ name: "a", path: "/c/a", bytes: 1, md5: "x", status: "official" }],
  sizes: { train: 1, test: 1 },
};

Deno.test("describeSource() names the source, a folder's digest and name, and unchecked files", () => {
  assert.equal(describeSource(BASE), "cache");
  assert.equal(describeSource({ ...BASE, verification: "unchecked" }), "cache, files unchecked");
  // Records written before the field: unchecked files say it.
  const old = { ...BASE, files: [{ ...BASE.files[0]!, status: "unchecked" as const }] };
  assert.equal(verificationOf(old), "unchecked");
  const folder: DataMeta = {
    ...BASE,
    source: "folder",
    files: [],
    verification: "none",
    folder: {
      path: "/data/cifar10-jpeg",
      files: { train: 50000, test: 10000 },
      ignored: 0,
      listDigest: "efb3bdf3912c356ae77954630bbd950006af56742d4d1b177bd3628a4f309e28",
      knownAs: "CIFAR-10 (JPEG re-encoding)",
      imageSize: null,
      channelsRequested: null,
      cache: "hit",
    },
  };
  assert.equal(
    describeSource(folder),
    "folder /data/cifar10-jpeg, CIFAR-10 (JPEG re-encoding) (60000 images, list sha256 efb3bdf3912c)",
  );
  assert.equal(verificationOf(folder), "none");
  assert.equal(describeSource(undefined), "unknown");
});
