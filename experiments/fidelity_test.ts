/** `deno task fidelity` end to end on stored results (reused, nothing trains): its exit code. */
import assert from "node:assert/strict";
import { join } from "node:path";
import { getMethod } from "../lib/detectors/catalogue.ts";
import { denoExecutable } from "../lib/experiments/process_pool.ts";
import { withDigest } from "../lib/experiments/result.ts";
import { resolveSweepData } from "../lib/experiments/sweep.ts";
import { fakeResult } from "../lib/experiments/testing.ts";
import { sweepArgs } from "./sweep_testing.ts";

const DATASET = "fashion-mnist-sample";

/** Stores fp32 and bf16 GEOM smoke results of class 0 with the given Dirichlet AUROCs, then runs fidelity. */
async function fidelity(
  root: string,
  auroc: { fp32: number; bf16: number },
): Promise<{ code: number; err: string }> {
  const plan = getMethod("geom").plan("smoke");
  const origin = await resolveSweepData(DATASET);
  for (const precision of ["fp32", "bf16"] as const) {
    const r = fakeResult(plan, {
      dataset: DATASET,
      normalClass: 0,
      seed: 0,
      auroc: { dirichlet: auroc[precision], simple: 0.8 },
      origin,
    });
    const record = withDigest({
      ...r,
      backend: { ...r.backend, name: "native", precision, precisionRequested: precision },
    });
    const dir = join(root, DATASET, "smoke", precision);
    await Deno.mkdir(dir, { recursive: true });
    await Deno.writeTextFile(join(dir, "class-0-seed-0.json"), JSON.stringify(record));
  }
  const args = sweepArgs("./fidelity.ts", root, [
    ...["--dataset", DATASET, "--preset", "smoke", "--classes", "0", "--quiet"],
  ], { noPng: false });
  const out = await new Deno.Command(denoExecutable(), { args }).output();
  return { code: out.code, err: new TextDecoder().decode(out.stderr) };
}

Deno.test("fidelity: exit 0 within the limits, exit 1 naming the score when bf16 is outside", async () => {
  const root = await Deno.makeTempDir();
  try {
    const within = await fidelity(root, { fp32: 0.9, bf16: 0.902 });
    assert.equal(within.code, 0, within.err);
    const outside = await fidelity(root, { fp32: 0.9, bf16: 0.92 }); // 0.02 > 0.015
    assert.equal(outside.code, 1, outside.err);
    assert.match(outside.err, /^fidelity: error: bf16 is outside the limits on dirichlet \(see /m);
    const summary = JSON.parse(
      await Deno.readTextFile(join(root, DATASET, "smoke", "summary.json")),
    );
    assert.equal(summary.pass, false);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
