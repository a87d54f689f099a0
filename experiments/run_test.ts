/** `deno task run`: usage errors exit 2 before anything is loaded; a run writes its result. */
import assert from "node:assert/strict";
import { join } from "node:path";
import { denoExecutable } from "../lib/experiments/process_pool.ts";
import { readRunResult } from "../lib/experiments/result.ts";
import { runArgs } from "../lib/experiments/sweep.ts";
import { runTaskArgs } from "./sweep_testing.ts";
import { writeImageFolder } from "../lib/data/testdata/folder_fixtures.ts";
import { idxFiles, idxFixture, writeFiles } from "../lib/data/testdata/fixtures.ts";

function run(dir: string, args: string[]): Promise<Deno.CommandOutput> {
  return new Deno.Command(denoExecutable(), { args: [...runTaskArgs(dir), ...args] }).output();
}

Deno.test("run: bad usage exits 2 with a one-line reason", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const cases: Array<[string[], RegExp]> = [
      [["--dataset", "fashion-mnist", "--normal", "0"], /--method is required/],
      [
        ["--method", "svm", "--dataset", "fashion-mnist", "--normal", "0"],
        /unknown method 'svm' \(choose from geom, /,
      ],
      [
        [
          "--method",
          "raw-ocsvm",
          "--dataset",
          "fashion-mnist",
          "--normal",
          "0",
          "--transforms",
          "rot4",
        ],
        /raw-ocsvm: it takes no 'transforms' override/,
      ],
      [["--method", "geom", "--dataset", "fashion-mnist", "--normal", "12"], /class/],
    ];
    for (const [args, message] of cases) {
      const out = await run(dir, [...args, "--out", join(dir, "r.json")]);
      const err = new TextDecoder().decode(out.stderr).trim();
      assert.equal(out.code, 2, err);
      const lines = err.split("\n");
      assert.match(lines[0]!, message);
      assert.equal(lines.length, 3, err);
      assert.match(lines[1]!, /^usage: deno task run --method M --dataset D --normal C /);
      assert.match(lines[2]!, /'deno task run --help'/);
    }
    assert.deepEqual(await Array.fromAsync(Deno.readDir(dir)), []);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("run: a method with an afterFit hook writes a result flagged as hindsight", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const out = join(dir, "sub", "r.json");
    // The flags a sweep passes (runArgs) are the flags run.ts reads.
    const spec = {
      method: "raw-ocsvm",
      dataset: "fashion-mnist-sample",
      normalClass: 3,
      seed: 2,
      preset: "smoke",
      overrides: { testLimit: 60 },
      out,
    };
    const res = await run(dir, [...runArgs(spec), "--quiet"]);
    assert.equal(res.code, 0, new TextDecoder().decode(res.stderr));
    const r = await readRunResult(out);
    assert.equal(r.status, "ok");
    assert.equal(r.seed, 2);
    assert.equal(r.data.testLimit, 60);
    assert.equal(r.state.selection, "hindsight-test-auroc");
    assert.ok(r.metrics["raw-ocsvm"]!.auroc > 0.5);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("run: --out is checked before any work: a folder, a link out of the sandbox, another run's result", async () => {
  const dir = await Deno.makeTempDir(), outside = await Deno.makeTempDir();
  try {
    const results = join(dir, "results");
    await Deno.mkdir(join(results, "a-folder"), { recursive: true });
    await Deno.symlink(outside, join(results, "link"));
    const base = [
      "--method",
      "raw-ocsvm",
      "--dataset",
      "fashion-mnist-sample",
      "--preset",
      "smoke",
    ];
    const usage = async (args: string[], re: RegExp) => {
      const out = await run(results, [...base, ...args]);
      const err = new TextDecoder().decode(out.stderr);
      assert.equal(out.code, 2, err);
      assert.match(err.split("\n")[0]!, re);
    };
    await usage(["--normal", "0", "--out", join(results, "a-folder")], /is a folder, not a file/);
    await usage(
      ["--normal", "0", "--out", join(results, "link", "r.json")],
      new RegExp(
        `\\(it leads to ${outside}/r\\.json\\) is outside the folders this task may write`,
      ),
    );
    await Deno.symlink(join(outside, "x.json"), join(results, "file-link.json"));
    await usage(["--normal", "0", "--out", join(results, "file-link.json")], /is a symbolic link/);
    assert.deepEqual(await Array.fromAsync(Deno.readDir(outside)), []);
    // A result of class 0 is not overwritten by a run of class 1 without --force.
    const r0 = join(results, "r.json");
    const first = await run(results, [
      ...base,
      ...["--normal", "0", "--test-limit", "60", "--precision", "fp32", "--out", r0],
    ]);
    assert.equal(first.code, 0, new TextDecoder().decode(first.stderr));
    const before = await Deno.readTextFile(r0);
    await usage(
      ["--normal", "1", "--out", r0],
      /holds the result of another run \(raw-ocsvm\/fashion-mnist-sample\/smoke\/class-0\/seed-0, not .*class-1\/seed-0\); pass --force/,
    );
    // Nor by the same run with other settings: keeping both needs another --out.
    await usage(
      ["--normal", "0", "--test-limit", "40", "--precision", "fp32", "--out", r0],
      /holds this run, made otherwise \(testLimit 60 is not 40\); pass --out FILE to keep both, or --force/,
    );
    await usage(
      ["--normal", "0", "--test-limit", "60", "--out", r0],
      /holds this run, made otherwise \(precision fp32 was requested, not auto\)/,
    );
    await Deno.writeTextFile(join(results, "notes.json"), "my notes");
    await usage(["--normal", "1", "--out", join(results, "notes.json")], /is not a geomad result/);
    assert.equal(await Deno.readTextFile(r0), before);
    const forced = await run(results, [
      ...base,
      ...["--normal", "1", "--test-limit", "60", "--out", r0, "--force", "--quiet"],
      ...["--checkpoint-interval", "60"],
    ]);
    const forcedErr = new TextDecoder().decode(forced.stderr);
    assert.equal(forced.code, 0, forcedErr);
    assert.match(
      forcedErr,
      /^run: raw-ocsvm keeps no checkpoint \(only geom, goad, rot-trans do\): a killed run starts again$/m,
    );
    assert.equal((await readRunResult(r0)).normalClass, 1);
  } finally {
    await Deno.remove(dir, { recursive: true });
    await Deno.remove(outside, { recursive: true });
  }
});

Deno.test("run: geom on a folder dataset (folder:DIR) records the folder; bad folder input exits with one line", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const root = join(dir, "shapes");
    await writeImageFolder(root, { classes: ["a", "b"], train: 24, test: 10, size: 16 });
    const out = join(dir, "r.json");
    // The flags a sweep passes (runArgs) are the flags run.ts reads.
    const spec = {
      method: "geom",
      dataset: `folder:${root}`,
      normalClass: 1,
      seed: 0,
      preset: "smoke",
      overrides: { trainLimit: 16 },
      imageSize: 32,
      verify: false,
      out,
    };
    const res = await run(dir, runArgs(spec));
    const err = new TextDecoder().decode(res.stderr);
    assert.equal(res.code, 0, err);
    // The child may not write data/cache here: it says so and decodes without caching.
    assert.match(err, /folder: decoded images not cached/);
    assert.match(
      err,
      /run: geom folder-shapes class 1 \(b\) seed 0 preset smoke, train 16, test 20, source folder .*shapes \(68 images, resized to 32x32, list sha256 [0-9a-f]{12}\)/,
    );
    const r = await readRunResult(out);
    assert.equal(r.status, "ok");
    assert.equal(r.dataset, "folder-shapes");
    assert.equal(r.data.requested, `folder:${root}`);
    assert.deepEqual(r.data.folder?.files, { train: 48, test: 20 });
    assert.equal(r.data.folder?.imageSize, 32);
    assert.match(r.data.folder?.listDigest ?? "", /^[0-9a-f]{64}$/);
    assert.equal(r.data.verification, "none");
    for (
      const [args, code, message] of [
        [["--dataset", "folder:"], 2, /a folder dataset needs a path, e\.g\. folder:DIR/],
        [
          ["--dataset", `folder:${root}`, "--channels", "2"],
          2,
          /--channels must be 1 or 3, got '2'/,
        ],
        [
          ["--dataset", `folder:${root}`, "--image-size", "big"],
          2,
          /--image-size must be an integer/,
        ],
        [["--dataset", `folder:${join(dir, "nope")}`], 1, /nope: no such folder/],
        [["--dataset", `folder:${root}`, "--normal", "2"], 2, /classes are 0\.\.1/],
      ] as const
    ) {
      const normal = (args as readonly string[]).includes("--normal") ? [] : ["--normal", "0"];
      const o = await run(dir, [
        "--method",
        "geom",
        ...normal,
        ...args,
        "--preset",
        "smoke",
        "--out",
        join(dir, "bad.json"),
      ]);
      const lines = new TextDecoder().decode(o.stderr).trim().split("\n");
      assert.equal(o.code, code, lines.join("\n"));
      assert.match(lines[0]!, message);
      // one line; a usage error adds the usage line and the --help hint
      assert.equal(lines.length, code === 2 ? 3 : 1, lines.join("\n"));
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("run: --no-verify loads files whose checksums differ and records them unchecked", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const data = join(dir, "data");
    await Deno.mkdir(data);
    await writeFiles(data, idxFiles(idxFixture(200, 100, 3))); // not the official bytes
    const out = join(dir, "r.json");
    const args = ["--method", "geom", "--dataset", "fashion-mnist", "--normal", "0"];
    const more = ["--preset", "smoke", "--data-dir", data, "--out", out];
    const refused = await run(dir, [...args, ...more]);
    const e = new TextDecoder().decode(refused.stderr).trim();
    assert.equal(refused.code, 1, e);
    assert.match(
      e,
      /^run: error: Cannot load fashion-mnist: checksum mismatch for .*train-images-idx3-ubyte\.gz/,
    );
    const res = await run(dir, [...args, ...more, "--no-verify"]);
    const err = new TextDecoder().decode(res.stderr);
    assert.equal(res.code, 0, err);
    assert.match(err, /source data-dir, files unchecked, backend/);
    const r = await readRunResult(out);
    assert.equal(r.data.verification, "unchecked");
    assert.deepEqual(r.data.files.map((f) => f.status), new Array(4).fill("unchecked"));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("geom: the catsvsdogs-smoke preset runs on 64x64 (80x80 photos resized by default); other sizes refused", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const root = join(dir, "catsvsdogs");
    await writeImageFolder(root, { classes: ["cat", "dog"], train: 40, test: 20, size: 80 });
    const out = join(dir, "r.json");
    const args = ["--method", "geom", "--dataset", `folder:${root}`, "--normal", "0", "--out", out];
    const res = await run(dir, [...args, "--preset", "catsvsdogs-smoke", "--quiet"]);
    const err = new TextDecoder().decode(res.stderr);
    assert.equal(res.code, 0, err);
    const r = await readRunResult(out);
    assert.equal(r.status, "ok");
    assert.equal(r.preset, "catsvsdogs-smoke");
    assert.equal(r.data.folder?.imageSize, 64); // the preset's size, no --image-size given
    assert.equal(r.hyperparameters.imageSize, 64);
    assert.equal(r.hyperparameters.transforms, "geometric72"); // translations of 64/4 = 16 px
    assert.equal(r.state.nTransforms, 72);
    assert.deepEqual([r.data.used.train, r.data.used.test], [32, 40]);
    for (const name of ["dirichlet", "simple", "max-softmax", "entropy"]) {
      const auroc = r.metrics[name]!.auroc;
      assert.ok(auroc >= 0 && auroc <= 1, `${name} ${auroc}`);
    }
    const wrong = await run(dir, [
      ...args,
      "--preset",
      "catsvsdogs-smoke",
      "--image-size",
      "32",
      "--force",
      "--quiet",
    ]);
    const e = new TextDecoder().decode(wrong.stderr).trim().split("\n");
    assert.equal(wrong.code, 2, e.join("\n"));
    assert.match(
      e[0]!,
      /the preset is for 64x64 images, these are 32x32 \(drop --image-size or pass --image-size 64\)$/,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
