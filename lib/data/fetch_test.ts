import assert from "node:assert/strict";
import { DataError, UsageError } from "../util/errors.ts";
import { fetchDataset } from "./fetch.ts";
import { loadDataset } from "./load.ts";
import {
  cifarArchive,
  cifarFiles,
  encodeTar,
  gzip,
  idxFiles,
  idxFixture,
  specFor,
} from "./testdata/fixtures.ts";
import { serveFiles } from "./testdata/server.ts";

const quiet = { quiet: true, useEnv: false };

async function tree(dir: string, prefix = ""): Promise<string[]> {
  const out: string[] = [];
  try {
    for await (const e of Deno.readDir(dir)) {
      const rel = prefix + e.name;
      if (e.isDirectory) out.push(rel + "/", ...await tree(`${dir}/${e.name}`, rel + "/"));
      else out.push(rel);
    }
  } catch (err) {
    if (!(err instanceof Deno.errors.NotFound)) throw err;
  }
  return out.sort();
}

function served(dataset: string, files: Record<string, Uint8Array>) {
  return serveFiles(
    Object.fromEntries(Object.entries(files).map(([k, v]) => [`${dataset}/${k}`, v])),
  );
}

Deno.test("fetchDataset() downloads IDX files from a mirror, verifies them and keeps them", async () => {
  const files = idxFiles(idxFixture(40, 20));
  const spec = specFor("fashion-mnist", files);
  const srv = served("fashion-mnist", files);
  const cacheDir = await Deno.makeTempDir();
  const r1 = await fetchDataset(spec, { ...quiet, cacheDir, mirror: srv.base + "/" });
  assert.deepEqual(r1.downloaded, Object.keys(files));
  assert.deepEqual(await tree(cacheDir), [
    "fashion-mnist/",
    ...Object.keys(files).map((f) => `fashion-mnist/${f}`).sort(),
  ]);
  const r2 = await fetchDataset(spec, { ...quiet, cacheDir, mirror: srv.base });
  assert.deepEqual([r2.downloaded, r2.present.length, srv.requests.length], [[], 4, 4]);
  const loaded = await loadDataset(spec, { cacheDir, systemDirs: [], useEnv: false });
  assert.equal(loaded.meta.source, "cache");
  assert.deepEqual(loaded.meta.files.map((f) => f.status), [
    "official",
    "official",
    "official",
    "official",
  ]);
  assert.equal(loaded.train.n, 40);
  await srv.close();
  await Deno.remove(cacheDir, { recursive: true });
});

Deno.test("fetchDataset() honours GEOMAD_MIRROR", async () => {
  const files = idxFiles(idxFixture(10, 10));
  const spec = specFor("mnist", files);
  const srv = served("mnist", files);
  const cacheDir = await Deno.makeTempDir();
  Deno.env.set("GEOMAD_MIRROR", srv.base);
  try {
    const r = await fetchDataset(spec, { quiet: true, cacheDir });
    assert.equal(r.downloaded.length, 4);
    assert.ok(srv.requests.every((p) => p.startsWith("mnist/")));
  } finally {
    Deno.env.delete("GEOMAD_MIRROR");
    await srv.close();
    await Deno.remove(cacheDir, { recursive: true });
  }
});

Deno.test("fetchDataset() with a checksum mismatch leaves nothing in the cache", async () => {
  const files = idxFiles(idxFixture(10, 10));
  const spec = specFor("fashion-mnist", files);
  const srv = served("fashion-mnist", {
    ...files,
    "t10k-labels-idx1-ubyte.gz": gzip(new Uint8Array(5)),
  });
  const cacheDir = await Deno.makeTempDir();
  await assert.rejects(
    () => fetchDataset(spec, { ...quiet, cacheDir, mirror: srv.base }),
    (e: unknown) =>
      e instanceof DataError &&
      /t10k-labels-idx1-ubyte\.gz: checksum mismatch: .*nothing was saved$/.test(e.message),
  );
  // The three good files are kept (verified); the bad one is nowhere, not even as a temp file.
  assert.deepEqual(await tree(cacheDir), [
    "fashion-mnist/",
    "fashion-mnist/t10k-images-idx3-ubyte.gz",
    "fashion-mnist/train-images-idx3-ubyte.gz",
    "fashion-mnist/train-labels-idx1-ubyte.gz",
  ]);
  await srv.close();
  await Deno.remove(cacheDir, { recursive: true });
});

for (const kind of ["cifar10", "cifar100"] as const) {
  Deno.test(`fetchDataset() downloads and extracts a ${kind} tar.gz in the official layout`, async () => {
    const files = cifarFiles(kind, 12);
    const archive = cifarArchive(files);
    const spec = specFor(
      kind,
      files,
      archive,
      kind === "cifar10" ? { train: 60, test: 12 } : { train: 12, test: 12 },
    );
    const srv = served(kind, { [spec.archive!.name]: archive });
    const cacheDir = await Deno.makeTempDir();
    const r = await fetchDataset(spec, { ...quiet, cacheDir, mirror: srv.base });
    assert.deepEqual(r.downloaded, [spec.archive!.name]);
    assert.deepEqual(r.extracted, Object.keys(files));
    const top = kind === "cifar10" ? "cifar-10-batches-bin" : "cifar-100-binary";
    assert.deepEqual(
      await tree(`${cacheDir}/${kind}`),
      [
        spec.archive!.name,
        `${top}/`,
        ...[...Object.keys(files), `${top}/readme.html`].sort(),
      ].sort(),
    );
    const fromFiles = await loadDataset(spec, { cacheDir, systemDirs: [], useEnv: false });
    assert.equal(fromFiles.meta.source, "cache");
    assert.ok(fromFiles.meta.files.every((f) => f.status === "official"));
    assert.equal(fromFiles.train.n, kind === "cifar10" ? 60 : 12);
    assert.equal(fromFiles.train.channels, 3);
    assert.equal(fromFiles.train.fineLabels !== undefined, kind === "cifar100");
    // Reading the archive in memory gives the same data.
    await Deno.remove(`${cacheDir}/${kind}/${top}`, { recursive: true });
    const fromArchive = await loadDataset(spec, { cacheDir, systemDirs: [], useEnv: false });
    assert.equal(fromArchive.meta.root, `${cacheDir}/${kind}/${spec.archive!.name}`);
    assert.deepEqual(fromArchive.train.images, fromFiles.train.images);
    assert.deepEqual(fromArchive.test.labels, fromFiles.test.labels);
    assert.deepEqual(fromArchive.test.fineLabels, fromFiles.test.fineLabels);
    await srv.close();
    await Deno.remove(cacheDir, { recursive: true });
  });
}

Deno.test("fetchDataset() rejects an archive with a '..' entry and extracts nothing", async () => {
  const files = cifarFiles("cifar10", 2);
  const evil = gzip(encodeTar([
    ...Object.entries(files).map(([name, data]) => ({ name, data })),
    { name: "cifar-10-batches-bin/../../escaped.txt", data: new Uint8Array([1]) },
  ]));
  const spec = specFor("cifar10", files, evil);
  const srv = served("cifar10", { [spec.archive!.name]: evil });
  const root = await Deno.makeTempDir();
  const cacheDir = `${root}/cache`;
  await assert.rejects(
    () => fetchDataset(spec, { ...quiet, cacheDir, mirror: srv.base }),
    (e: unknown) =>
      e instanceof DataError &&
      /entry 'cifar-10-batches-bin\/\.\.\/\.\.\/escaped\.txt' escapes the target folder/.test(
        e.message,
      ),
  );
  assert.deepEqual(await tree(root), [
    "cache/",
    "cache/cifar10/",
    "cache/cifar10/cifar-10-binary.tar.gz",
  ]);
  await srv.close();
  await Deno.remove(root, { recursive: true });
});

Deno.test("fetchDataset() refuses the embedded sample and unknown datasets", async () => {
  await assert.rejects(() => fetchDataset("fashion-mnist-sample", quiet), UsageError);
  await assert.rejects(() => fetchDataset("imagenet", quiet), UsageError);
});

Deno.test("fetchDataset() removes the temp files and folders a killed fetch left behind", async () => {
  const files = idxFiles(idxFixture(40, 20));
  const spec = specFor("fashion-mnist", files);
  const srv = served("fashion-mnist", files);
  const cacheDir = await Deno.makeTempDir();
  try {
    const dir = `${cacheDir}/fashion-mnist`;
    await Deno.mkdir(dir, { recursive: true });
    const child = new Deno.Command(Deno.execPath(), { args: ["--version"], stdout: "null" })
      .spawn();
    await child.status; // a process that is certainly gone
    const dead = child.pid;
    const leftovers = [
      `.train-images-idx3-ubyte.gz.${dead}.k3x9a1.tmp`,
      `.extract-${dead}-q8w2e4`,
    ];
    await Deno.writeTextFile(`${dir}/${leftovers[0]}`, "partial download");
    await Deno.mkdir(`${dir}/${leftovers[1]}/cifar-10-batches-bin`, { recursive: true });
    // Deno lets only --allow-all read /proc/<pid>, so under a task's permissions a dead writer
    // is recognised by age alone: make the leftovers older than the 5-minute limit
    const old = new Date(Date.now() - 10 * 60_000);
    for (const name of leftovers) await Deno.utime(`${dir}/${name}`, old, old);
    const live = `.t10k-labels-idx1-ubyte.gz.${Deno.pid}.a1b2c3.tmp`; // a writer still at work
    await Deno.writeTextFile(`${dir}/${live}`, "in progress");
    const r = await fetchDataset(spec, { ...quiet, cacheDir, mirror: srv.base + "/" });
    assert.deepEqual(r.removedTemps?.sort(), leftovers.sort());
    assert.deepEqual(
      await tree(cacheDir),
      [
        "fashion-mnist/",
        `fashion-mnist/${live}`,
        ...Object.keys(files).map((f) => `fashion-mnist/${f}`).sort(),
      ].sort(),
    );
  } finally {
    await srv.close();
    await Deno.remove(cacheDir, { recursive: true });
  }
});
