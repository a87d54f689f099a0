import assert from "node:assert/strict";
import { fakeResult } from "../experiments/testing.ts";
import { UsageError } from "../util/errors.ts";
import { BASELINE_PRESETS, baselinePreset } from "./baseline_presets.ts";
import type { GeomDetector } from "./geom.ts";
import { getMethod, methodNames, METHODS, planMismatch } from "./registry.ts";

Deno.test("getMethod() of an unknown name throws UsageError listing the methods", () => {
  assert.throws(() => getMethod("svm"), (err: Error) => {
    assert.ok(err instanceof UsageError);
    assert.match(err.message, /unknown method 'svm' \(choose from geom, raw-ocsvm, /);
    return true;
  });
});

Deno.test("every registered method plans every preset and builds a detector named after it", () => {
  assert.deepEqual(methodNames(), METHODS.map((m) => m.name));
  for (const m of METHODS) {
    for (const preset of m.presets) {
      const plan = m.plan(preset);
      const { detector } = plan.create();
      assert.equal(detector.name, plan.method, `${m.name} ${preset}`);
      assert.ok(detector.name.startsWith(m.name), `${m.name} ${preset}: ${detector.name}`);
      detector.dispose();
    }
  }
});

Deno.test("geom plan applies overrides; expected epochs are resolved for the set", () => {
  const plan = getMethod("geom").plan("paper", { transforms: "rot4", trainLimit: 10 });
  assert.equal(plan.trainLimit, 10);
  assert.equal(plan.testLimit, undefined);
  assert.equal(plan.expected.transforms, "rot4");
  assert.equal(plan.expected.epochs, 50); // ceil(200 / 4)
  assert.equal(plan.expected.model, "wrn-10-4");
  const quick = getMethod("geom").plan("smoke", { epochs: 3, model: "small-cnn" });
  assert.equal(quick.expected.epochs, 3);
  assert.equal(quick.expected.model, "small-cnn");
  assert.equal(quick.trainLimit, 64);
});

Deno.test("plan() rejects unknown presets, overrides a method lacks, and bad numbers", () => {
  const geom = getMethod("geom"), svm = getMethod("raw-ocsvm");
  assert.throws(() => geom.plan("huge"), UsageError);
  assert.throws(() => svm.plan("huge"), /unknown preset 'huge'/);
  assert.throws(() => svm.plan("smoke", { transforms: "rot4" }), /takes no 'transforms'/);
  assert.throws(() => geom.plan("smoke", { epochs: 0 }), /epochs must be an integer >= 1/);
  assert.throws(() => geom.plan("smoke", { transforms: "swirl" }), UsageError);
  assert.throws(() => geom.plan("smoke", { model: "resnet" }), /unknown model 'resnet'/);
  assert.throws(() => geom.plan("smoke", { scores: ["median"] }), /unknown score 'median'/);
  assert.throws(() => svm.plan("smoke", { scores: ["simple"] }), /takes no 'scores'/);
});

Deno.test("geom plan: a scores override reaches the detector, first score primary", () => {
  const plan = getMethod("geom").plan("smoke", { scores: ["simple", "dirichlet"] });
  assert.deepEqual(plan.expected.scores, ["simple", "dirichlet"]);
  assert.equal("scores" in getMethod("geom").plan("smoke").expected, false);
  const { detector } = plan.create();
  assert.deepEqual(detector.hyperparameters.scores, ["simple", "dirichlet"]);
  assert.equal("scores" in (detector as GeomDetector).config, false);
  detector.dispose();
});

Deno.test("cae-ocsvm: hindsight hook and name follow the preset's selection", () => {
  for (const preset of BASELINE_PRESETS) {
    const paper = baselinePreset("cae-ocsvm", preset).selection === "paper";
    const plan = getMethod("cae-ocsvm").plan(preset);
    assert.equal(plan.method, paper ? "cae-ocsvm" : "cae-ocsvm-fair", preset);
    assert.equal(typeof plan.create().afterFit, paper ? "function" : "undefined", preset);
  }
});

Deno.test("raw-ocsvm selects by test AUROC after fit (hindsight); the fair variant does not", () => {
  const paper = getMethod("raw-ocsvm").plan("smoke");
  assert.equal(paper.expected.selection, "paper");
  assert.equal(typeof paper.create().afterFit, "function");
  const fair = getMethod("raw-ocsvm-fair").plan("smoke");
  assert.equal(fair.expected.selection, "fair");
  assert.equal(fair.create().afterFit, undefined);
});

Deno.test("planMismatch() accepts the run's own result and names the first difference", () => {
  const plan = getMethod("geom").plan("smoke", { transforms: "blur" });
  const run = { dataset: "fashion-mnist", normalClass: 2, seed: 1 };
  const r = fakeResult(plan, { ...run, auroc: { dirichlet: 0.8 } });
  assert.equal(planMismatch(r, plan, run), undefined);
  assert.match(planMismatch(r, plan, { ...run, seed: 2 })!, /seed 1 is not 2/);
  assert.match(planMismatch(r, plan, { ...run, dataset: "cifar10" })!, /dataset/);
  const other = getMethod("geom").plan("smoke", { transforms: "blur", epochs: 2 });
  assert.match(planMismatch(r, other, run)!, /epochs 1 is not 2/);
  const fewer = getMethod("geom").plan("smoke", { transforms: "blur", testLimit: 10 });
  assert.match(planMismatch(r, fewer, run)!, /testLimit/);
  assert.match(planMismatch(r, getMethod("raw-ocsvm").plan("smoke"), run)!, /method geom/);
});

Deno.test("planMismatch() never reuses a result of another precision", () => {
  const plan = getMethod("geom").plan("smoke");
  const run = { dataset: "fashion-mnist", normalClass: 0, seed: 0 };
  const r = fakeResult(plan, { ...run, auroc: { dirichlet: 0.8 } }); // fp32, asked for auto
  assert.equal(planMismatch(r, plan, run), undefined, "auto is the default request");
  assert.equal(planMismatch(r, plan, { ...run, precision: "fp32" }), undefined);
  assert.match(planMismatch(r, plan, { ...run, precision: "bf16" })!, /precision fp32 is not bf16/);
  const bf16 = { ...r, backend: { ...r.backend, precision: "bf16", precisionRequested: "bf16" } };
  assert.match(planMismatch(bf16 as typeof r, plan, { ...run, precision: "fp32" })!, /bf16/);
  assert.match(planMismatch(bf16 as typeof r, plan, run)!, /bf16 was requested, not auto/);
  assert.equal(planMismatch(bf16 as typeof r, plan, { ...run, precision: "bf16" }), undefined);
  // records written before precisions existed: auto resolved to fp32
  const old = { ...r, backend: { name: "native", requested: "auto" } } as unknown as typeof r;
  assert.equal(planMismatch(old, plan, run), undefined);
  assert.match(planMismatch(old, plan, { ...run, precision: "bf16" })!, /fp32 is not bf16/);
});

Deno.test("goad and rot-trans plan their presets and overrides", () => {
  const goad = getMethod("goad"), rt = getMethod("rot-trans");
  assert.equal(goad.primaryScore, "goad");
  assert.equal(rt.primaryScore, "heads");
  const g = goad.plan("paper", { transforms: "rot4", trainLimit: 10 });
  assert.equal(g.expected.transforms, "rot4");
  assert.equal(g.expected.epochs, 16);
  assert.equal(g.trainLimit, 10);
  const r = rt.plan("paper");
  assert.equal(r.expected.epochs, 6);
  assert.equal(r.expected.transforms, "rot-trans36");
  assert.throws(() => rt.plan("smoke", { transforms: "rot4" }), /takes no 'transforms'/);
  assert.throws(() => goad.plan("smoke", { scores: ["dirichlet"] }), /unknown GOAD score/);
  assert.throws(() => rt.plan("smoke", { model: "resnet" }), /unknown model 'resnet'/);
  assert.deepEqual(goad.plan("smoke", { scores: ["goad-eps0"] }).expected.scores, ["goad-eps0"]);
});
