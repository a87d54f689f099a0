import assert from "node:assert/strict";
import { DataError } from "../util/errors.ts";
import { locateDataset, type LocateOptions } from "./locate.ts";
import { idxFiles, idxFixture, specFor, writeFiles } from "./testdata/fixtures.ts";
import { serveFiles } from "./testdata/server.ts";

const FILES = idxFiles(idxFixture(20, 10));

/** Three folders holding the files: an explicit dir, the cache and a "system" folder. */
async function setup() {
  const root = await Deno.makeTempDir();
  for (const d of ["dir", "cache/fashion-mnist", "system"]) await writeFiles(`${root}/${d}`, FILES);
  const opts: LocateOptions = {
    cacheDir: `${root}/cache`,
    systemDirs: [`${root}/system`],
    useEnv: false,
  };
  return { root, opts };
}

Deno.test("locateDataset() prefers data dir, then cache, then system, then the sample", async () => {
  const { root, opts } = await setup();
  const a = await locateDataset("fashion-mnist", { ...opts, dataDir: `${root}/dir` });
  assert.deepEqual([a.kind, a.root, a.spec.name], ["data-dir", `${root}/dir`, "fashion-mnist"]);
  assert.equal(a.paths["train-images-idx3-ubyte.gz"], `${root}/dir/train-images-idx3-ubyte.gz`);
  assert.equal((await locateDataset("fashion-mnist", opts)).kind, "cache");
  await Deno.remove(`${root}/cache/fashion-mnist/t10k-labels-idx1-ubyte.gz`); // partial cache
  assert.equal((await locateDataset("fashion-mnist", opts)).kind, "system");
  await Deno.remove(`${root}/system`, { recursive: true });
  const s = await locateDataset("fashion-mnist", opts);
  assert.deepEqual([s.kind, s.spec.name, s.requested], [
    "sample",
    "fashion-mnist-sample",
    "fashion-mnist",
  ]);
  await assert.rejects(
    () => locateDataset("fashion-mnist", { ...opts, allowSample: false }),
    (e: unknown) =>
      e instanceof DataError &&
      /^Cannot find fashion-mnist: not in .*; run 'deno task data fetch fashion-mnist' or pass --data-dir/
        .test(e.message),
  );
  await Deno.remove(root, { recursive: true });
});

Deno.test("locateDataset() fails on a --data-dir that does not exist or lacks files", async () => {
  const { root, opts } = await setup();
  await assert.rejects(
    () => locateDataset("fashion-mnist", { ...opts, dataDir: `${root}/nope` }),
    (e: unknown) =>
      e instanceof DataError && e.message === `Cannot read data dir '${root}/nope': no such folder`,
  );
  await Deno.remove(`${root}/dir/t10k-images-idx3-ubyte.gz`);
  await assert.rejects(
    () => locateDataset("fashion-mnist", { ...opts, dataDir: `${root}/dir` }),
    (e: unknown) =>
      e instanceof DataError &&
      e.message ===
        `Cannot load fashion-mnist from data dir '${root}/dir': missing ${root}/dir/t10k-images-idx3-ubyte.gz`,
  );
  await Deno.remove(root, { recursive: true });
});

Deno.test("locateDataset() accepts a <dataset>/ subfolder and gunzipped files in a data dir", async () => {
  const root = await Deno.makeTempDir();
  await writeFiles(`${root}/fashion-mnist`, idxFiles(idxFixture(20, 10), false));
  const s = await locateDataset("fashion-mnist", { dataDir: root, useEnv: false });
  assert.equal(s.root, `${root}/fashion-mnist`);
  assert.equal(
    s.paths["t10k-labels-idx1-ubyte.gz"],
    `${root}/fashion-mnist/t10k-labels-idx1-ubyte`,
  );
  await Deno.remove(root, { recursive: true });
});

Deno.test("locateDataset() reads GEOMAD_DATA_DIR and names it when it does not exist", async () => {
  const { root, opts } = await setup();
  const env = { ...opts, useEnv: true };
  try {
    Deno.env.set("GEOMAD_DATA_DIR", `${root}/dir`);
    assert.equal((await locateDataset("fashion-mnist", env)).kind, "data-dir");
    Deno.env.set("GEOMAD_DATA_DIR", `${root}/missing`);
    await assert.rejects(
      () => locateDataset("fashion-mnist", env),
      (e: unknown) =>
        e instanceof DataError &&
        e.message === `Cannot read data dir (GEOMAD_DATA_DIR) '${root}/missing': no such folder`,
    );
    // The explicit option wins over the variable.
    assert.equal(
      (await locateDataset("fashion-mnist", { ...env, dataDir: `${root}/dir` })).root,
      `${root}/dir`,
    );
  } finally {
    Deno.env.delete("GEOMAD_DATA_DIR");
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("locateDataset() downloads into the cache when asked and nothing is found", async () => {
  const spec = specFor("fashion-mnist", FILES);
  const srv = serveFiles(
    Object.fromEntries(Object.entries(FILES).map(([k, v]) => [`fashion-mnist/${k}`, v])),
  );
  const root = await Deno.makeTempDir();
  const opts = { cacheDir: root, systemDirs: [], useEnv: false, quiet: true, mirror: srv.base };
  const s = await locateDataset(spec, { ...opts, download: true });
  assert.deepEqual([s.kind, s.root], ["download", `${root}/fashion-mnist`]);
  assert.equal((await locateDataset(spec, opts)).kind, "cache");
  await srv.close();
  await Deno.remove(root, { recursive: true });
});
