import assert from "node:assert/strict";
import { UsageError } from "../util/errors.ts";
import { AdganDetector } from "./adgan.ts";
import { BASELINE_METHODS, BASELINE_PRESETS, baselinePreset } from "./baseline_presets.ts";
import { CaeOcsvmDetector } from "./cae_ocsvm.ts";
import { DagmmDetector } from "./dagmm.ts";
import { DeepSvddDetector } from "./deep_svdd.ts";
import type { Detector } from "./detector.ts";
import { DsebmDetector } from "./dsebm.ts";

const BUILD: Record<string, (c: never) => Detector> = {
  "cae-ocsvm": (c) => new CaeOcsvmDetector(c),
  dsebm: (c) => new DsebmDetector(c),
  dagmm: (c) => new DagmmDetector(c),
  adgan: (c) => new AdganDetector(c),
  "deep-svdd": (c) => new DeepSvddDetector(c),
};

Deno.test("baselinePreset(): every method and preset builds a detector that records it", () => {
  for (const m of BASELINE_METHODS) {
    for (const p of BASELINE_PRESETS) {
      const c = baselinePreset(m, p);
      const d = BUILD[m]!(c as never);
      assert.equal(d.name, m);
      assert.equal(d.hyperparameters.epochs, c.epochs);
    }
  }
});

Deno.test("baselinePreset(): paper presets hold docs/protocol.md's settings", () => {
  const cae = baselinePreset("cae-ocsvm", "paper");
  assert.deepEqual([cae.filters, cae.codeSize, cae.epochs, cae.batchSize], [
    [64, 128, 256],
    256,
    200,
    128,
  ]);
  assert.equal(cae.selection, "paper");
  const dsebm = baselinePreset("dsebm", "paper");
  assert.deepEqual([dsebm.noiseStd, dsebm.epochs, dsebm.batchSize], [0.5, 200, 128]);
  const dagmm = baselinePreset("dagmm", "paper");
  assert.deepEqual(
    [dagmm.codeSize, dagmm.estimationHidden, dagmm.dropout, dagmm.nComponents, dagmm.lambdaEnergy],
    [5, [64, 10], 0.5, 3, 0.01],
  );
  assert.deepEqual([dagmm.lambdaCov, dagmm.batchSize, dagmm.epochs], [0.0005, 256, 200]);
  const adgan = baselinePreset("adgan", "paper");
  assert.deepEqual(
    [adgan.zDim, adgan.lr, adgan.betas, adgan.gpWeight, adgan.criticSteps, adgan.batchSize],
    [256, 1e-4, [0, 0.9], 20, 2, 128],
  );
  assert.deepEqual([adgan.epochs * adgan.stepsPerEpoch, adgan.searchSeeds, adgan.searchSteps], [
    10000,
    8,
    5,
  ]);
  assert.equal(adgan.finetune, true);
  for (const m of BASELINE_METHODS) {
    const c = baselinePreset(m, "paper");
    assert.equal(c.bnMomentum, 0.99, m);
    assert.equal(c.trainLimit, undefined, m);
  }
});

Deno.test("baselinePreset(): copies are independent; unknown names are UsageErrors", () => {
  const a = baselinePreset("dagmm", "quick");
  a.estimationHidden.push(1);
  assert.deepEqual(baselinePreset("dagmm", "quick").estimationHidden, [64, 10]);
  assert.throws(() => baselinePreset("dagmm", "fast"), UsageError);
  assert.throws(() => baselinePreset("gan" as "adgan", "smoke"), /unknown baseline 'gan'/);
});
