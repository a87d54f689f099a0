import assert from "node:assert/strict";
import { join } from "node:path";
import { UsageError } from "../util/errors.ts";
import { classFolderNames, exportFolder, paddedImage } from "./export_folder.ts";
import { loadDataset } from "./load.ts";
import { idxFiles, idxFixture, writeFiles } from "./testdata/fixtures.ts";

const quiet = { quiet: true, useEnv: false } as const;

/** A temp folder holding Fashion-MNIST-format IDX files of 40 + 20 random images. */
async function idxDir(): Promise<{ dir: string; opts: object }> {
  const dir = await Deno.makeTempDir({ prefix: "geomad-export-" });
  await writeFiles(join(dir, "idx"), idxFiles(idxFixture(40, 20)));
  return { dir, opts: { ...quiet, dataDir: join(dir, "idx"), verify: false } };
}

Deno.test("export: the folder gives every image its registry label and pixels, padded as asked", async () => {
  const { dir, opts } = await idxDir();
  try {
    const out = join(dir, "fm");
    const r = await exportFolder("fashion-mnist", { out, padTo: 32, ...opts });
    const reg = await loadDataset("fashion-mnist", opts);
    assert.equal(r.images, reg.train.n + reg.test.n);
    assert.deepEqual([r.size, r.channels], [32, 1]);
    assert.deepEqual(r.classFolders.slice(0, 2), ["0-T-shirt_top", "1-Trouser"]);
    const got = await loadDataset(`folder:${out}`, { ...quiet, cacheDir: join(dir, "cache") });
    assert.deepEqual(got.spec.classNames, r.classFolders);
    for (const split of ["train", "test"] as const) {
      const want = reg[split], have = got[split];
      assert.equal(have.n, want.n);
      assert.deepEqual([have.height, have.width, have.channels], [32, 32, 1]);
      // The folder lists class by class, each in the official order.
      const order = [...want.labels.keys()].sort((a, b) =>
        want.labels[a]! - want.labels[b]! || a - b
      );
      order.forEach((i, j) => {
        assert.equal(have.labels[j], want.labels[i]);
        const px = have.images.subarray(j * 1024, (j + 1) * 1024);
        assert.deepEqual(px, paddedImage(want, i, 2), `${split} image ${i}`);
      });
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("export: padding, class folder names and bad requests", async () => {
  const set = {
    images: Uint8Array.from([1, 2, 3, 4]),
    labels: Uint8Array.from([0]),
    n: 1,
    height: 2,
    width: 2,
    channels: 1,
  };
  assert.deepEqual([...paddedImage(set, 0, 1)], [0, 0, 0, 0, 0, 1, 2, 0, 0, 3, 4, 0, 0, 0, 0, 0]);
  assert.deepEqual([...paddedImage(set, 0, 0)], [1, 2, 3, 4]);
  const twenty = classFolderNames(Array.from({ length: 20 }, (_, i) => `c ${i}/x`));
  assert.deepEqual([twenty[0], twenty[19]], ["00-c_0_x", "19-c_19_x"]);
  assert.deepEqual([...twenty].sort(), twenty);
  const { dir, opts } = await idxDir();
  try {
    for (const padTo of [27, 31, 2.5]) {
      await assert.rejects(
        exportFolder("fashion-mnist", { out: join(dir, "x"), padTo, ...opts }),
        (e: Error) =>
          e instanceof UsageError && /--pad-to must be an integer >= 28/.test(e.message),
      );
    }
    await assert.rejects(
      exportFolder("fashion-mnist", { out: dir, ...opts }),
      (e: Error) => e instanceof UsageError && /it exists \(pass --force/.test(e.message),
    );
    await assert.rejects(
      exportFolder(`folder:${dir}`, { out: join(dir, "y"), ...opts }),
      (e: Error) => e instanceof UsageError && /is one already/.test(e.message),
    );
    assert.deepEqual([...Deno.readDirSync(dir)].map((e) => e.name), ["idx"]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
