import assert from "node:assert/strict";
import { DataError } from "../util/errors.ts";
import { extractTarGz, readTar, safeEntryPath } from "./tar.ts";
import { gunzipIfNeeded } from "./gzip.ts";
import { encodeTar, gzip } from "./testdata/fixtures.ts";

const enc = new TextEncoder();
const LONG = `cifar-10-batches-bin/${"x".repeat(120)}.txt`;

async function listTree(dir: string, prefix = ""): Promise<string[]> {
  const out: string[] = [];
  for await (const e of Deno.readDir(dir)) {
    const rel = prefix + e.name;
    if (e.isDirectory) out.push(...await listTree(`${dir}/${e.name}`, rel + "/"));
    else out.push(rel);
  }
  return out.sort();
}

for (const kind of ["gnu", "pax"]) {
  Deno.test(`readTar() reads a ${kind} archive written by GNU tar, with a long name`, async () => {
    const path = new URL(`./testdata/${kind}_layout.tar.gz`, import.meta.url).pathname;
    const entries = readTar(gunzipIfNeeded(await Deno.readFile(path), path), path);
    const files = entries.filter((e) => e.type === "file");
    assert.deepEqual(files.map((e) => e.path).sort(), [
      "cifar-10-batches-bin/batches.meta.txt",
      "cifar-10-batches-bin/data_batch_1.bin",
      LONG,
    ]);
    const batch = files.find((e) => e.path.endsWith("data_batch_1.bin"))!;
    assert.equal(batch.data.length, 3073);
    assert.ok(batch.data.every((b) => b === 7));
    assert.equal(new TextDecoder().decode(files.find((e) => e.path === LONG)!.data), "long\n");
    assert.ok(entries.some((e) => e.type === "dir" && e.path === "cifar-10-batches-bin/"));
  });
}

Deno.test("extractTarGz() extracts the official folder layout", async () => {
  const dir = await Deno.makeTempDir();
  const archive = `${dir}/a.tar.gz`;
  await Deno.writeFile(
    archive,
    gzip(encodeTar([
      { name: "cifar-100-binary/", type: "5" },
      { name: "cifar-100-binary/train.bin", data: new Uint8Array([1, 2, 3]) },
      { name: "./cifar-100-binary/fine_label_names.txt", data: enc.encode("apple\n") },
    ])),
  );
  const files = await extractTarGz(archive, `${dir}/out`);
  assert.deepEqual(files, ["cifar-100-binary/train.bin", "cifar-100-binary/fine_label_names.txt"]);
  assert.deepEqual(
    await Deno.readFile(`${dir}/out/cifar-100-binary/train.bin`),
    new Uint8Array([1, 2, 3]),
  );
  await Deno.remove(dir, { recursive: true });
});

const BAD: [string, Parameters<typeof encodeTar>[0], RegExp][] = [
  ["a '..' entry", [{ name: "ok/a.bin", data: enc.encode("a") }, {
    name: "ok/../../evil.txt",
    data: enc.encode("x"),
  }], /entry 'ok\/\.\.\/\.\.\/evil\.txt' escapes the target folder/],
  [
    "an absolute path",
    [{ name: "/tmp/evil.txt", data: enc.encode("x") }],
    /entry '\/tmp\/evil\.txt' has an absolute path/,
  ],
  [
    "a symlink escaping the target",
    [{ name: "ok/link", type: "2", linkTarget: "/etc/passwd" }],
    /entry 'ok\/link' is a link to '\/etc\/passwd'/,
  ],
  ["a hard link", [{ name: "ok/hard", type: "1", linkTarget: "../../x" }], /is a link/],
];

for (const [what, entries, message] of BAD) {
  Deno.test(`extractTarGz() rejects ${what} and leaves nothing behind`, async () => {
    const dir = await Deno.makeTempDir();
    const archive = `${dir}/evil.tar.gz`;
    await Deno.writeFile(archive, gzip(encodeTar(entries)));
    await assert.rejects(
      () => extractTarGz(archive, `${dir}/out`),
      (e: unknown) =>
        e instanceof DataError && message.test(e.message) && e.message.includes(archive),
    );
    assert.deepEqual(await listTree(dir), ["evil.tar.gz"]);
    await Deno.remove(dir, { recursive: true });
  });
}

Deno.test("readTar() rejects corrupt headers and truncated archives", () => {
  const tar = encodeTar([{ name: "a.bin", data: new Uint8Array(1000) }]);
  const bad = tar.slice();
  bad[10] = 0x41;
  assert.throws(() => readTar(bad, "x.tar"), /x\.tar: corrupt tar header at byte 0/);
  assert.throws(() => readTar(tar.subarray(0, 900), "x.tar"), /truncated tar archive/);
  assert.throws(
    () => readTar(tar.subarray(0, 1536), "x.tar"),
    /truncated tar archive \(no end marker\)/,
  );
});

Deno.test("safeEntryPath() normalises harmless paths", () => {
  assert.equal(safeEntryPath("./a//b/./c", "t"), "a/b/c");
  assert.equal(safeEntryPath("./", "t"), "");
  assert.throws(() => safeEntryPath("a/..", "t"), /escapes/);
  assert.throws(() => safeEntryPath("C:/x", "t"), /absolute/);
});
