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
      assert.match(err, message);
      assert.equal(err.split("\n").length, 1, err);
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
