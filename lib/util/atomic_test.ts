import assert from "node:assert/strict";
import { assertWritable, writeJsonAtomic, writeTextAtomic } from "./atomic.ts";

Deno.test("writeJsonAtomic() writes complete files and leaves no temporary file", async () => {
  const dir = await Deno.makeTempDir();
  const path = `${dir}/a/b/out.json`;
  await writeJsonAtomic(path, { x: 1 });
  assert.deepEqual(JSON.parse(await Deno.readTextFile(path)), { x: 1 });
  assert.deepEqual([...Deno.readDirSync(`${dir}/a/b`)].map((e) => e.name), ["out.json"]);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("writeTextAtomic() keeps the old file when the target cannot be written", async () => {
  const dir = await Deno.makeTempDir();
  await Deno.writeTextFile(`${dir}/file`, "not a folder");
  await assert.rejects(() => writeTextAtomic(`${dir}/file/x.json`, "new"));
  assert.equal(await Deno.readTextFile(`${dir}/file`), "not a folder");
  await Deno.remove(dir, { recursive: true });
});

Deno.test("assertWritable() creates the folders, leaves nothing behind, throws when it cannot", async () => {
  const dir = await Deno.makeTempDir();
  assertWritable(`${dir}/a/b/out.json`);
  assert.deepEqual([...Deno.readDirSync(`${dir}/a/b`)], []);
  await Deno.writeTextFile(`${dir}/file`, "not a folder");
  assert.throws(() => assertWritable(`${dir}/file/x.json`));
  assert.equal(await Deno.readTextFile(`${dir}/file`), "not a folder");
  await Deno.remove(dir, { recursive: true });
});
