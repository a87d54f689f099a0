import assert from "node:assert/strict";
import { OVERRIDE_NAMES } from "../detectors/overrides.ts";
import { parseFlags } from "../util/cli.ts";
import { UsageError } from "../util/errors.ts";
import { RUN_FLAGS, runArgs, type RunSpec, runSpecOf } from "./run_flags.ts";

/** A spec with every field and every override set (the type makes "every" checked). */
const FULL: Required<Omit<RunSpec, "data">> = {
  method: "geom",
  dataset: "folder:imgs",
  normalClass: 3,
  seed: 2,
  preset: "smoke",
  overrides: {
    transforms: "rot4",
    epochs: 5,
    model: "tiny-cnn",
    scores: ["simple", "dirichlet"],
    trainLimit: 9,
    testLimit: 8,
  },
  out: "/r/c3-s2.json",
  dataDir: "/d",
  imageSize: 64,
  channels: 3,
  verify: false,
  backend: "cpu",
  precision: "bf16",
  force: true,
  keepScores: true,
};

Deno.test("runArgs() and the run CLI's parser agree on every field and override", () => {
  assert.deepEqual(Object.keys(FULL.overrides).sort(), [...OVERRIDE_NAMES].sort());
  const args = runArgs(FULL);
  const { values } = parseFlags(args, RUN_FLAGS, false);
  assert.deepEqual(runSpecOf(values), FULL);
  assert.deepEqual(args.slice(0, 10), [
    "--method",
    "geom",
    "--dataset",
    "folder:imgs",
    "--normal",
    "3",
    "--preset",
    "smoke",
    "--seed",
    "2",
  ]);
  assert.deepEqual(args.slice(args.indexOf("--score"), args.indexOf("--score") + 2), [
    "--score",
    "simple,dirichlet",
  ]);
});

Deno.test("runArgs() leaves out what a spec does not set; runSpecOf() needs the run's identity", () => {
  const minimal: RunSpec = {
    method: "dsebm",
    dataset: "mnist",
    normalClass: 0,
    seed: 0,
    preset: "quick",
    out: "o.json",
  };
  const args = runArgs(minimal);
  assert.equal(args.length, 12);
  const { values } = parseFlags(args, RUN_FLAGS, false);
  assert.deepEqual(runSpecOf(values), { ...minimal, overrides: {} });
  for (const drop of ["--method", "--dataset", "--normal"]) {
    const i = args.indexOf(drop);
    const without = [...args.slice(0, i), ...args.slice(i + 2)];
    const parsed = parseFlags(without, RUN_FLAGS, false).values;
    assert.throws(() => runSpecOf(parsed), (e: unknown) => {
      assert.ok(e instanceof UsageError);
      assert.equal(e.message, `${drop} is required`);
      return true;
    });
  }
});
