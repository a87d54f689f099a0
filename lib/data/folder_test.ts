import assert from "node:assert/strict";
import { join } from "node:path";
import { DataError, UsageError } from "../util/errors.ts";
import { encodeBmp24 } from "./bmp.ts";
import sharp from "sharp";
import { loadFolderDataset } from "./folder.ts";
import { decodeImageFile } from "./folder_decode.ts";
import { datasetKey, folderRoot, isFolderDataset } from "./folder_scan.ts";
import { loadDataset } from "./load.ts";
import { loadOneVsRest } from "./one_vs_rest.ts";
import { datasetClasses } from "./dataset_classes.ts";
import { encodeImage, syntheticImage, writeImageFolder } from "./testdata/folder_fixtures.ts";

const CLASSES = ["cat", "ant", "bee"]; // written unsorted: labels follow sorted names
const SORTED = ["ant", "bee", "cat"];

/** A temp folder dataset plus a private cache folder; removed by `done`. */
async function fixture(options: { size?: number; channels?: 1 | 3 } = {}) {
  const dir = await Deno.makeTempDir({ prefix: "geomad-folder-" });
  const root = join(dir, "ds"), cacheDir = join(dir, "cache");
  const written = await writeImageFolder(root, {
    classes: CLASSES,
    train: 3,
    test: 2,
    size: options.size ?? 8,
    channels: options.channels ?? 3,
  });
  const notes: string[] = [];
  const opts = { cacheDir, quiet: true, useEnv: false, onNote: (l: string) => notes.push(l) };
  return {
    dir,
    root,
    cacheDir,
    written,
    opts,
    notes,
    done: () => Deno.remove(dir, { recursive: true }),
  };
}

/** The error a folder load fails with. */
async function loadError(root: string, options: object = {}): Promise<Error> {
  try {
    await loadFolderDataset(`folder:${root}`, { quiet: true, useEnv: false, ...options });
  } catch (err) {
    assert.ok(err instanceof Error);
    assert.ok(!err.message.includes("\n"), `one line: ${err.message}`);
    return err;
  }
  throw new Error("expected the load to fail");
}

Deno.test("folder dataset: classes in sorted order, pixels and labels as written, provenance", async () => {
  const f = await fixture();
  const d = await loadDataset(`folder:${f.root}`, f.opts);
  assert.deepEqual(d.spec.classNames, SORTED);
  assert.deepEqual([d.train.n, d.test.n, d.train.height, d.train.width, d.train.channels], [
    9,
    6,
    8,
    8,
    3,
  ]);
  // Written class by class in CLASSES order; read in sorted order.
  const order = SORTED.map((c) => CLASSES.indexOf(c));
  const want = order.flatMap((k) => f.written.train.slice(3 * k, 3 * k + 3));
  for (let i = 0; i < 9; i++) {
    assert.deepEqual(d.train.images.subarray(i * 192, (i + 1) * 192), want[i], `image ${i}`);
  }
  assert.deepEqual([...d.train.labels], [0, 0, 0, 1, 1, 1, 2, 2, 2]);
  assert.deepEqual([...d.test.labels], [0, 0, 1, 1, 2, 2]);
  assert.equal(d.meta.source, "folder");
  assert.equal(d.meta.requested, `folder:${f.root}`);
  assert.equal(d.meta.dataset, "folder-ds");
  assert.equal(d.spec.train.perClass, 3);
  const m = d.meta.folder!;
  assert.deepEqual([m.path, m.files.train, m.files.test, m.ignored, m.cache], [
    f.root,
    9,
    6,
    0,
    "stored",
  ]);
  assert.match(m.listDigest, /^[0-9a-f]{64}$/);
  await f.done();
});

Deno.test("folder dataset: the decoded arrays are cached; a touched file decodes afresh", async () => {
  const f = await fixture();
  const a = await loadFolderDataset(`folder:${f.root}`, f.opts);
  const b = await loadFolderDataset(`folder:${f.root}`, f.opts);
  assert.equal(a.meta.folder!.cache, "stored");
  assert.equal(b.meta.folder!.cache, "hit");
  assert.deepEqual(b.train.images, a.train.images);
  assert.deepEqual(b.test.labels, a.test.labels);
  assert.equal(b.meta.folder!.listDigest, a.meta.folder!.listDigest);
  // Another decoding option is another cache entry.
  const g = await loadFolderDataset(`folder:${f.root}`, { ...f.opts, channels: 1 });
  assert.equal(g.meta.folder!.cache, "stored");
  assert.equal(g.train.channels, 1);
  // A replaced file (new mtime) is decoded again, the listing digest stays (same size, path).
  const file = join(f.root, "train", "ant", "0000.png");
  await Deno.utime(file, new Date(), new Date(Date.now() + 5000));
  const c = await loadFolderDataset(`folder:${f.root}`, f.opts);
  assert.equal(c.meta.folder!.cache, "stored");
  assert.equal(c.meta.folder!.listDigest, a.meta.folder!.listDigest);
  // ... and replaces the entry of the old file list (one per folder and decoding options).
  assert.equal([...Deno.readDirSync(join(f.cacheDir, "folders"))].length, 2); // RGB and grey
  // No cache at all: decoded, not stored.
  const n = await loadFolderDataset(`folder:${f.root}`, { ...f.opts, cache: false });
  assert.equal(n.meta.folder!.cache, "not-stored");
  await f.done();
});

Deno.test("folder dataset: a damaged cache file is ignored and rewritten", async () => {
  const f = await fixture();
  await loadFolderDataset(`folder:${f.root}`, f.opts);
  const dir = join(f.cacheDir, "folders");
  const [entry] = [...Deno.readDirSync(dir)];
  const path = join(dir, entry!.name);
  const bytes = await Deno.readFile(path);
  await Deno.writeFile(path, bytes.subarray(0, bytes.length - 5));
  const d = await loadFolderDataset(`folder:${f.root}`, f.opts);
  assert.equal(d.meta.folder!.cache, "stored");
  assert.equal(d.train.n, 9);
  await f.done();
});

Deno.test("folder dataset: --image-size resizes and centre-crops mixed sizes; --channels converts", async () => {
  const f = await fixture({ size: 8 });
  // A wide 16x8 image (left half dark, right half bright) and a 12x12 one join the 8x8 ones.
  const wide = new Uint8Array(16 * 8 * 3);
  for (let y = 0; y < 8; y++) {
    for (let x = 0; x < 16; x++) {
      wide.fill(x < 8 ? 0 : 255, (y * 16 + x) * 3, (y * 16 + x) * 3 + 3);
    }
  }
  await Deno.writeFile(join(f.root, "train", "ant", "wide.png"), await encodeImage(wide, 16, 8, 3));
  await Deno.writeFile(
    join(f.root, "test", "bee", "big.png"),
    await encodeImage(syntheticImage(1, 9, 12, 3), 12, 12, 3),
  );
  const err = await loadError(f.root, { cacheDir: f.cacheDir });
  assert.ok(err instanceof UsageError);
  assert.match(
    err.message,
    /train\/ant\/0000\.png is 8x8 RGB but (train\/ant\/wide\.png is 16x8|test\/bee\/big\.png is 12x12) RGB; pass --image-size N/,
  );
  const d = await loadFolderDataset(`folder:${f.root}`, { ...f.opts, imageSize: 4 });
  assert.deepEqual([d.train.n, d.test.n, d.train.height, d.train.width], [10, 7, 4, 4]);
  assert.equal(d.meta.folder!.imageSize, 4);
  // wide.png is the 4th ant image; its centre crop straddles the dark/bright edge.
  const px = d.train.images.subarray(3 * 48, 4 * 48);
  assert.ok(px[0]! < 60 && px[45]! > 195, `left dark, right bright: ${px[0]} ${px[45]}`);
  const g = await loadFolderDataset(`folder:${f.root}`, { ...f.opts, imageSize: 4, channels: 1 });
  assert.equal(g.train.channels, 1);
  assert.equal(g.train.images.length, 10 * 16);
  await f.done();
});

Deno.test("folder dataset: grayscale mixed with RGB needs --channels (names both files)", async () => {
  const f = await fixture();
  await Deno.writeFile(
    join(f.root, "test", "cat", "grey.png"),
    await encodeImage(syntheticImage(0, 1, 8, 1), 8, 8, 1),
  );
  const err = await loadError(f.root, { cacheDir: f.cacheDir });
  assert.ok(err instanceof UsageError);
  assert.match(
    err.message,
    /train\/ant\/0000\.png is 8x8 RGB but test\/cat\/grey\.png is 8x8 grayscale; pass --channels 1 or --channels 3/,
  );
  const d = await loadFolderDataset(`folder:${f.root}`, { ...f.opts, channels: 3 });
  assert.deepEqual([d.test.n, d.test.channels], [7, 3]);
  const g = await loadFolderDataset(`folder:${f.root}`, { ...f.opts, channels: 1 });
  assert.deepEqual([g.test.n, g.test.channels], [7, 1]);
  await f.done();
});

Deno.test("folder dataset: non-square images without --image-size are a usage error", async () => {
  const dir = await Deno.makeTempDir();
  for (const split of ["train", "test"]) {
    await Deno.mkdir(join(dir, split, "a"), { recursive: true });
    await Deno.writeFile(
      join(dir, split, "a", "x.png"),
      await encodeImage(new Uint8Array(6 * 4 * 3), 6, 4, 3),
    );
  }
  const err = await loadError(dir, { cache: false });
  assert.ok(err instanceof UsageError);
  assert.match(
    err.message,
    /train\/a\/x\.png: its images are 6x4, not square; pass --image-size N/,
  );
  await Deno.remove(dir, { recursive: true });
});

Deno.test("folder dataset: BMP files decode (sharp reads none); other files are ignored and counted", async () => {
  const f = await fixture();
  const px = syntheticImage(2, 3, 8, 3);
  await Deno.writeFile(join(f.root, "train", "bee", "0003.bmp"), encodeBmp24(px, 8, 8));
  await Deno.writeTextFile(join(f.root, "train", "bee", "notes.txt"), "not an image");
  await Deno.writeTextFile(join(f.root, "test", "ant", "labels.csv"), "a,b");
  await Deno.writeTextFile(join(f.root, "test", "ant", ".DS_Store"), "hidden");
  const d = await loadFolderDataset(`folder:${f.root}`, f.opts);
  assert.equal(d.train.n, 10);
  assert.deepEqual(d.train.images.subarray(6 * 192, 7 * 192), px); // bee's 4th image
  assert.equal(d.meta.folder!.ignored, 2);
  assert.deepEqual(f.notes, [
    "folder: ignored 2 file(s) without an image extension (first: train/bee/notes.txt)",
  ]);
  await f.done();
});

Deno.test("folder dataset: an undecodable, truncated or fake image is an error naming it", async () => {
  const f = await fixture({ size: 16 });
  const bad = join(f.root, "train", "bee", "0001.png");
  const png = await Deno.readFile(bad);
  const cases: [string, Uint8Array][] = [
    ["truncated PNG", png.subarray(0, Math.floor(png.length / 2))],
    ["text named .png", new TextEncoder().encode("this is a text file, not a picture")],
    [
      "truncated JPEG",
      (await encodeImage(syntheticImage(0, 0, 16, 3), 16, 16, 3, "jpeg")).subarray(0, 300),
    ],
    ["empty file", new Uint8Array()],
  ];
  for (const [what, bytes] of cases) {
    await Deno.writeFile(bad, bytes);
    const err = await loadError(f.root, { cacheDir: f.cacheDir });
    assert.ok(err instanceof DataError, what);
    assert.ok(err.message.startsWith(`Cannot decode ${bad}: `), `${what}: ${err.message}`);
  }
  await f.done();
});

Deno.test("folder dataset: bad layouts are one-line errors naming the folder", async () => {
  const f = await fixture();
  const check = async (mutate: () => Promise<void>, kind: typeof DataError, pattern: RegExp) => {
    await mutate();
    const err = await loadError(f.root, { cacheDir: f.cacheDir });
    assert.ok(err instanceof kind, `${err.name}: ${err.message}`);
    assert.match(err.message, pattern);
  };
  const ant = join(f.root, "train", "ant");
  // An empty class folder.
  await check(
    async () => {
      for (const e of Deno.readDirSync(ant)) await Deno.remove(join(ant, e.name));
    },
    DataError,
    /class folder train\/ant holds no images/,
  );
  await Deno.remove(ant, { recursive: true });
  // A test class missing from train (ant is now only in test).
  await check(() => Promise.resolve(), DataError, /test class 'ant' has no folder in train\//);
  // A train class missing from test.
  await Deno.remove(join(f.root, "test", "ant"), { recursive: true });
  await Deno.mkdir(join(f.root, "train", "dog"));
  await Deno.writeFile(
    join(f.root, "train", "dog", "a.png"),
    await Deno.readFile(join(f.root, "train", "bee", "0000.png")),
  );
  await check(() => Promise.resolve(), DataError, /train class 'dog' has no folder in test\//);
  await Deno.remove(join(f.root, "train", "dog"), { recursive: true });
  // A symbolic link loop inside a class folder, and a self-referencing link.
  await Deno.symlink(join(f.root, "train"), join(f.root, "train", "bee", "up"));
  await check(() => Promise.resolve(), DataError, /symbolic link loop/);
  await Deno.remove(join(f.root, "train", "bee", "up"));
  await Deno.symlink("self", join(f.root, "train", "bee", "self"));
  await check(
    () => Promise.resolve(),
    DataError,
    /Cannot read .*train\/bee\/self: symbolic link loop/,
  );
  await f.done();
});

Deno.test("folder dataset: no folder, no path, 0 images", async () => {
  const dir = await Deno.makeTempDir();
  let err = await loadError(dir);
  assert.ok(err instanceof DataError);
  assert.match(err.message, /no train\/ folder/);
  await Deno.mkdir(join(dir, "train"));
  await Deno.mkdir(join(dir, "test"));
  err = await loadError(dir);
  assert.match(err.message, /train\/ holds no class folders \(0 images\)/);
  err = await loadError(join(dir, "nope"));
  assert.match(err.message, /nope: no such folder/);
  for (const name of ["folder:", "folder:  "]) {
    await assert.rejects(
      () => loadDataset(name),
      (e: unknown) =>
        e instanceof UsageError &&
        /a folder dataset needs a path, e\.g\. folder:DIR/.test(e.message),
    );
  }
  await Deno.remove(dir, { recursive: true });
});

Deno.test("folder dataset names: key for result paths, classes without decoding, data-dir lookup", async () => {
  assert.equal(isFolderDataset("folder:x"), true);
  assert.equal(isFolderDataset("cifar10"), false);
  assert.equal(datasetKey("folder:/data/Cats vs Dogs/"), "folder-Cats_vs_Dogs");
  assert.equal(datasetKey("fashion-mnist"), "fashion-mnist");
  const f = await fixture();
  assert.deepEqual(datasetClasses(`folder:${f.root}`), { name: "folder-ds", classNames: SORTED });
  assert.deepEqual(datasetClasses("cifar10").classNames.length, 10);
  // A relative folder name is also found below --data-dir (an archive extracted once there).
  assert.equal(folderRoot("folder:ds", { dataDir: f.dir, useEnv: false }), f.root);
  assert.throws(
    () => folderRoot("folder:nope", { dataDir: f.dir, useEnv: false, cacheDir: f.cacheDir }),
    /no such folder \(looked in .*nope, .*nope, .*nope\)/,
  );
  await f.done();
});

Deno.test("loadOneVsRest() on a folder dataset: class checked before decoding, [-1, 1] images", async () => {
  const f = await fixture();
  await assert.rejects(
    () => loadOneVsRest(`folder:${f.root}`, 3, f.opts),
    (e: unknown) => e instanceof UsageError && /classes are 0\.\.2/.test(e.message),
  );
  const d = await loadOneVsRest(`folder:${f.root}`, 1, f.opts);
  assert.deepEqual([d.train.n, d.test.n, d.train.height], [3, 6, 8]);
  assert.deepEqual([...d.testLabels], [0, 0, 1, 1, 0, 0]);
  assert.equal(d.meta.normalClassName, "bee");
  assert.ok(d.train.data.every((v) => v >= -1 && v <= 1));
  await f.done();
});

Deno.test("decodeImageFile(): 16-bit, palette and grey+alpha PNGs come out as 8-bit RGB or grey", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const px = Uint8Array.from({ length: 8 * 8 * 3 }, (_, i) => i % 256);
    const raw = { raw: { width: 8, height: 8, channels: 3 as const } };
    const files: [string, Uint8Array][] = [
      ["p16.png", await sharp(px, raw).toColourspace("rgb16").png().toBuffer()],
      ["pal.png", await sharp(px, raw).png({ palette: true }).toBuffer()],
      [
        "ga.png",
        await sharp(new Uint8Array(128).fill(200), { raw: { width: 8, height: 8, channels: 2 } })
          .toColourspace("b-w").png().toBuffer(),
      ],
    ];
    const out: Record<string, [number, number]> = {};
    for (const [name, bytes] of files) {
      await Deno.writeFile(join(dir, name), bytes);
      const d = await decodeImageFile(join(dir, name));
      out[name] = [d.channels, d.data.length];
      if (name === "p16.png") assert.deepEqual(d.data, px); // 16-bit scaled back exactly
    }
    assert.deepEqual(out, { "p16.png": [3, 192], "pal.png": [3, 192], "ga.png": [1, 64] });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
