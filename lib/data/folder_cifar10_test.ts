/**
 * Acceptance test of folder datasets on real photos: the CIFAR-10 JPEG re-encoding archive
 * (`cifar10-jpeg.tar.gz`: all 60,000 CIFAR-10 images as quality-75 JPEGs, laid out as
 * `cifar10-jpeg/{train,test}/<class>/NNNN.jpg`), named by the GEOMAD_CIFAR10_JPEG environment
 * variable (`.ci/run` sets it when it finds the archive). Without it the test is skipped.
 * @module
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { loadFolderDataset } from "./folder.ts";
import { getDatasetSpec } from "./registry.ts";
import { classCounts } from "./split.ts";

const ENV = "GEOMAD_CIFAR10_JPEG";
const archive = Deno.env.get(ENV);
/** CIFAR-10's classes in label order, as the registry has them (also sorted by name). */
const CLASSES = getDatasetSpec("cifar10").classNames;
/** SHA-256 over the 60,000 relative paths and sizes of the archive's images. */
const LIST_DIGEST = "efb3bdf3912c356ae77954630bbd950006af56742d4d1b177bd3628a4f309e28";

/** /dev/shm when it is a writable folder, else the default temp folder. */
function shmOrTmp(): string | undefined {
  try {
    const probe = Deno.makeTempDirSync({ dir: "/dev/shm" });
    Deno.removeSync(probe);
    return "/dev/shm";
  } catch {
    return undefined;
  }
}

/** Runs a command, throwing with its stderr when it fails. */
async function sh(cmd: string, ...args: string[]): Promise<void> {
  const out = await new Deno.Command(cmd, { args, stdout: "null", stderr: "piped" }).output();
  if (!out.success) throw new Error(`${cmd} failed: ${new TextDecoder().decode(out.stderr)}`);
}

/** Byte equality of two large arrays (assert.deepEqual takes minutes on 150 MB). */
function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

Deno.test({
  name: `folder dataset: the real CIFAR-10 JPEG archive loads as 50,000 / 10,000 images in the ` +
    `official class order, then from the cache` +
    (archive ? "" : ` (skipped: ${ENV} does not name cifar10-jpeg.tar.gz)`),
  ignore: !archive,
  async fn() {
    // In memory where the system has it: deleting 60,000 files that have reached a disk
    // mounted with `discard` takes minutes here (0.7 s right after extraction).
    const dir = await Deno.makeTempDir({ prefix: "geomad-cifar10-jpeg-", dir: shmOrTmp() });
    const tx = performance.now();
    try {
      // tar and rm -rf: faster than reading the archive in Deno and removing file by file.
      await sh("tar", "-xzf", archive!, "-C", dir);
      const extract = (performance.now() - tx) / 1000;
      const opts = { cacheDir: join(dir, "cache"), quiet: true, useEnv: false };
      const name = `folder:${join(dir, "cifar10-jpeg")}`;
      let t0 = performance.now();
      const d = await loadFolderDataset(name, opts);
      const first = (performance.now() - t0) / 1000;
      assert.deepEqual(d.spec.classNames, [...CLASSES]);
      assert.deepEqual([d.train.n, d.test.n], [50000, 10000]);
      assert.deepEqual([d.train.height, d.train.width, d.train.channels], [32, 32, 3]);
      assert.deepEqual(classCounts(d.train.labels, 10), new Array(10).fill(5000));
      assert.deepEqual(classCounts(d.test.labels, 10), new Array(10).fill(1000));
      assert.equal(d.meta.folder!.listDigest, LIST_DIGEST);
      assert.equal(d.meta.folder!.knownAs, "CIFAR-10 (JPEG re-encoding)");
      assert.equal(d.spec.title, "CIFAR-10 (JPEG re-encoding)");
      assert.equal(d.meta.folder!.cache, "stored");
      t0 = performance.now();
      const again = await loadFolderDataset(name, opts);
      const cached = (performance.now() - t0) / 1000;
      assert.equal(again.meta.folder!.cache, "hit");
      assert.ok(sameBytes(again.train.images, d.train.images), "cached train images differ");
      assert.ok(sameBytes(again.test.images, d.test.images), "cached test images differ");
      assert.ok(sameBytes(again.train.labels, d.train.labels), "cached labels differ");
      console.log(
        `CIFAR-10 JPEG: extracted in ${extract.toFixed(1)} s; first load ${first.toFixed(1)} s ` +
          `(${(60000 / first).toFixed(0)} img/s), cached load ${cached.toFixed(2)} s`,
      );
    } finally {
      await sh("rm", "-rf", dir);
    }
  },
});
