import assert from "node:assert/strict";
import { runGeom } from "./run_geom.ts";

Deno.test("runGeom() trains the smoke preset on the embedded sample and keeps the detector", async () => {
  const lines: string[] = [];
  const run = await runGeom("fashion-mnist-sample", 1, {
    trainLimit: 32,
    testLimit: 60,
    seed: 3,
    precision: "fp32",
    onProgress: (line) => lines.push(line),
  });
  try {
    assert.equal(run.result.status, "ok");
    assert.equal(run.result.preset, "smoke");
    assert.equal(run.result.seed, 3);
    assert.equal(run.result.normalClass, 1);
    assert.equal(run.result.backend.precisionRequested, "fp32");
    assert.deepEqual([run.data.train.n, run.data.test.n], [32, 60]);
    assert.equal(run.config.transforms, "rot4");
    assert.deepEqual(Object.keys(run.scores), ["dirichlet", "simple", "max-softmax", "entropy"]);
    for (const s of Object.values(run.scores)) {
      assert.equal(s.length, 60);
      assert.ok(s.every(Number.isFinite));
    }
    assert.equal(run.detector.dirichlet?.nTransforms, 4);
    assert.equal(run.detector.transformSet?.size, 4);
    const probs = await run.detector.predictProbs(run.data.test);
    assert.equal(probs.length, 60 * 4 * 4);
    assert.ok(lines.some((l) => l.startsWith("train ")), lines.join("\n"));
  } finally {
    run.detector.dispose();
  }
});

Deno.test("runGeom() rejects bad options before loading data", async () => {
  await assert.rejects(runGeom("fashion-mnist-sample", 0, { preset: "huge" }), {
    name: "UsageError",
    message: /unknown preset 'huge'/,
  });
  await assert.rejects(runGeom("fashion-mnist-sample", 0, { scores: ["best"] }), /unknown score/);
  await assert.rejects(runGeom("fashion-mnist-sample", 0, { backend: "gpu9" }), /unknown backend/);
  await assert.rejects(runGeom("fashion-mnist-sample", 0, { model: "resnet-9000" }), {
    name: "UsageError",
    message: /resnet-9000/,
  });
  await assert.rejects(
    runGeom("fashion-mnist-sample", 0, { transforms: "warp" }),
    /warp/,
  );
  await assert.rejects(runGeom("fashion-mnist-sample", 0, { epochs: 0 }), {
    name: "UsageError",
    message: "Cannot plan geom: epochs must be an integer >= 1, got 0",
  });
  await assert.rejects(runGeom("no-such-set", 0), { name: "UsageError" });
});

Deno.test("runGeom() reports a failed run as a RunError with the reason", async () => {
  // One training image: the Dirichlet fit needs at least two.
  await assert.rejects(
    runGeom("fashion-mnist-sample", 0, { trainLimit: 1, testLimit: 20, quiet: true }),
    { name: "RunError", message: /^Cannot run GEOM on fashion-mnist-sample class 0: / },
  );
});
