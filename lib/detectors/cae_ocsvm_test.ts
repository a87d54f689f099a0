import assert from "node:assert/strict";
import {
  normalAuroc,
  syntheticImages,
  syntheticTest,
  testDeepDetector,
  useCpu,
} from "./testing.ts";
import { baselinePreset } from "./baseline_presets.ts";
import { CaeOcsvmDetector } from "./cae_ocsvm.ts";

const small = (o: Record<string, unknown> = {}) =>
  new CaeOcsvmDetector({
    ...baselinePreset("cae-ocsvm", "smoke"),
    selection: "fair",
    epochs: 8,
    batchSize: 16,
    ...o,
  });

testDeepDetector({
  name: "cae-ocsvm-fair",
  make: small,
  badOptions: [{ nu: 0 }, { gamma: -1 }, { selection: "best" }, { codeSize: 0 }, {
    batchSize: 0,
  }],
});

// The paper preset selects by test labels (hindsight): the kit selects after fit, as the runner.
testDeepDetector({
  name: "cae-ocsvm",
  make: (o = {}) => small({ selection: "paper", ...o }),
  badOptions: [{ codeSize: 0 }],
});

Deno.test("CaeOcsvmDetector: paper selection fits the grid on codes and picks by test AUROC", {
  sanitizeOps: false,
  sanitizeResources: false,
}, async () => {
  await useCpu();
  const d = small({ selection: "paper", epochs: 4 });
  assert.equal(d.name, "cae-ocsvm");
  assert.equal(d.selectsByTestLabels, true);
  await d.fit(syntheticImages(32, { kind: "normal", seed: 3 }), { seed: 1, quiet: true });
  const test = syntheticTest(12, { seed: 60 });
  await assert.rejects(d.score(test.x), /selectByTestLabels/);
  const sel = await d.selectByTestLabels(test.x, test.labels);
  assert.equal(sel.grid.length, 90);
  const s = await d.score(test.x);
  assert.ok(Math.abs(normalAuroc(s, test.labels) - sel.auroc) < 1e-12);
  const st = d.state() as { ocsvm: { selection: string; features: number } };
  assert.equal(st.ocsvm.selection, "hindsight-test-auroc");
  assert.equal(st.ocsvm.features, 16);
  assert.deepEqual((d.hyperparameters.ocsvm as { selection: string }).selection, "paper");
  d.dispose();
});
