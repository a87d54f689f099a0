/**
 * Sweeps stay inside their sandbox and check their flags before anything runs (issue 15, items
 * 1 and 5): a --root outside the folders the task may write is a usage error, children never
 * get a permission the parent lacks, a bad --backend or --data-dir stops the sweep up front,
 * and stored runs made from other data are not reused.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { getMethod } from "../lib/detectors/catalogue.ts";
import { denoExecutable } from "../lib/experiments/process_pool.ts";
import { writeRunResult } from "../lib/experiments/result.ts";
import { resolveSweepData } from "../lib/experiments/sweep.ts";
import { fakeResult } from "../lib/experiments/testing.ts";
import { UsageError } from "../lib/util/errors.ts";
import { childPermissions, type PermissionQuery } from "../lib/util/sandbox.ts";
import { ABLATION_PRESETS, ablationOverrides, ablationRunPath } from "./ablation_grid.ts";
import { idxFiles, idxFixture, writeFiles } from "../lib/data/testdata/fixtures.ts";
import { listDir } from "./sweep_testing.ts";

const TASK_PERMISSIONS = ["--allow-read", "--allow-env", "--allow-ffi", "--allow-run=deno"];

/** A sweep CLI with its task's permissions, allowed to write only `writable`. */
async function sweep(script: string, writable: string, args: string[]) {
  const out = await new Deno.Command(denoExecutable(), {
    args: [
      "run",
      ...TASK_PERMISSIONS,
      `--allow-write=${writable}`,
      new URL(script, import.meta.url).pathname,
      "--no-png",
      ...args,
    ],
  }).output();
  return { code: out.code, stderr: new TextDecoder().decode(out.stderr) };
}

Deno.test("ablation/compare: --root outside the writable folders is a usage error, nothing runs", async () => {
  const tmp = await Deno.makeTempDir();
  try {
    const results = join(tmp, "results"), elsewhere = join(tmp, "elsewhere");
    await Deno.mkdir(results);
    await Deno.mkdir(elsewhere);
    await Deno.symlink(elsewhere, join(results, "link"));
    const smoke = ["--dataset", "fashion-mnist-sample", "--preset", "smoke", "--jobs", "1"];
    const cases: Array<[string, string[], RegExp]> = [
      ["./ablation.ts", ["--root", elsewhere], /--root '.*elsewhere' is outside the folders/],
      ["./ablation.ts", ["--root", ""], /--root is empty/],
      ["./ablation.ts", ["--root", join(results, "link")], /it leads to .*elsewhere\) is outside/],
      ["./compare.ts", ["--root", elsewhere, "--methods", "raw-ocsvm"], /is outside the folders/],
    ];
    for (const [script, extra, re] of cases) {
      const r = await sweep(script, results, [...smoke, ...extra]);
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr.split("\n")[0]!, re);
    }
    assert.deepEqual(await listDir(elsewhere), []);
    assert.deepEqual(await listDir(results), ["link"]);
  } finally {
    await Deno.remove(tmp, { recursive: true });
  }
});

Deno.test("childPermissions() never grants a child what its parent lacks", () => {
  const parent = (granted: string[], writable: string): PermissionQuery => (desc) => {
    if (desc.name !== "write") return granted.includes(desc.name) ? "granted" : "prompt";
    const p = String(desc.path ?? "");
    return p === writable || p.startsWith(writable + "/") ? "granted" : "prompt";
  };
  const tmp = Deno.makeTempDirSync();
  try {
    const runs = join(tmp, "results", "runs");
    assert.deepEqual(childPermissions([runs], parent(["read"], join(tmp, "results"))), [
      "--allow-read",
      `--allow-write=${runs}`,
    ]);
    assert.deepEqual(
      childPermissions([runs], parent(["read", "env", "ffi"], join(tmp, "results"))),
      ["--allow-read", "--allow-env", "--allow-ffi", `--allow-write=${runs}`],
    );
    assert.throws(
      () => childPermissions([join(tmp, "elsewhere")], parent(["read"], join(tmp, "results"))),
      (e: unknown) => e instanceof UsageError && /may not write there/.test(e.message),
    );
  } finally {
    Deno.removeSync(tmp, { recursive: true });
  }
});

Deno.test("ablation: a bad --backend or --data-dir stops the sweep before any run", async () => {
  const root = await Deno.makeTempDir();
  try {
    const base = ["--root", root, "--dataset", "fashion-mnist-sample", "--preset", "smoke"];
    const bad = await sweep("./ablation.ts", root, [...base, "--backend", "cuda", "--jobs", "1"]);
    assert.equal(bad.code, 2, bad.stderr);
    assert.match(bad.stderr, /^ablation: error: unknown backend 'cuda'/);
    const empty = await sweep("./ablation.ts", root, [...base, "--data-dir", ""]);
    assert.equal(empty.code, 2, empty.stderr);
    assert.match(empty.stderr, /^ablation: error: --data-dir is empty/);
    for (
      const flags of [["--seeds", "1", "--seeds", "2"], ["--classes", "0,,1"], ["--jobs", "0x2"]]
    ) {
      const r = await sweep("./ablation.ts", root, [...base, ...flags]);
      assert.equal(r.code, 2, `${flags.join(" ")}: ${r.stderr}`);
    }
    assert.deepEqual(await listDir(root), []);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("ablation: stored runs count only for the data they were made from", async () => {
  const root = await Deno.makeTempDir(), data = await Deno.makeTempDir();
  try {
    const dataset = "fashion-mnist";
    await writeFiles(data, idxFiles(idxFixture(20, 10)));
    const dir = join(root, dataset);
    const smoke = ABLATION_PRESETS.smoke;
    const origin = await resolveSweepData(dataset); // cache, system package or sample
    for (const transforms of ["rot4", "blur"]) {
      const plan = getMethod("geom").plan("smoke", ablationOverrides(smoke, transforms));
      const r = fakeResult(plan, { dataset, normalClass: 0, seed: 0, origin, auroc: {} });
      const out = ablationRunPath(dir, { preset: "smoke", transforms, normalClass: 0, seed: 0 });
      await writeRunResult(out, {
        ...r,
        metrics: Object.fromEntries(
          ["dirichlet", "simple", "max-softmax", "entropy"].map((s) => [s, {
            auroc: 0.8,
            auprNormal: 0.8,
            auprAnomaly: 0.8,
            fpr95: 0.2,
          }]),
        ),
      });
    }
    const base = ["--root", root, "--dataset", dataset, "--preset", "smoke", "--summary-only"];
    const args = [...base, "--transforms", "rot4,blur"];
    const same = await sweep("./ablation.ts", root, args);
    assert.equal(same.code, 0, same.stderr);
    assert.match(same.stderr, /2 runs: 2 done, 0 missing/);
    const missing = await sweep("./ablation.ts", root, [...args, "--data-dir", "/nonexistent"]);
    assert.equal(missing.code, 1, missing.stderr);
    assert.match(missing.stderr, /Cannot read data dir '\/nonexistent': no such folder/);
    const other = await sweep("./ablation.ts", root, [...args, "--data-dir", data]);
    assert.equal(other.code, 0, other.stderr);
    assert.match(
      other.stderr,
      /rerun smoke__rot4__class-0__seed-0\.json: stored result differs \(data from /,
    );
    assert.match(other.stderr, /2 runs: 0 done, 2 missing/);
  } finally {
    await Deno.remove(root, { recursive: true });
    await Deno.remove(data, { recursive: true });
  }
});
