import assert from "node:assert/strict";
import type { BackendInfo } from "../backend/select.ts";
import { getMethod } from "../detectors/catalogue.ts";
import { configKey } from "../util/config_key.ts";
import { checkpointConfig, type RunMethodOptions } from "./run_method.ts";

const backend: BackendInfo = {
  name: "native",
  requested: "auto",
  skipped: ["tensorflow: not installed"],
  tfjsVersion: "4.22.0",
  extensions: [],
  precision: "fp32",
  precisionRequested: "auto",
};
const run = { dataset: "fashion-mnist", normalClass: 3 };
const key = (o: RunMethodOptions, b = backend) =>
  configKey(checkpointConfig("geom", run, o, getMethod("geom").plan(o.preset, o.overrides), b));

Deno.test("checkpointConfig() keys every option that shapes the run, and the backend chosen", async () => {
  const base: RunMethodOptions = { preset: "smoke", seed: 1, overrides: { epochs: 2 } };
  const c = checkpointConfig(
    "geom",
    run,
    base,
    getMethod("geom").plan("smoke", { epochs: 2 }),
    backend,
  );
  assert.equal(c.seed, 1);
  assert.deepEqual(c.backend, {
    name: "native",
    tfjsVersion: "4.22.0",
    extensions: [],
    precision: "fp32",
  });
  assert.equal((c.plan as { expected: { epochs: number } }).expected.epochs, 2);
  const k = await key(base);
  // not part of the configuration: callbacks, output, where the data lie, how the backend was chosen
  assert.equal(
    await key({
      ...base,
      quiet: true,
      dataDir: "/elsewhere",
      verify: false, // --no-verify resumes a run begun with checksums checked
      onProgress: () => {},
      onResult: () => {},
      scoresPath: "x.scores.json.gz", // keeping the scores rescores a kept checkpoint
      checkpoint: { dir: "x.ckpt", intervalSeconds: 1, keep: true },
      backend: "native",
      precision: "fp32",
    }, { ...backend, requested: "native", precisionRequested: "fp32", skipped: [] }),
    k,
  );
  // part of it: seed, overrides, preset, the backend or precision in use, a field added later
  const others = await Promise.all([
    key({ ...base, seed: 2 }),
    key({ ...base, overrides: { epochs: 3 } }),
    key({ ...base, preset: "quick" }),
    key(base, { ...backend, name: "wasm" }),
    key(base, { ...backend, precision: "bf16" }),
    key({ ...base, somethingNew: 1 } as RunMethodOptions),
  ]);
  assert.equal(new Set([k, ...others]).size, 7);
});
