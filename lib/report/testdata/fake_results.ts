/**
 * Seeded synthetic result records for the report tests: real metrics (lib/metrics
 * `evaluate`) of Gaussian anomaly scores whose separation grows with `shift`.
 * @module
 */
import { Rng } from "../../util/rng.ts";
import { evaluate } from "../../metrics/evaluate.ts";
import { writeJsonAtomic } from "../../util/atomic.ts";

/** Metrics of 200 normal (N(0,1)) and 200 anomalous (N(shift,1)) anomaly scores. */
export function fakeMetrics(rng: Rng, shift: number) {
  const scores = new Float64Array(400), isNormal = new Uint8Array(400);
  for (let i = 0; i < 400; i++) {
    isNormal[i] = i < 200 ? 1 : 0;
    scores[i] = rng.normal() + (i < 200 ? 0 : shift);
  }
  const m = evaluate(scores, isNormal, { maxRocPoints: 100 });
  return {
    auroc: m.auroc,
    auprNormal: m.auprNormal,
    auprAnomaly: m.auprAnomaly,
    fpr95: m.fpr95,
    roc: m.rocPoints,
  };
}

/**
 * Writes result files `<dir>/<method>/class-<c>/seed-<s>.json` for two methods (GEOM with
 * two scores, OC-SVM with one), `classes` normal classes and `seeds` seeds.
 */
export async function writeFakeResults(dir: string, classes = 2, seeds = 2): Promise<number> {
  const rng = new Rng(7);
  let count = 0;
  for (let c = 0; c < classes; c++) {
    for (let s = 0; s < seeds; s++) {
      const common = { dataset: "fashion-mnist", normalClass: c, seed: s, status: "ok" };
      await writeJsonAtomic(`${dir}/geom/class-${c}/seed-${s}.json`, {
        ...common,
        method: "geom",
        metrics: { dirichlet: fakeMetrics(rng, 2.5), simple: fakeMetrics(rng, 2) },
      });
      await writeJsonAtomic(`${dir}/ocsvm/class-${c}/seed-${s}.json`, {
        ...common,
        method: "ocsvm",
        metrics: { svm: fakeMetrics(rng, 1) },
      });
      count += 2;
    }
  }
  return count;
}
