import assert from "node:assert/strict";
import { md5Hex } from "./checksum.ts";
import { encodeIdx } from "./idx.ts";
import type { DataFileSpec } from "./registry.ts";
import { gzip } from "./testdata/fixtures.ts";
import { checkBytes, checkFile, mismatchMessage } from "./verify.ts";

const RAW = encodeIdx([4], new Uint8Array([1, 2, 3, 4]));
const GZ = gzip(RAW);
const OTHER_GZ = new Uint8Array([...GZ.subarray(0, 4), 9, 9, 9, 9, ...GZ.subarray(8)]); // new mtime
const SPEC: DataFileSpec = {
  name: "t10k-labels-idx1-ubyte.gz",
  md5: md5Hex(GZ),
  contentMd5: md5Hex(RAW),
  bytes: GZ.length,
  checksumSource: "test",
};

Deno.test("checkBytes() tells official files, same content and mismatches apart", () => {
  assert.equal(checkBytes(SPEC, "p", GZ).status, "official");
  const repacked = checkBytes(SPEC, "p", OTHER_GZ);
  assert.deepEqual([repacked.status, repacked.contentMd5], ["content", md5Hex(RAW)]);
  assert.equal(checkBytes(SPEC, "p", RAW).status, "content");
  assert.equal(
    checkBytes({ ...SPEC, repackMd5s: [md5Hex(OTHER_GZ)] }, "p", OTHER_GZ).status,
    "content",
  );
  const bad = checkBytes(SPEC, "/d/t10k-labels-idx1-ubyte.gz", gzip(new Uint8Array(3)));
  assert.equal(bad.status, "mismatch");
  assert.match(
    mismatchMessage(bad, SPEC),
    /^checksum mismatch for \/d\/t10k-labels-idx1-ubyte\.gz: md5 [0-9a-f]{32} \(content [0-9a-f]{32}\), expected [0-9a-f]{32} \(or content [0-9a-f]{32}\)$/,
  );
  assert.equal(checkBytes(SPEC, "p", GZ.subarray(0, 12)).status, "mismatch"); // corrupt gzip
});

Deno.test("checkFile() checks files on disk", async () => {
  const dir = await Deno.makeTempDir();
  await Deno.writeFile(`${dir}/a`, GZ);
  assert.equal((await checkFile(SPEC, `${dir}/a`)).status, "official");
  const noContent = { name: "x.bin", md5: md5Hex(RAW), bytes: RAW.length, checksumSource: "t" };
  await Deno.writeFile(`${dir}/b`, RAW);
  assert.deepEqual(await checkFile(noContent, `${dir}/b`), {
    name: "x.bin",
    path: `${dir}/b`,
    bytes: RAW.length,
    md5: md5Hex(RAW),
    status: "official",
  });
  await Deno.remove(dir, { recursive: true });
});
