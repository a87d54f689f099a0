/**
 * geomad's side of the OC-SVM parity check (called by scripts/ocsvm_parity.py): fits
 * `OneClassSvm` on one Fashion-MNIST class and writes decision values and timings as JSON.
 *
 *   deno run --allow-read --allow-write=results --allow-env scripts/ocsvm_parity_driver.ts \
 *     --class 0 --nu 0.1 --gamma scale --test-size 10000 --out results/parity/geomad.json
 * @module
 */
import { initBackend } from "../lib/backend/select.ts";
import { OneClassSvm } from "../lib/svm/one_class.ts";
import type { Gamma } from "../lib/svm/kernel.ts";
import { writeJsonAtomic } from "../lib/util/atomic.ts";
import { intFlag, parseFlags, runCli } from "../lib/util/cli.ts";
import { UsageError } from "../lib/util/errors.ts";
import { loadOneVsRest } from "../lib/data/one_vs_rest.ts";

/** Parses `scale`, `auto` or a number. */
export function parseGamma(s: string): Gamma {
  if (s === "scale" || s === "auto") return s;
  const g = Number(s);
  if (!Number.isFinite(g) || g <= 0) {
    throw new UsageError(`--gamma must be 'scale', 'auto' or a number > 0, got '${s}'`);
  }
  return g;
}

async function main(): Promise<void> {
  const { values } = parseFlags(Deno.args, {
    class: { type: "string" },
    nu: { type: "string" },
    gamma: { type: "string" },
    "test-size": { type: "string" },
    shrinking: { type: "string" },
    out: { type: "string" },
  }, false);
  if (!values.out) throw new UsageError("--out is required");
  const normalClass = intFlag("class", values.class, 0);
  const nu = Number(values.nu ?? "0.1");
  const gamma = parseGamma(values.gamma ?? "scale");
  const shrinking = (values.shrinking ?? "true") !== "false";
  const backend = await initBackend("auto");
  const testSize = intFlag("test-size", values["test-size"], 10000);
  const split = await loadOneVsRest("fashion-mnist", normalClass, {
    testLimit: testSize < 10000 ? testSize : undefined,
  });
  const train = { data: split.train.data, rows: split.train.n, cols: 1024 };
  const test = { data: split.test.data, rows: split.test.n, cols: 1024 };
  let svm: OneClassSvm;
  try {
    svm = new OneClassSvm({ nu, gamma, shrinking });
  } catch (err) {
    throw new UsageError(err instanceof Error ? err.message : String(err));
  }
  const t0 = performance.now();
  await svm.fit(train);
  const fitSeconds = (performance.now() - t0) / 1000;
  const t1 = performance.now();
  const decision = await svm.decisionFunction(test);
  const scoreSeconds = (performance.now() - t1) / 1000;
  const m = svm.model;
  await writeJsonAtomic(values.out, {
    backend: backend.name,
    normalClass,
    nu,
    gamma: m.gamma,
    gammaOption: m.gammaOption,
    shrinking,
    trainSize: train.rows,
    testSize: test.rows,
    fitSeconds,
    solveSeconds: m.solveSeconds,
    scoreSeconds,
    iterations: m.iterations,
    rho: m.rho,
    nSV: m.nSV,
    nBSV: m.nBSV,
    support: Array.from(m.supportIndices),
    dataSource: split.meta.source ?? null,
    testIndices: Array.from(split.testIndices),
    decision: Array.from(decision),
  });
}

if (import.meta.main) await runCli("ocsvm_parity_driver", main);
