import assert from "node:assert/strict";
import { decisionValues, OneClassSvm } from "./one_class.ts";
import type { Matrix } from "./matrix.ts";
import { initBackend } from "../backend/mod.ts";

// The tolerances below were measured on wasm (XNNPACK float32 matMul). On the native backend
// (oneDNN sgemm) the dual coefficients of this fixture differ from scikit-learn by up to 1e-3:
// recorded as an open point, so this file pins wasm.
await initBackend("wasm");

/** scikit-learn results written by testdata/make_sklearn_fixture.py. */
interface Case {
  nu: number;
  gamma: number | "scale" | "auto";
  shrinking: boolean;
  gammaResolved: number;
  rho: number;
  support: number[];
  dualCoef: number[];
  trainDecision: number[];
  testDecision: number[];
}
const fixture = JSON.parse(
  await Deno.readTextFile(new URL("./testdata/sklearn_ocsvm.json", import.meta.url)),
) as { cols: number; train: number[]; test: number[]; cases: Case[] };
const cols = fixture.cols;
const train: Matrix = {
  data: new Float32Array(fixture.train),
  rows: fixture.train.length / cols,
  cols,
};
const test: Matrix = {
  data: new Float32Array(fixture.test),
  rows: fixture.test.length / cols,
  cols,
};

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  assert.equal(a.length, b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

for (const c of fixture.cases) {
  const label = `nu ${c.nu}, gamma ${c.gamma}, shrinking ${c.shrinking}`;
  Deno.test(`OneClassSvm matches scikit-learn's OneClassSVM (${label})`, async () => {
    const svm = await new OneClassSvm({ nu: c.nu, gamma: c.gamma, shrinking: c.shrinking })
      .fit(train);
    const m = svm.model;
    assert.ok(Math.abs(m.gamma - c.gammaResolved) <= 1e-12 * c.gammaResolved);
    assert.deepEqual(Array.from(m.supportIndices), c.support);
    // Differences come from float32 distances (scikit-learn: float64): ~1e-6 here.
    assert.ok(Math.abs(m.rho - c.rho) < 1e-5, `rho ${m.rho} vs ${c.rho}`);
    assert.ok(
      maxAbsDiff(m.dualCoef, c.dualCoef) < 5e-5,
      `dual ${maxAbsDiff(m.dualCoef, c.dualCoef)}`,
    );
    assert.ok(
      maxAbsDiff(m.trainDecision, c.trainDecision) < 2e-5,
      `train ${maxAbsDiff(m.trainDecision, c.trainDecision)}`,
    );
    assert.ok(maxAbsDiff(await svm.decisionFunction(test), c.testDecision) < 2e-5);
  });
}

Deno.test("OneClassSvm defaults to scikit-learn's nu 0.5, gamma 'scale', tol 1e-3", async () => {
  const m = (await new OneClassSvm().fit(train)).model;
  assert.equal(m.nu, 0.5);
  assert.equal(m.gammaOption, "scale");
  assert.equal(m.tol, 1e-3);
  assert.equal(m.shrinking, true);
});

Deno.test("OneClassSvm on identical rows: decision 0 on the row, negative elsewhere", async () => {
  const row = [0.5, -1, 2];
  const same: Matrix = { data: new Float32Array(Array(20).fill(row).flat()), rows: 20, cols: 3 };
  const svm = await new OneClassSvm({ nu: 0.1 }).fit(same);
  assert.equal(svm.model.iterations, 0);
  assert.ok(Math.abs(svm.model.gamma - 1 / (3 * 1.5)) < 1e-15); // 'scale': 1 / (d var)
  const f = await svm.decisionFunction({
    data: new Float32Array([...row, 0.5, -1, 2.5, 9, 9, 9]),
    rows: 3,
    cols: 3,
  });
  assert.ok(Math.abs(f[0]!) < 1e-6, `f(row) = ${f[0]}`);
  assert.ok(f[1]! < 0 && f[2]! < f[1]!);
});

Deno.test("OneClassSvm with nu = 1 has a finite rho (libsvm's would be infinite)", async () => {
  const m = (await new OneClassSvm({ nu: 1, gamma: 0.3 }).fit(train)).model;
  assert.equal(m.nSV, train.rows);
  assert.equal(m.nBSV, train.rows);
  assert.ok(Number.isFinite(m.rho));
  assert.ok(Math.max(...m.trainDecision) <= 1e-9);
});

Deno.test("OneClassSvm rejects bad nu, gamma and tol with clear RangeErrors", () => {
  assert.throws(() => new OneClassSvm({ nu: 0 }), {
    name: "RangeError",
    message: "Cannot fit one-class SVM: nu must be in (0, 1], got 0",
  });
  assert.throws(() => new OneClassSvm({ nu: 1.5 }), /nu must be in \(0, 1\], got 1.5/);
  assert.throws(() => new OneClassSvm({ gamma: -2 }), /gamma must be a finite number > 0/);
  // deno-lint-ignore no-explicit-any
  assert.throws(() => new OneClassSvm({ gamma: "fast" as any }), /Cannot use RBF gamma "fast"/);
  assert.throws(() => new OneClassSvm({ tol: -1 }), /tolerance must be > 0/);
  assert.throws(() => new OneClassSvm().model, /call fit\(\) first/);
});

Deno.test("decisionValues() rejects a different number of features", async () => {
  const svm = await new OneClassSvm({ nu: 0.2 }).fit(train);
  await assert.rejects(
    () => decisionValues(svm.model, { data: new Float32Array(4), rows: 1, cols: 4 }),
    /4 features, the model has 5/,
  );
});
