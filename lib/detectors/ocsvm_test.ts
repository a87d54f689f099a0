import assert from "node:assert/strict";
import type { Images } from "../data/types.ts";
import { auroc } from "../metrics/roc.ts";
import { Rng } from "../util/rng.ts";
import { UsageError } from "../util/errors.ts";
import { OcsvmDetector, PAPER_GAMMAS, PAPER_NUS } from "./ocsvm.ts";
import { testDeepDetector } from "./testing.ts";
import { initBackend } from "../backend/select.ts";

// The distances run on a started backend (starting one is explicit, lib/backend/select.ts).
await initBackend("auto");

/** 8x8 images in [-1, 1]: normal = a horizontal bar, anomaly = a vertical bar, plus noise. */
function bars(kinds: Array<"h" | "v">, seed: number): Images {
  const rng = new Rng(seed);
  const data = new Float32Array(kinds.length * 64);
  kinds.forEach((k, n) => {
    const at = 2 + rng.int(4);
    for (let i = 0; i < 8; i++) {
      for (let j = 0; j < 8; j++) {
        const on = k === "h" ? i === at : j === at;
        data[n * 64 + i * 8 + j] = Math.max(-1, Math.min(1, (on ? 1 : -1) + 0.3 * rng.normal()));
      }
    }
  });
  return { data, n: kinds.length, height: 8, width: 8, channels: 1 };
}

const train = bars(Array(60).fill("h"), 1);
const testKinds: Array<"h" | "v"> = [...Array(30).fill("h"), ...Array(30).fill("v")];
const test = bars(testKinds, 2);
const isNormal = testKinds.map((k) => (k === "h" ? 1 : 0));

Deno.test("OcsvmDetector fair mode: nu 0.1, gamma 'scale', anomalies score higher", async () => {
  const det = await new OcsvmDetector().fit(train, { quiet: true });
  assert.equal(det.name, "raw-ocsvm");
  assert.equal(det.selectsByTestLabels, false);
  assert.deepEqual(det.hyperparameters, {
    selection: "fair",
    nu: 0.1,
    gamma: "scale",
    kernel: "rbf",
    features: "pixels",
    tol: 1e-3,
    shrinking: true,
  });
  const s = await det.score(test);
  assert.equal(s.length, 60);
  // Anomaly scores: the normal class is positive for low scores.
  assert.ok(auroc(s.map((v) => -v), isNormal) > 0.95);
  const st = det.state();
  assert.equal(st.selection, "fixed");
  assert.equal(st.nu, 0.1);
  assert.ok((st.svFraction as number) >= 0.1);
  assert.equal(st.trainSize, 60);
  assert.equal(st.features, 64);
  const f = await det.decisionFunction(test);
  for (let i = 0; i < f.length; i++) assert.equal(s[i], -f[i]!);
  await assert.rejects(() => det.selectByTestLabels(test, isNormal), /selection is 'fair'/);
});

Deno.test("OcsvmDetector paper mode: picks the best test AUROC of the grid and flags it", async () => {
  const det = new OcsvmDetector({ selection: "paper", nus: [0.1, 0.5], gammas: [0.01, 0.1, 1] });
  assert.equal(det.selectsByTestLabels, true);
  await det.fit(train, { quiet: true });
  await assert.rejects(() => det.score(test), /needs selectByTestLabels/);
  assert.equal(det.state().selection, "pending");
  const sel = await det.selectByTestLabels(test, isNormal);
  assert.equal(sel.selection, "hindsight-test-auroc");
  assert.equal(sel.grid.length, 6);
  const best = Math.max(...sel.grid.map((g) => g.auroc));
  assert.equal(sel.auroc, best);
  const first = sel.grid.find((g) => g.auroc === best)!;
  assert.equal(sel.nu, first.nu);
  assert.equal(sel.gamma, first.gamma);
  // The cached scores of the test set equal freshly computed ones and give the chosen AUROC.
  const cached = await det.score(test);
  const fresh = await det.score({ ...test, data: test.data.slice() });
  for (let i = 0; i < 60; i++) assert.ok(Math.abs(cached[i]! - fresh[i]!) < 1e-9);
  assert.equal(auroc(cached.map((v) => -v), isNormal), best);
  const st = det.state();
  assert.equal(st.selection, "hindsight-test-auroc");
  assert.equal(st.selectedTestAuroc, best);
  assert.equal((st.grid as unknown[]).length, 6);
  assert.equal(st.nu, sel.nu);
  await assert.rejects(
    () => det.selectByTestLabels(test, isNormal.slice(1)),
    /60 images but 59 labels/,
  );
});

Deno.test("OcsvmDetector paper defaults are the paper's 9 x 10 grid", () => {
  const det = new OcsvmDetector({ selection: "paper" });
  assert.deepEqual(det.hyperparameters.nus, [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9]);
  assert.deepEqual(PAPER_NUS, det.hyperparameters.nus);
  assert.deepEqual(PAPER_GAMMAS, [1 / 128, 1 / 64, 1 / 32, 1 / 16, 1 / 8, 1 / 4, 1 / 2, 1, 2, 4]);
  assert.equal(det.hyperparameters.selectionBy, "test-auroc");
});

Deno.test("OcsvmDetector uses a feature function (CAE-OC-SVM style)", async () => {
  const rowMeans = (x: Images) => {
    const data = new Float32Array(x.n * 8);
    for (let n = 0; n < x.n; n++) {
      for (let i = 0; i < 8; i++) {
        let s = 0;
        for (let j = 0; j < 8; j++) s += x.data[n * 64 + i * 8 + j]!;
        data[n * 8 + i] = s / 8;
      }
    }
    return { data, rows: x.n, cols: 8 };
  };
  const det = await new OcsvmDetector({
    name: "cae-ocsvm",
    features: rowMeans,
    featureName: "row-means",
  }).fit(train, { quiet: true });
  assert.equal(det.name, "cae-ocsvm");
  assert.equal(det.hyperparameters.features, "row-means");
  assert.equal(det.state().features, 8);
  assert.equal((await det.score(test)).length, 60);
  const bad = new OcsvmDetector({ features: (x) => ({ ...rowMeans(x), rows: x.n - 1 }) });
  await assert.rejects(() => bad.fit(train, { quiet: true }), /60 images gave 59 feature rows/);
});

Deno.test("OcsvmDetector on one repeated image: fits, flags it, scores that image 0", async () => {
  const one = bars(["h"], 3);
  const data = new Float32Array(20 * 64);
  for (let n = 0; n < 20; n++) data.set(one.data, n * 64);
  const det = await new OcsvmDetector().fit({ ...one, data, n: 20 }, { quiet: true });
  const st = det.state();
  assert.equal(st.identicalTrainingRows, true);
  assert.equal(st.iterations, 0);
  const s = await det.score(test);
  assert.ok(Math.abs((await det.score(one))[0]!) < 1e-6);
  for (const v of s) assert.ok(v > 0);
});

Deno.test("OcsvmDetector rejects bad options with UsageError", () => {
  assert.throws(() => new OcsvmDetector({ nu: 0 }), {
    name: "UsageError",
    message: "Cannot fit one-class SVM: nu must be in (0, 1], got 0",
  });
  assert.throws(() => new OcsvmDetector({ gamma: -1 }), UsageError);
  assert.throws(() => new OcsvmDetector({ selection: "paper", gammas: [1, 0] }), UsageError);
  assert.throws(() => new OcsvmDetector({ selection: "paper", nus: [] }), /at least one nu/);
  // deno-lint-ignore no-explicit-any
  assert.throws(() => new OcsvmDetector({ selection: "best" as any }), /unknown selection 'best'/);
});

Deno.test("OcsvmDetector score before fit fails clearly", async () => {
  await assert.rejects(() => new OcsvmDetector().score(test), /call fit\(\) first/);
  assert.deepEqual(new OcsvmDetector().state(), { fitted: false });
});

// The shared detector checks, in both selection modes (paper: hindsight by test AUROC).
for (const selection of ["fair", "paper"] as const) {
  testDeepDetector({
    name: selection === "fair" ? "raw-ocsvm-fair" : "raw-ocsvm",
    make: (o = {}) =>
      new OcsvmDetector({
        selection,
        name: selection === "fair" ? "raw-ocsvm-fair" : "raw-ocsvm",
        ...(selection === "paper" ? { nus: [0.1, 0.5], gammas: [2 ** -7, 2 ** -3] } : {}),
        ...o,
      }),
    badOptions: selection === "fair"
      ? [{ nu: 0 }, { gamma: -1 }, { selection: "best" }]
      : [{ selection: "best" }],
    badMessage: /^Cannot (create OC-SVM|fit one-class SVM|use RBF gamma)/,
    fast: {},
    seeded: false,
    identicalKey: "identicalTrainingRows",
    nanError: { kind: RangeError, message: /^Cannot .+ is not finite$/ },
  });
}
