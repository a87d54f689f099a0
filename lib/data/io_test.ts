import assert from "node:assert/strict";
import { readFileFast } from "./io.ts";
import { randomBytes } from "./testdata/fixtures.ts";

Deno.test("readFileFast() reads whole files, large and empty", async () => {
  const dir = await Deno.makeTempDir();
  const data = randomBytes(5_000_003, 8);
  await Deno.writeFile(`${dir}/big`, data);
  await Deno.writeFile(`${dir}/empty`, new Uint8Array(0));
  assert.deepEqual(readFileFast(`${dir}/big`), data);
  assert.equal(readFileFast(`${dir}/empty`).length, 0);
  assert.throws(() => readFileFast(`${dir}/missing`), Deno.errors.NotFound);
  await Deno.remove(dir, { recursive: true });
});
