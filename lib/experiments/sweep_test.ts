import assert from "node:assert/strict";
import { basename, join } from "node:path";
import { getMethod } from "../detectors/catalogue.ts";
import { UsageError } from "../util/errors.ts";
import {
  defaultPermissions,
  parseShard,
  progressOf,
  removeStaleTemps,
  runArgs,
  type RunSpec,
  runSweep,
  shardOf,
  storedState,
} from "./sweep.ts";
import { fakeResult } from "./testing.ts";

const FAKE = new URL("./testdata/fake_run.ts", import.meta.url);

function spec(dir: string, normalClass: number, seed = 0): RunSpec {
  return {
    method: "geom",
    dataset: "fashion-mnist",
    normalClass,
    seed,
    preset: "smoke",
    overrides: { transforms: "blur", epochs: 2 },
    out: join(dir, `c${normalClass}-s${seed}.json`),
  };
}

Deno.test("parseShard() reads i/n and rejects anything else", () => {
  assert.deepEqual(parseShard(undefined), { index: 0, count: 1 });
  assert.deepEqual(parseShard("1/2"), { index: 1, count: 2 });
  for (const bad of ["2/2", "0/0", "a/b", "1", "-1/2"]) {
    assert.throws(() => parseShard(bad), UsageError, bad);
  }
});

Deno.test("shardOf() splits round robin into disjoint shards that cover the items", () => {
  const items = Array.from({ length: 11 }, (_, i) => i);
  assert.deepEqual(shardOf(items, { index: 0, count: 2 }), [0, 2, 4, 6, 8, 10]);
  assert.deepEqual(shardOf(items, { index: 1, count: 2 }), [1, 3, 5, 7, 9]);
  assert.deepEqual(shardOf(items, { index: 0, count: 1 }), items);
});

Deno.test("storedState() tells missing, damaged, stale and valid results apart", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const s = spec(dir, 1);
    assert.deepEqual(await storedState(s), { state: "missing" });
    await Deno.writeTextFile(s.out, '{"schema": "geomad.result/v1", "met');
    assert.equal((await storedState(s)).state, "damaged");
    const plan = getMethod("geom").plan("smoke", s.overrides);
    const r = fakeResult(plan, { dataset: s.dataset, normalClass: 1, seed: 0, auroc: { x: 1 } });
    await Deno.writeTextFile(s.out, JSON.stringify(r));
    assert.equal((await storedState(s)).state, "valid");
    const other = { ...s, overrides: { transforms: "blur", epochs: 3 } };
    const stale = await storedState(other);
    assert.equal(stale.state, "stale");
    assert.match((stale as { reason: string }).reason, /epochs 2 is not 3/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("removeStaleTemps() removes old temp files of killed writers only", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const old = `.a.json.${Deno.pid}.x1.tmp`, fresh = `.b.json.${Deno.pid}.x2.tmp`;
    for (const n of [old, fresh, "c.json"]) await Deno.writeTextFile(join(dir, n), "{");
    const hourAgo = new Date(Date.now() - 3600_000);
    await Deno.utime(join(dir, old), hourAgo, hourAgo);
    await Deno.utime(join(dir, "c.json"), hourAgo, hourAgo);
    assert.deepEqual(await removeStaleTemps(dir), [old]);
    const left = (await Array.fromAsync(Deno.readDir(dir))).map((e) => e.name).sort();
    assert.deepEqual(left, [fresh, "c.json"]);
    assert.deepEqual(await removeStaleTemps(join(dir, "none")), []);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("runSweep() reuses valid results, reruns damaged ones, keeps failures and crashes", async () => {
  const dir = await Deno.makeTempDir();
  try {
    // Class 0: stored already; 1: damaged, rerun; 7: crashes (no fixture); 8: a failed result.
    const specs = [0, 1, 7, 8].map((c) => spec(dir, c));
    const plan = getMethod("geom").plan("smoke", specs[0]!.overrides);
    const result = (normalClass: number, o: { auroc?: Record<string, number>; error?: string }) =>
      JSON.stringify(fakeResult(plan, { dataset: "fashion-mnist", normalClass, seed: 0, ...o }));
    await Deno.mkdir(join(dir, "fixtures"));
    const fixture = (s: RunSpec, text: string) =>
      Deno.writeTextFile(join(dir, "fixtures", basename(s.out)), text);
    await Deno.writeTextFile(specs[0]!.out, result(0, { auroc: { dirichlet: 0.99 } }));
    await fixture(specs[0]!, result(0, { auroc: { dirichlet: 0.1 } })); // must not be used
    await Deno.writeTextFile(specs[1]!.out, "{ damaged");
    await Deno.mkdir(`${specs[2]!.out}.ckpt`); // an unfinished run's checkpoint
    await fixture(specs[1]!, result(1, { auroc: { dirichlet: 0.51 } }));
    await fixture(specs[3]!, result(8, { error: "loss is NaN" }));
    const lines: string[] = [];
    const options = { jobs: 2, script: FAKE, log: (l: string) => lines.push(l) };
    const first = await runSweep(specs, options);
    assert.deepEqual(first.map((o) => o.status), ["reused", "ok", "crashed", "failed"]);
    assert.equal(first[0]!.result!.metrics.dirichlet!.auroc, 0.99); // untouched
    assert.equal(first[1]!.result!.metrics.dirichlet!.auroc, 0.51);
    assert.match(first[2]!.error!, /^exit code 3: fake_run: out of memory$/);
    assert.equal(first[3]!.error, "loss is NaN");
    assert.ok(
      lines.some((l) =>
        /1 done already, 3 to run \(0 stale, 1 damaged\), 1 from a checkpoint with/.test(l)
      ),
    );

    const second = await runSweep(specs, options);
    assert.deepEqual(second.map((o) => o.status), ["reused", "reused", "crashed", "reused"]);
    assert.equal(second[3]!.error, "loss is NaN"); // a failed result is final...
    const retry = await runSweep(specs, { ...options, retryFailed: true });
    assert.equal(retry[3]!.status, "failed"); // ...unless asked to retry it
    const readOnly = await runSweep(specs, { ...options, skipRuns: true });
    assert.deepEqual(readOnly.map((o) => o.status), ["reused", "reused", "missing", "reused"]);
    const names = (await Array.fromAsync(Deno.readDir(dir))).map((e) => e.name).sort();
    assert.deepEqual(names, [
      "c0-s0.json",
      "c1-s0.json",
      "c7-s0.json.ckpt",
      "c8-s0.json",
      "fixtures",
    ]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("runSweep() refuses two runs writing one file", async () => {
  await assert.rejects(
    runSweep([spec("/tmp", 1), spec("/tmp", 1)], { script: FAKE, quiet: true }),
    /two runs write/,
  );
});

Deno.test("runArgs() passes the data flags of a folder dataset and --no-verify on to each run", () => {
  const args = runArgs({
    method: "geom",
    dataset: "folder:data/pets",
    normalClass: 1,
    seed: 0,
    preset: "quick",
    out: "r.json",
    dataDir: "d",
    imageSize: 64,
    channels: 3,
    verify: false,
  });
  assert.deepEqual(args.slice(args.indexOf("--data-dir")), [
    "--data-dir",
    "d",
    "--image-size",
    "64",
    "--channels",
    "3",
    "--no-verify",
  ]);
  const perms = defaultPermissions({ ...SPEC_FOR_PERMS, dataset: "folder:x" });
  assert.match(perms.at(-1)!, /^--allow-write=results\/x,.*data\/cache$/);
  assert.deepEqual(defaultPermissions(SPEC_FOR_PERMS).at(-1), "--allow-write=results/x");
});

const SPEC_FOR_PERMS = {
  method: "geom",
  dataset: "cifar10",
  normalClass: 0,
  seed: 0,
  preset: "quick",
  out: "results/x/r.json",
};

Deno.test("progressOf() reads a run's progress line without its bar", () => {
  assert.equal(
    progressOf(
      "train [#############-------]  65% 4470912/6912000 349.6 img/s elapsed 01:31 eta 1:54:56 epoch 11/16",
    ),
    "train 65% 4470912/6912000 349.6 img/s elapsed 01:31 eta 1:54:56 epoch 11/16",
  );
  assert.equal(
    progressOf("score [--------------------]   0% 0/10 0.0 img/s"),
    "score 0% 0/10 0.0 img/s",
  );
  for (const other of ["geom: fashion-mnist class 0", "error: [x] 5%", "  at foo (x.ts:1)"]) {
    assert.equal(progressOf(other), undefined, other);
  }
});

Deno.test("runSweep() logs each running run's latest progress line every progressEverySeconds", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const s = spec(dir, 2);
    const plan = getMethod("geom").plan("smoke", s.overrides);
    await Deno.mkdir(join(dir, "fixtures"));
    const fixture = join(dir, "fixtures", basename(s.out));
    await Deno.writeTextFile(
      fixture,
      JSON.stringify(
        fakeResult(plan, {
          dataset: "fashion-mnist",
          normalClass: 2,
          seed: 0,
          auroc: { dirichlet: 0.9 },
        }),
      ),
    );
    const bar = (pct: number) =>
      `train [${"#".repeat(pct / 5)}${"-".repeat(20 - pct / 5)}] ${pct}% ${pct}/100 5.0 img/s`;
    await Deno.writeTextFile(
      `${fixture}.progress`,
      ["fake: starting", ...[10, 20, 30, 40, 50, 60, 70, 80, 90, 100].map(bar)].join("\n"),
    );
    const lines: string[] = [];
    const log = (l: string) => lines.push(l);
    const [outcome] = await runSweep([s], { script: FAKE, log, progressEverySeconds: 0.5 });
    assert.equal(outcome!.status, "ok", String(outcome!.error));
    const running = lines.filter((l) => l.startsWith("running "));
    assert.ok(running.length >= 2, lines.join("\n")); // 2 s of progress, a report every 0.5 s
    for (const l of running) {
      assert.match(l, /^running geom blur class 2 seed 0: train \d+% \d+\/100 5\.0 img\/s$/);
    }
    assert.equal(new Set(running).size, running.length); // an unchanged line is not repeated
    // 0: no progress lines, and the children run with --quiet (fake_run then prints none, so
    // a run that dies says nothing of where it was)
    const none: string[] = [];
    await Deno.remove(s.out);
    await Deno.remove(fixture);
    const [quiet] = await runSweep([s], {
      script: FAKE,
      log: (l) => none.push(l),
      progressEverySeconds: 0,
    });
    assert.equal(none.filter((l) => l.startsWith("running ")).length, 0);
    assert.equal(quiet!.error, "exit code 3: fake_run: out of memory");
    // A run killed after its progress lines: its crash says where it had got to.
    const [killed] = await runSweep([s], { script: FAKE, log: () => {}, progressEverySeconds: 60 });
    assert.equal(killed!.status, "crashed");
    assert.equal(killed!.error, "exit code 9: last progress: train 100% 100/100 5.0 img/s");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
