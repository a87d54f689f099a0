import assert from "node:assert/strict";
import { UsageError } from "../util/errors.ts";
import { BASELINE_PRESETS, baselinePreset } from "./baseline_presets.ts";
import type { GeomDetector } from "./geom.ts";
import { getMethod, methodNames, METHODS } from "./catalogue.ts";

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
      const detector = plan.create();
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

Deno.test("geom plan: expected hyperparameters are the detector's own at the config's keys", () => {
  const plan = getMethod("geom").plan("paper");
  const detector = plan.create();
  for (const [k, v] of Object.entries(plan.expected)) {
    assert.deepEqual(detector.hyperparameters[k], v, k);
  }
  assert.equal(detector.hyperparameters.epochs, 3); // ceil(200 / 72), resolved by the detector
  assert.equal(detector.hyperparameters.nTransforms, 72);
  detector.dispose();
});

Deno.test("every method declares whether it selects by test labels (hindsight)", () => {
  for (const m of METHODS) {
    for (const preset of m.presets) {
      const d = m.plan(preset).create();
      assert.equal(typeof d.selectsByTestLabels, "boolean", `${m.name} ${preset}`);
      if (d.selectsByTestLabels) assert.equal(typeof d.selectByTestLabels, "function");
      d.dispose();
    }
  }
});

Deno.test("geom plan: a scores override reaches the detector, first score primary", () => {
  const plan = getMethod("geom").plan("smoke", { scores: ["simple", "dirichlet"] });
  assert.deepEqual(plan.expected.scores, ["simple", "dirichlet"]);
  assert.equal("scores" in getMethod("geom").plan("smoke").expected, false);
  const detector = plan.create();
  assert.deepEqual(detector.hyperparameters.scores, ["simple", "dirichlet"]);
  assert.equal("scores" in (detector as GeomDetector).config, false);
  detector.dispose();
});

Deno.test("cae-ocsvm: hindsight hook and name follow the preset's selection", () => {
  for (const preset of BASELINE_PRESETS) {
    const paper = baselinePreset("cae-ocsvm", preset).selection === "paper";
    const plan = getMethod("cae-ocsvm").plan(preset);
    assert.equal(plan.method, paper ? "cae-ocsvm" : "cae-ocsvm-fair", preset);
    assert.equal(plan.create().selectsByTestLabels, paper, preset);
  }
});

Deno.test("raw-ocsvm selects by test AUROC after fit (hindsight); the fair variant does not", () => {
  const paper = getMethod("raw-ocsvm").plan("smoke");
  assert.equal(paper.expected.selection, "paper");
  assert.equal(paper.create().selectsByTestLabels, true);
  const fair = getMethod("raw-ocsvm-fair").plan("smoke");
  assert.equal(fair.expected.selection, "fair");
  assert.equal(fair.create().selectsByTestLabels, false);
});

Deno.test("cae-ocsvm-fair: CAE-OC-SVM's presets with the fixed nu 0.1, gamma 'scale' SVM", () => {
  for (const preset of ["smoke", "quick", "paper"]) {
    const fair = getMethod("cae-ocsvm-fair").plan(preset);
    const paper = getMethod("cae-ocsvm").plan(preset);
    assert.equal(fair.method, "cae-ocsvm-fair", preset);
    assert.equal(fair.expected.selection, "fair", preset);
    assert.equal(paper.expected.selection, "paper", preset);
    assert.equal(fair.create().selectsByTestLabels, false, preset);
    // the same autoencoder and data as the hindsight variant
    assert.equal(fair.expected.epochs, paper.expected.epochs, preset);
    assert.equal(fair.trainLimit, paper.trainLimit, preset);
  }
});

Deno.test("every catalogue method runs the shared detector checks (testDeepDetector)", () => {
  const dir = new URL(".", import.meta.url);
  const kits = [...Deno.readDirSync(dir)]
    .filter((e) => e.isFile && e.name.endsWith("_test.ts"))
    .map((e) => Deno.readTextFileSync(new URL(e.name, dir)))
    .filter((text) => text.includes("testDeepDetector({"));
  for (const m of METHODS) {
    assert.ok(
      kits.some((text) => new RegExp(`"${m.name}(-fair)?"`).test(text)),
      `${m.name}: no testDeepDetector({ name: "${m.name}" ... }) in lib/detectors/*_test.ts`,
    );
  }
});

Deno.test("raw-ocsvm plans say their whole grid (the reuse check covers it)", () => {
  const paper = getMethod("raw-ocsvm").plan("quick");
  assert.equal((paper.expected.nus as number[]).length, 9);
  assert.equal((paper.expected.gammas as number[]).length, 10);
  const fair = getMethod("raw-ocsvm-fair").plan("quick");
  assert.deepEqual({ nu: fair.expected.nu, gamma: fair.expected.gamma }, {
    nu: 0.1,
    gamma: "scale",
  });
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
  const detector = r.create();
  assert.equal(detector.hyperparameters.transforms, "rot-trans36"); // fixed: not a config key
  assert.equal(detector.selectsByTestLabels, false);
  detector.dispose();
  assert.equal(goad.plan("smoke").create().selectsByTestLabels, false);
  assert.throws(() => rt.plan("smoke", { transforms: "rot4" }), /takes no 'transforms'/);
  assert.throws(() => goad.plan("smoke", { scores: ["dirichlet"] }), /unknown GOAD score/);
  assert.throws(() => rt.plan("smoke", { model: "resnet" }), /unknown model 'resnet'/);
  assert.deepEqual(goad.plan("smoke", { scores: ["goad-eps0"] }).expected.scores, ["goad-eps0"]);
});
