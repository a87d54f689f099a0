import assert from "node:assert/strict";
import { join } from "node:path";
import { DataError, UsageError } from "../util/errors.ts";
import { decodeImageFile } from "./folder_decode.ts";
import { reencodeFolder, reencodeSummary } from "./reencode.ts";
import { writeImageFolder } from "./testdata/folder_fixtures.ts";

/** A temp folder dataset `ds` (2 classes, 32x32) and a place for outputs; removed by `done`. */
async function fixture(channels: 1 | 3 = 3) {
  const dir = await Deno.makeTempDir({ prefix: "geomad-reencode-" });
  const root = join(dir, "ds");
  await writeImageFolder(root, { classes: ["a", "b"], train: 3, test: 2, size: 32, channels });
  return { dir, root, done: () => Deno.remove(dir, { recursive: true }) };
}

function listTree(dir: string, prefix = ""): string[] {
  const out: string[] = [];
  for (const e of [...Deno.readDirSync(dir)].sort((a, b) => a.name < b.name ? -1 : 1)) {
    const rel = prefix + e.name;
    if (e.isDirectory) out.push(...listTree(join(dir, e.name), rel + "/"));
    else out.push(rel);
  }
  return out;
}

/** Mean absolute pixel difference between the source PNG and its JPEG re-encoding. */
async function meanAbsDiff(src: string, jpg: string): Promise<number> {
  const a = await decodeImageFile(src), b = await decodeImageFile(jpg);
  assert.deepEqual([b.width, b.height, b.channels], [a.width, a.height, a.channels]);
  let s = 0;
  for (let i = 0; i < a.data.length; i++) s += Math.abs(a.data[i]! - b.data[i]!);
  return s / a.data.length;
}

async function rejects(
  p: Promise<unknown>,
  type: typeof UsageError | typeof DataError,
  re: RegExp,
): Promise<Error> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof type, `expected ${type.name}, got ${err}`);
    assert.match(err.message, re);
    assert.ok(!err.message.includes("\n"), `one line: ${err.message}`);
    return err;
  }
  throw new Error("expected a rejection");
}

Deno.test("reencode: same layout as .jpg, same size and channels, loss grows as quality falls", async () => {
  for (const channels of [3, 1] as const) {
    const f = await fixture(channels);
    const hi = join(f.dir, "q95"), lo = join(f.dir, "q10");
    const rHi = await reencodeFolder(`folder:${f.root}`, { quality: 95, out: hi, quiet: true });
    const rLo = await reencodeFolder(`folder:${f.root}`, { quality: 10, out: lo, quiet: true });
    const want = listTree(f.root).map((p) => p.replace(/\.png$/, ".jpg"));
    assert.equal(want.length, 10);
    assert.deepEqual(listTree(hi), want);
    assert.deepEqual(listTree(lo), want);
    assert.equal(rHi.images, 10);
    assert.equal(rHi.bytesOut, want.reduce((s, p) => s + Deno.statSync(join(hi, p)).size, 0));
    assert.ok(rLo.bytesOut < rHi.bytesOut, `${rLo.bytesOut} < ${rHi.bytesOut}`);
    let dHi = 0, dLo = 0;
    for (const p of want) {
      const src = join(f.root, p.replace(/\.jpg$/, ".png"));
      dHi += await meanAbsDiff(src, join(hi, p));
      dLo += await meanAbsDiff(src, join(lo, p));
    }
    assert.ok(dHi / want.length < 4, `q95 mean |diff| ${dHi / want.length}`);
    assert.ok(dLo > 2 * dHi, `q10 ${dLo} vs q95 ${dHi}`);
    assert.match(reencodeSummary(rLo), /^wrote 10 images as JPEG quality 10 to .*q10 \(/);
    // No temporary folder is left beside the outputs.
    assert.deepEqual(listTree(f.dir).filter((p) => /\.(tmp|old)-/.test(p)), []);
    await f.done();
  }
});

Deno.test("reencode: an existing --out is kept unless force, then replaced whole", async () => {
  const f = await fixture();
  const out = join(f.dir, "out");
  await Deno.mkdir(out);
  await Deno.writeTextFile(join(out, "mine.txt"), "keep me");
  await rejects(
    reencodeFolder(`folder:${f.root}`, { quality: 50, out, quiet: true }),
    UsageError,
    /it exists \(pass --force to replace it\)/,
  );
  assert.equal(await Deno.readTextFile(join(out, "mine.txt")), "keep me");
  await reencodeFolder(`folder:${f.root}`, { quality: 50, out, quiet: true, force: true });
  assert.equal(listTree(out).length, 10);
  assert.ok(!listTree(out).includes("mine.txt"));
  assert.deepEqual(listTree(f.dir).filter((p) => /\.(tmp|old)-/.test(p)), []);
  await f.done();
});

Deno.test("reencode: bad quality, overlapping folders, a damaged image, a name clash", async () => {
  const f = await fixture();
  for (const q of [0, 101, 2.5, NaN]) {
    await rejects(
      reencodeFolder(`folder:${f.root}`, { quality: q, out: join(f.dir, "x"), quiet: true }),
      UsageError,
      /JPEG quality must be an integer from 1 to 100/,
    );
  }
  await rejects(
    reencodeFolder(`folder:${f.root}`, { quality: 50, out: join(f.root, "sub"), quiet: true }),
    UsageError,
    /overlaps the source folder/,
  );
  await rejects(
    reencodeFolder(`folder:${f.root}`, { quality: 50, out: f.dir, quiet: true, force: true }),
    UsageError,
    /overlaps the source folder/,
  );
  // A damaged file stops the re-encoding; nothing is written.
  await Deno.writeFile(join(f.root, "test/b/0001.png"), new Uint8Array([0x89, 0x50, 1, 2, 3]));
  const out = join(f.dir, "out");
  await rejects(
    reencodeFolder(`folder:${f.root}`, { quality: 50, out, quiet: true, concurrency: 2 }),
    DataError,
    /Cannot write .*test\/b\/0001\.png/,
  );
  assert.deepEqual(listTree(f.dir).filter((p) => !p.startsWith("ds/")), []);
  // Two sources that would both become 0000.jpg.
  await Deno.copyFile(join(f.root, "train/a/0000.png"), join(f.root, "train/a/0000.webp"));
  await rejects(
    reencodeFolder(`folder:${f.root}`, { quality: 50, out, quiet: true }),
    DataError,
    /train\/a\/0000\.png and train\/a\/0000\.webp would both be written as train\/a\/0000\.jpg/,
  );
  await f.done();
});
