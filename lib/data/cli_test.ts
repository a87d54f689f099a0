import assert from "node:assert/strict";
import { join } from "node:path";
import { encodeIdx } from "./idx.ts";
import { writeImageFolder } from "./testdata/folder_fixtures.ts";
import { gzip, idxFiles, idxFixture, writeFiles } from "./testdata/fixtures.ts";
import { closedPort } from "./testdata/server.ts";

const CLI = new URL("./cli.ts", import.meta.url).pathname;

/** Runs the data CLI as a subprocess with the permissions its task has (writes: none, or
 * `extraWrite` for a private cache folder). */
function run(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return runWith(undefined, ...args);
}

async function runWith(
  extraWrite: string | undefined,
  ...args: string[]
): Promise<{ code: number; stdout: string; stderr: string }> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--no-prompt",
      "--allow-read",
      "--allow-net=127.0.0.1",
      "--allow-env",
      "--allow-ffi",
      ...(extraWrite ? [`--allow-write=${extraWrite}`] : []),
      CLI,
      ...args,
    ],
    env: { NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const dec = new TextDecoder();
  return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}

function assertOneLineError(r: { code: number; stderr: string }, code: number, re: RegExp) {
  assert.equal(r.code, code, r.stderr);
  const lines = r.stderr.trimEnd().split("\n");
  assert.equal(lines.length, 1, `expected one line, got:\n${r.stderr}`);
  assert.match(lines[0]!, /^data: error: /);
  assert.match(lines[0]!, re);
}

Deno.test("data info prints source, sizes, pixel statistics, per-class counts, shape and checksums", async () => {
  const r = await run("info", "fashion-mnist-sample");
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^source\s+sample .*data\/samples\/fashion-mnist$/m);
  assert.match(r.stdout, /^image shape\s+28x28x1$/m);
  assert.match(r.stdout, /^train\s+3000 images$/m);
  assert.match(r.stdout, /^test\s+1000 images$/m);
  assert.match(r.stdout, /^pixels\/255\s+train mean 0\.2827 {2}std 0\.3516$/m);
  assert.match(r.stdout, /^\s+test {2}mean 0\.2925 {2}std 0\.3558$/m);
  assert.match(r.stdout, /^\s+9 Ankle boot\s+300\s+100$/m);
  assert.match(
    r.stdout,
    /train-images-idx3-ubyte\.gz\s+1302804 bytes\s+md5 8573943acc6080020f349ca73a4c21b2\s+ok: official file/,
  );
  const j = await run("info", "fashion-mnist-sample", "--json");
  assert.equal(j.code, 0, j.stderr);
  const info = JSON.parse(j.stdout);
  assert.deepEqual([info.sizes, info.shape, info.classes[0]], [{ train: 3000, test: 1000 }, [
    28,
    28,
    1,
  ], { name: "T-shirt/top", train: 300, test: 100 }]);
  assert.equal(info.pixels.train.length, 1);
  assert.equal(info.pixels.test[0].mean.toFixed(4), "0.2925");
});

/** A usage error: exit 2, the error on one line, then the usage line and a hint to use --help. */
function assertUsageError(r: { code: number; stderr: string }, re: RegExp) {
  assert.equal(r.code, 2, r.stderr);
  const lines = r.stderr.trimEnd().split("\n");
  assert.equal(lines.length, 3, `expected error, usage and hint, got:\n${r.stderr}`);
  assert.match(lines[0]!, /^data: error: /);
  assert.match(lines[0]!, re);
  assert.match(
    lines[1]!,
    /^usage: deno task data <info\|fetch\|verify\|reencode\|export> <dataset> /,
  );
  assert.match(lines[2]!, /deno task data --help/);
}

Deno.test("data CLI exits 2 with the error, the usage line and a hint on usage errors", async () => {
  assertUsageError(await run("info", "svhn"), /Cannot find dataset 'svhn'/);
  assertUsageError(await run("explode", "mnist"), /unknown command 'explode'/);
  assertUsageError(await run("info"), /missing dataset/);
  assertUsageError(await run("info", "mnist", "--frobnicate"), /frobnicate/);
  assertUsageError(
    await run("info", "mnist", "--json", "--json"),
    /--json is given more than once/,
  );
  assertUsageError(await run("info", "mnist", "--data-dir", ""), /--data-dir is empty/);
});

Deno.test("data info/verify: a gzip bomb fails with one line, never inflated past its known size", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await writeFiles(dir, idxFiles(idxFixture(20, 10)));
    // A valid IDX header for the 10,000 test images, then 64 MB of zeros: 64 KB gzipped.
    const header = encodeIdx([10000, 28, 28], new Uint8Array(10000 * 28 * 28)).subarray(0, 16);
    const bomb = new Uint8Array(64 << 20);
    bomb.set(header);
    await Deno.writeFile(`${dir}/t10k-images-idx3-ubyte.gz`, gzip(bomb));
    const known = 16 + 10000 * 28 * 28;
    assertOneLineError(
      await run("info", "fashion-mnist", "--data-dir", dir, "--no-verify"),
      1,
      new RegExp(
        `t10k-images-idx3-ubyte\\.gz: its gzip data decompresses to more than ${known} bytes`,
      ),
    );
    // Verified: the checksum of the stored file differs, so it is never trusted.
    assertOneLineError(
      await run("info", "fashion-mnist", "--data-dir", dir),
      1,
      /checksum mismatch for .*train-images-idx3-ubyte\.gz/,
    );
    // The header alone bounds it (--no-verify, a header announcing 100 images).
    const small = encodeIdx([100, 28, 28], new Uint8Array(100 * 28 * 28));
    const padded = new Uint8Array(small.length + (8 << 20));
    padded.set(small);
    await Deno.writeFile(`${dir}/t10k-images-idx3-ubyte.gz`, gzip(padded));
    assertOneLineError(
      await run("info", "fashion-mnist", "--data-dir", dir, "--no-verify"),
      1,
      new RegExp(`decompresses to more than ${small.length} bytes`),
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("data CLI exits 1 with one line naming the file on bad data", async () => {
  const dir = await Deno.makeTempDir();
  assertOneLineError(
    await run("info", "fashion-mnist", "--data-dir", `${dir}/nope`),
    1,
    new RegExp(`Cannot read data dir '${dir}/nope': no such folder$`),
  );
  const files = idxFiles(idxFixture(20, 10));
  files["train-labels-idx1-ubyte.gz"] = gzip(encodeIdx([20, 1], new Uint8Array(20)));
  await writeFiles(dir, files);
  assertOneLineError(
    await run("info", "fashion-mnist", "--data-dir", dir),
    1,
    new RegExp(`checksum mismatch for ${dir}/train-images-idx3-ubyte\\.gz`),
  );
  assertOneLineError(
    await run("info", "fashion-mnist", "--data-dir", dir, "--no-verify"),
    1,
    new RegExp(`Cannot read ${dir}/train-labels-idx1-ubyte\\.gz: wrong IDX magic`),
  );
  await Deno.writeFile(
    `${dir}/t10k-images-idx3-ubyte.gz`,
    files["t10k-images-idx3-ubyte.gz"]!.subarray(0, 100),
  );
  const v = await run("verify", "fashion-mnist", "--data-dir", dir);
  assertOneLineError(
    v,
    1,
    /Cannot verify fashion-mnist: 4 of 4 files differ; first: checksum mismatch for /,
  );
  assert.match(v.stdout, /MISMATCH/);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("data fetch exits 1 with one line when the server refuses the connection", async () => {
  const port = closedPort();
  assertOneLineError(
    await run("fetch", "mnist", "--mirror", `http://127.0.0.1:${port}`, "--quiet"),
    1,
    new RegExp(
      `Cannot download http://127\\.0\\.0\\.1:${port}/mnist/train-images-idx3-ubyte\\.gz: connection refused$`,
    ),
  );
});

const hasDebian = (() => {
  try {
    return Deno.statSync("/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz").isFile;
  } catch {
    return false;
  }
})();

Deno.test({
  name: "data info fashion-mnist reports 60000/10000, 6000/1000 per class, 28x28x1",
  ignore: !hasDebian,
  async fn() {
    const r = await run("info", "fashion-mnist");
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^train\s+60000 images$/m);
    assert.match(r.stdout, /^test\s+10000 images$/m);
    assert.match(r.stdout, /^image shape\s+28x28x1$/m);
    for (const name of ["T-shirt/top", "Trouser", "Bag", "Ankle boot"]) {
      assert.match(
        r.stdout,
        new RegExp(`^\\s+\\d ${name.replace("/", "\\/")}\\s+6000\\s+1000$`, "m"),
      );
    }
    const v = await run("verify", "fashion-mnist");
    assert.equal(v.code, 0, v.stderr);
    assert.match(v.stdout, /all 4 files match the registry checksums/);
  },
});

/** An 8x8 image folder `DIR/pets` with classes dog and cat. */
function writePets(dir: string, train: number, test: number) {
  return writeImageFolder(join(dir, "pets"), { classes: ["dog", "cat"], train, test, size: 8 });
}

Deno.test("data info folder:DIR lists classes, sizes and the file-list digest; verify/fetch refuse it", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await writePets(dir, 3, 2);
    const r = await runWith(dir, "info", `folder:pets`, "--data-dir", dir, "--channels", "1");
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^dataset\s+folder-pets: Image folder .*pets$/m);
    assert.match(r.stdout, /^image shape\s+8x8x1$/m);
    assert.match(r.stdout, /^\s+0 cat\s+3\s+2$/m);
    assert.match(r.stdout, /^\s+1 dog\s+3\s+2$/m);
    assert.match(r.stdout, /^file list\s+sha256 [0-9a-f]{64} \(paths and sizes\)$/m);
    assertUsageError(await run("verify", "folder:x"), /a folder dataset has no official files/);
    assertUsageError(
      await run("info", "cifar10", "--image-size", "32"),
      /apply to folder datasets/,
    );
    assertUsageError(await run("info", "folder:"), /needs a path/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("data reencode folder:DIR writes the JPEG copy and prints where; bad usage is one line", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await writePets(dir, 2, 1);
    const out = join(dir, "pets-q40");
    const pets = `folder:${join(dir, "pets")}`;
    const reencode = () =>
      runWith(dir, "reencode", pets, "--quality", "40", "--out", out, "--quiet");
    const r = await reencode();
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^wrote 6 images as JPEG quality 40 to .*pets-q40 \(\d+ bytes/);
    assert.ok(Deno.statSync(join(out, "train/cat/0001.jpg")).isFile);
    const again = await reencode();
    assertUsageError(again, /it exists \(pass --force to replace it\)/);
    assertUsageError(await run("reencode", pets), /needs --quality/);
    assertUsageError(
      await run("reencode", pets, "--quality", "0"),
      /--quality must be an integer in \[1, 100\], got '0'/,
    );
    assertUsageError(
      await run("reencode", "cifar10", "--quality", "50"),
      /applies to image folders/,
    );
    assertUsageError(
      await run("info", "cifar10", "--quality", "50"),
      /--quality applies to reencode/,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("data export writes a registry dataset as a PNG folder; its flags are refused elsewhere", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const idx = join(dir, "idx"), out = join(dir, "fm");
    await writeFiles(idx, idxFiles(idxFixture(20, 10)));
    const args = ["fashion-mnist", "--data-dir", idx, "--no-verify", "--quiet"];
    const r = await runWith(dir, "export", ...args, "--pad-to", "32", "--out", out);
    assert.equal(r.code, 0, r.stderr);
    assert.match(
      r.stdout,
      /^wrote 30 images \(32x32x1 PNG, classes 0-T-shirt_top \.\. 9-Ankle_boot\) to /,
    );
    assert.ok(Deno.statSync(join(out, "test/9-Ankle_boot")).isDirectory);
    assertUsageError(
      await run("export", ...args, "--pad-to", "33", "--out", join(dir, "z")),
      /--pad-to must be/,
    );
    assertUsageError(await run("info", ...args, "--pad-to", "32"), /--pad-to applies to export/);
    assertUsageError(
      await run("info", ...args, "--out", out),
      /--out applies to reencode and export/,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
