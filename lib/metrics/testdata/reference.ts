/**
 * Typed view of reference.json: metrics computed by scikit-learn (scripts/metrics_reference.py).
 * @module
 */
import reference from "./reference.json" with { type: "json" };

/** One scikit-learn reference case. */
export interface ReferenceCase {
  name: string;
  scores: number[];
  labels: number[];
  positive: number;
  auroc: number;
  averagePrecision: number;
  prAuc: number;
  /** roc_curve(drop_intermediate=False) without sklearn's first (max + 1) threshold. */
  roc?: { fpr: number[]; tpr: number[]; thresholds: number[] };
  pr?: { precision: number[]; recall: number[]; thresholds: number[] };
  /** Present when scores are anomaly scores and labels is-normal (normal = 1). */
  evaluate?: {
    auroc: number;
    auprNormal: number;
    auprAnomaly: number;
    apNormal: number;
    apAnomaly: number;
    fpr95: number;
  };
}

/** Every reference case. */
export const referenceCases: ReferenceCase[] = reference.cases;

/** Asserts |actual - expected| <= tol * max(1, |expected|) elementwise. */
export function assertClose(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  what: string,
  tol = 1e-12,
): void {
  if (actual.length !== expected.length) {
    throw new Error(`${what}: length ${actual.length} vs ${expected.length}`);
  }
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i]!, e = expected[i]!;
    if (!(Math.abs(a - e) <= tol * Math.max(1, Math.abs(e)))) {
      throw new Error(`${what}[${i}]: ${a} vs expected ${e}`);
    }
  }
}
