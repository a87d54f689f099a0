/** `deno task run`: usage errors exit 2 before anything is loaded; a run writes its result. */
import assert from "node:assert/strict";
import { join } from "node:path";
import { denoExecutable } from "../lib/experiments/pool.ts";
import { readRunResult } from "../lib/experiments/result.ts";
import { runArgs } from "../lib/experiments/sweep.ts";

const RUN = new URL("./run.ts", import.meta.url).pathname;

function run(dir: string, args: string[]): Promise<Deno.CommandOutput> {
  return new Deno.Command(denoExecutable(), {
    args: [
      "run",
      "--allow-read",
      `--allow-write=${dir}`,
      "--allow-env",
      "--allow-ffi",
      RUN,
      ...args,
    ],
  }).output();
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
    const first = await run(results, [...base, "--normal", "0", "--test-limit", "60", "--out", r0]);
    assert.equal(first.code, 0, new TextDecoder().decode(first.stderr));
    const before = await Deno.readTextFile(r0);
    await usage(
      ["--normal", "1", "--out", r0],
      /holds the result of another run \(raw-ocsvm\/fashion-mnist-sample\/smoke\/class-0\/seed-0, not .*class-1\/seed-0\); pass --force/,
    );
    await Deno.writeTextFile(join(results, "notes.json"), "my notes");
    await usage(["--normal", "1", "--out", join(results, "notes.json")], /is not a geomad result/);
    assert.equal(await Deno.readTextFile(r0), before);
    const forced = await run(results, [
      ...base,
      ...["--normal", "1", "--test-limit", "60", "--out", r0, "--force", "--quiet"],
    ]);
    assert.equal(forced.code, 0, new TextDecoder().decode(forced.stderr));
    assert.equal((await readRunResult(r0)).normalClass, 1);
  } finally {
    await Deno.remove(dir, { recursive: true });
    await Deno.remove(outside, { recursive: true });
  }
});
