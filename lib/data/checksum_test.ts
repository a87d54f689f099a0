import assert from "node:assert/strict";
import { md5File, md5Hex, md5Stream } from "./checksum.ts";
import { randomBytes } from "./testdata/fixtures.ts";

Deno.test("md5Hex() matches the RFC 1321 test vectors", () => {
  const enc = new TextEncoder();
  assert.equal(md5Hex(new Uint8Array(0)), "d41d8cd98f00b204e9800998ecf8427e");
  assert.equal(md5Hex(enc.encode("abc")), "900150983cd24fb0d6963f7d28e17f72");
  assert.equal(md5Hex(enc.encode("message digest")), "f96b697d7cb7938d525a2f31aaf161d0");
});

Deno.test("md5Stream() and md5File() agree with md5Hex() on chunked data", async () => {
  const data = randomBytes(3_000_001, 4);
  const s = md5Stream();
  for (let i = 0; i < data.length; i += 65536) s.update(data.subarray(i, i + 65536));
  assert.equal(s.digest(), md5Hex(data));
  const dir = await Deno.makeTempDir();
  await Deno.writeFile(`${dir}/f`, data);
  assert.deepEqual(await md5File(`${dir}/f`), { md5: md5Hex(data), bytes: data.length });
  await Deno.remove(dir, { recursive: true });
});
