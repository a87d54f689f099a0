import assert from "node:assert/strict";
import { basename, join } from "node:path";
import { getMethod } from "../lib/detectors/catalogue.ts";
import { shardOf } from "../lib/experiments/sweep.ts";
import { withDigest } from "../lib/experiments/result.ts";
import { fakeResult } from "../lib/experiments/testing.ts";
import { UsageError } from "../lib/util/errors.ts";
import {
  ABLATION_PRESETS,
  ABLATION_TRANSFORMS,
  ablationGrid,
  ablationMethod,
  ablationOverrides,
  ablationRunPath,
  collectAblationRuns,
  nonGeometricSets,
} from "./ablation_grid.ts";

Deno.test("ablationGrid() hour preset: 9 sets x classes 0, 2, 4, 6, 8 x 3 seeds, seed-major", () => {
  const grid = ablationGrid({ dataset: "fashion-mnist" });
  assert.equal(grid.length, 135);
  assert.equal(new Set(grid.map((s) => s.out)).size, 135);
  assert.deepEqual(grid.slice(0, 2).map((s) => [s.seed, s.normalClass, s.overrides?.transforms]), [
    [0, 0, "geometric72"],
    [0, 0, "rot4"],
  ]);
  assert.deepEqual(grid[9]!.normalClass, 2);
  assert.deepEqual(grid[36]!.normalClass, 8);
  assert.deepEqual(grid[45]!.seed, 1);
  assert.equal(
    grid[0]!.out,
    "results/ablation/fashion-mnist/runs/hour__geometric72__class-0__seed-0.json",
  );
  assert.ok(grid.every((s) => s.method === "geom" && s.preset === "quick"));
});

Deno.test("ablationOverrides() equalises training: ceil(passes / T) epochs", () => {
  const hour = ABLATION_PRESETS.hour;
  const epochs = (set: string) => ablationOverrides(hour, set).epochs;
  assert.equal(epochs("geometric72"), 1);
  assert.equal(epochs("rot4"), 18);
  assert.equal(epochs("translate9"), 8);
  assert.equal(epochs("blur"), 15);
  assert.equal(epochs("rot4-noise"), 5);
  assert.deepEqual(ablationOverrides(hour, "noise"), {
    transforms: "noise",
    model: "small-cnn",
    trainLimit: 150,
    testLimit: 1000,
    epochs: 12,
  });
  // paper keeps the paper's own rule ceil(200 / T) (no override).
  assert.deepEqual(ablationOverrides(ABLATION_PRESETS.paper, "rot4"), { transforms: "rot4" });
  const plan = getMethod("geom").plan("paper", ablationOverrides(ABLATION_PRESETS.paper, "rot4"));
  assert.equal(plan.expected.epochs, 50);
});

Deno.test("ablationGrid() paper preset is the full grid; flags narrow it", () => {
  assert.equal(ablationGrid({ dataset: "fashion-mnist", preset: "paper" }).length, 9 * 10 * 5);
  const small = ablationGrid({
    dataset: "fashion-mnist",
    preset: "smoke",
    classes: [1, 2],
    seeds: 2,
    transforms: ["rot4", "blur"],
    root: "/tmp/x",
  });
  assert.equal(small.length, 8);
  assert.equal(small[0]!.out, "/tmp/x/fashion-mnist/runs/smoke__rot4__class-1__seed-0.json");
});

Deno.test("ablationGrid() rejects unknown presets, classes, sets and bad seeds", () => {
  assert.throws(() => ablationGrid({ dataset: "fashion-mnist", preset: "huge" }), UsageError);
  assert.throws(() => ablationGrid({ dataset: "fashion-mnist", classes: [10] }), UsageError);
  assert.throws(
    () => ablationGrid({ dataset: "fashion-mnist", transforms: ["swirl"] }),
    UsageError,
  );
  assert.throws(() => ablationGrid({ dataset: "fashion-mnist", seeds: 0 }), UsageError);
  assert.throws(() => ablationGrid({ dataset: "nope" }), UsageError);
});

Deno.test("shardOf() shards of the ablation grid are disjoint and cover it", () => {
  const grid = ablationGrid({ dataset: "fashion-mnist" });
  for (const count of [2, 3, 7]) {
    const shards = Array.from({ length: count }, (_, index) => shardOf(grid, { index, count }));
    const all = shards.flat().map((s) => s.out);
    assert.equal(all.length, grid.length);
    assert.deepEqual(new Set(all), new Set(grid.map((s) => s.out)));
    assert.ok(shards.every((s) => Math.abs(s.length - grid.length / count) < 1));
  }
});

Deno.test("nonGeometricSets() are noise, blur, sharpen and gamma", () => {
  assert.deepEqual(nonGeometricSets(), ["noise", "blur", "sharpen", "gamma"]);
});

Deno.test("collectAblationRuns() keeps matching results, flags damaged and stale ones", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const dataset = "fashion-mnist";
    const smoke = ABLATION_PRESETS.smoke;
    const write = (name: string, text: string) =>
      Deno.mkdir(join(dir, "runs"), { recursive: true }).then(() =>
        Deno.writeTextFile(join(dir, "runs", name), text)
      );
    const plan = getMethod("geom").plan("smoke", ablationOverrides(smoke, "blur"));
    const good = fakeResult(plan, { dataset, normalClass: 0, seed: 0, auroc: { dirichlet: 0.8 } });
    const run = { preset: "smoke", transforms: "blur", normalClass: 0, seed: 0 };
    await write(basename(ablationRunPath(dir, run)), JSON.stringify(good));
    const staleResult = withDigest({
      ...good,
      seed: 1,
      hyperparameters: { ...good.hyperparameters, epochs: 9 },
    });
    await write("smoke__blur__class-0__seed-1.json", JSON.stringify(staleResult));
    await write("smoke__rot4__class-0__seed-0.json", JSON.stringify(good).slice(0, 100));
    await write("hour__rot4__class-0__seed-0.json", JSON.stringify(good));
    await write(".smoke__rot4__class-0__seed-0.json.123.abc.tmp", "{");
    const c = await collectAblationRuns(dir, { dataset, preset: "smoke" });
    assert.deepEqual(c.results.map((x) => x.file), ["smoke__blur__class-0__seed-0.json"]);
    assert.deepEqual(c.ignored.map((x) => x.file), [
      "smoke__blur__class-0__seed-1.json",
      "smoke__rot4__class-0__seed-0.json",
    ]);
    assert.match(c.ignored[0]!.reason, /stale: epochs 9 is not 1/);
    assert.equal(c.otherPresets, 1);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("collectAblationRuns() ignores invalid, changed and misnamed records with the reason, lists unknown files", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const dataset = "fashion-mnist";
    const smoke = ABLATION_PRESETS.smoke;
    await Deno.mkdir(join(dir, "runs"));
    const write = (name: string, value: unknown) =>
      Deno.writeTextFile(
        join(dir, "runs", name),
        typeof value === "string" ? value : JSON.stringify(value),
      );
    const plan = getMethod("geom").plan("smoke", ablationOverrides(smoke, "blur"));
    const run = (normalClass: number, auroc: Record<string, number> = { dirichlet: 0.8 }) =>
      fakeResult(plan, { dataset, normalClass, seed: 0, auroc });
    const name = (c: number) => `smoke__blur__class-${c}__seed-0.json`;
    const json = (c: number, metrics: string) =>
      JSON.stringify(withDigest(run(c))).replace(/"metrics": ?\{.*?\}\}/, `"metrics":${metrics}`);
    await write(name(0), withDigest(run(0)));
    // metrics.dirichlet = null, "abc", 1e999, {}: each an invalid record, not a crash or a "-".
    await write(name(1), json(1, '{"dirichlet":null}'));
    await write(
      name(2),
      json(2, '{"dirichlet":{"auroc":"abc","auprNormal":0.5,"auprAnomaly":0.5,"fpr95":0.5}}'),
    );
    await write(
      name(3),
      json(3, '{"dirichlet":{"auroc":1e999,"auprNormal":0.5,"auprAnomaly":0.5,"fpr95":0.5}}'),
    );
    await write(name(4), json(4, "{}"));
    // A hand-edited AUROC: a valid-looking record whose content digest no longer matches.
    await write(name(5), JSON.stringify(run(5)).replace('"auroc":0.8', '"auroc":0.99'));
    // A copy of class 0's record under class 6's name, and a stray copy beside it.
    await write(name(6), run(0));
    await write("smoke__blur__class-0__seed-0.copy.json", run(0));
    await write("notes.txt", "hello");
    await Deno.mkdir(join(dir, "runs", `${name(7)}.ckpt`)); // an unfinished run's checkpoint
    const c = await collectAblationRuns(dir, { dataset, preset: "smoke" });
    assert.deepEqual(c.results.map((x) => x.file), [name(0)]);
    const reasons = Object.fromEntries(c.ignored.map((x) => [x.file, x.reason]));
    assert.deepEqual(Object.keys(reasons).sort(), [1, 2, 3, 4, 5, 6].map(name));
    assert.match(reasons[name(1)]!, /'metrics.dirichlet' is not an object/);
    assert.match(reasons[name(2)]!, /'metrics.dirichlet.auroc' "abc" is not in \[0, 1\]/);
    assert.match(reasons[name(3)]!, /'metrics.dirichlet.auroc' null is not in \[0, 1\]|auroc/);
    assert.match(reasons[name(4)]!, /status ok but 'metrics' is empty/);
    assert.match(reasons[name(5)]!, /content digest mismatch/);
    assert.match(reasons[name(6)]!, /the record is run smoke__blur__class-0__seed-0.json/);
    assert.deepEqual(c.unknown, ["notes.txt", "smoke__blur__class-0__seed-0.copy.json"]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("ablationGrid() on a folder dataset: its classes, results under folder-<name>, data flags on every run", async () => {
  const dir = await Deno.makeTempDir();
  try {
    for (const cls of ["b", "a", "c"]) {
      await Deno.mkdir(join(dir, "pets", "train", cls), { recursive: true });
    }
    const grid = ablationGrid({
      dataset: `folder:${join(dir, "pets")}`,
      preset: "paper",
      seeds: 1,
      transforms: ["rot4"],
      imageSize: 48,
      channels: 3,
      verify: false,
    });
    assert.deepEqual(grid.map((s) => s.normalClass), [0, 1, 2]); // every class folder
    assert.equal(
      grid[0]!.out,
      "results/ablation/folder-pets/runs/paper__rot4__class-0__seed-0.json",
    );
    assert.deepEqual([grid[2]!.imageSize, grid[2]!.channels, grid[2]!.verify], [48, 3, false]);
    assert.throws(
      () => ablationGrid({ dataset: `folder:${join(dir, "pets")}`, classes: [3] }),
      (e: unknown) => e instanceof UsageError && /classes are 0\.\.2/.test(e.message),
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("ablation --method goad: same grid and presets, its own folder, GOAD plans", () => {
  const geom = ablationGrid({ dataset: "fashion-mnist", preset: "smoke" });
  const goad = ablationGrid({ dataset: "fashion-mnist", preset: "smoke", method: "goad" });
  assert.equal(goad.length, geom.length);
  assert.ok(goad.every((s) => s.method === "goad"));
  assert.ok(goad[0]!.out.startsWith(join("results/ablation", "goad", "fashion-mnist", "runs")));
  assert.deepEqual(goad.map((s) => s.overrides), geom.map((s) => s.overrides));
  assert.ok(!ABLATION_TRANSFORMS.includes("rot-trans36"));
  const extra = ablationGrid({
    dataset: "fashion-mnist",
    preset: "smoke",
    transforms: ["rot-trans36"],
  });
  assert.equal(extra[0]!.overrides!.transforms, "rot-trans36");
  assert.throws(() => ablationGrid({ dataset: "fashion-mnist", method: "rot-trans" }), UsageError);
  assert.throws(() => ablationMethod("dagmm"), /trains geom or goad/);
});
