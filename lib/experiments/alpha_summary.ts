/**
 * Readable views of a fitted Dirichlet scorer (GEOM's per-transformation Dirichlet
 * concentrations): the T x T alpha matrix for heatmaps and one summary row per transformation.
 * Row t is the transformation applied to the image, column k the classifier's output class.
 * @module
 */
import type { DirichletScorer } from "../scores/dirichlet_score.ts";

/** How {@linkcode alphaMatrix} scales the alphas. */
export type AlphaScale = "raw" | "log10" | "mean";

/** Options for {@linkcode alphaMatrix}. */
export interface AlphaMatrixOptions {
  /**
   * "raw": alpha_t,k; "log10": log10(alpha_t,k) (alphas span orders of magnitude); "mean":
   * alpha_t,k / sum_k alpha_t,k, the Dirichlet's mean, i.e. the expected softmax output for
   * transformation t (an expected confusion matrix). Default "raw".
   */
  scale?: AlphaScale;
}

function checkScorer(scorer: DirichletScorer, action: string): number {
  const t = scorer.nTransforms;
  if (!Number.isInteger(t) || t < 1 || scorer.alphas.length !== t * t) {
    throw new RangeError(
      `Cannot ${action}: ${scorer.alphas.length} alphas for ${scorer.nTransforms} transformations`,
    );
  }
  for (let i = 0; i < scorer.alphas.length; i++) {
    if (!(scorer.alphas[i]! > 0) || !Number.isFinite(scorer.alphas[i]!)) {
      throw new RangeError(`Cannot ${action}: alpha ${i} is ${scorer.alphas[i]}`);
    }
  }
  return t;
}

/**
 * The alphas as T rows of T values (row t = applied transformation), scaled as
 * `options.scale` says. Throws RangeError when the scorer's alphas are not T*T positive
 * finite numbers.
 */
export function alphaMatrix(scorer: DirichletScorer, options: AlphaMatrixOptions = {}): number[][] {
  const t = checkScorer(scorer, "read alphas");
  const scale = options.scale ?? "raw";
  return Array.from({ length: t }, (_, row) => {
    const values = Array.from(scorer.alphas.subarray(row * t, (row + 1) * t));
    if (scale === "log10") return values.map(Math.log10);
    if (scale === "mean") {
      const sum = values.reduce((s, v) => s + v, 0);
      return values.map((v) => v / sum);
    }
    return values;
  });
}

/** One transformation's fitted Dirichlet, summarised. */
export interface AlphaSummaryRow {
  /** Transformation index. */
  t: number;
  /** Its label (from the transform set), or the index as text. */
  transformation: string;
  /** Concentration alpha_0 = sum_k alpha_t,k: larger = more consistent outputs on training. */
  alphaSum: number;
  /** alpha_t,t: the concentration on the correct class. */
  selfAlpha: number;
  /** alpha_t,t / alpha_0: the expected probability of the correct class. */
  selfMean: number;
  /** The class with the largest alpha (t when the classifier recognises t). */
  topClass: number;
  /** Fixed-point iterations of the fit, and whether it converged. */
  iterations?: number;
  converged?: boolean;
}

/** Options for {@linkcode alphaSummary}. */
export interface AlphaSummaryOptions {
  /** Transformation labels (e.g. `transformSet.labels`), length T. */
  labels?: readonly string[];
}

/**
 * One row per transformation: alpha_0, the correct-class alpha and mean, the top class and the
 * fit's iterations. Throws RangeError on bad alphas or when `labels` has the wrong length.
 */
export function alphaSummary(
  scorer: DirichletScorer,
  options: AlphaSummaryOptions = {},
): AlphaSummaryRow[] {
  const t = checkScorer(scorer, "summarise alphas");
  if (options.labels && options.labels.length !== t) {
    throw new RangeError(
      `Cannot summarise alphas: ${options.labels.length} labels for ${t} transformations`,
    );
  }
  return alphaMatrix(scorer).map((row, i) => {
    const alphaSum = row.reduce((s, v) => s + v, 0);
    let top = 0;
    for (let k = 1; k < t; k++) if (row[k]! > row[top]!) top = k;
    const out: AlphaSummaryRow = {
      t: i,
      transformation: options.labels?.[i] ?? String(i),
      alphaSum,
      selfAlpha: row[i]!,
      selfMean: row[i]! / alphaSum,
      topClass: top,
    };
    const iterations = scorer.iterations[i], converged = scorer.converged[i];
    if (iterations !== undefined) out.iterations = iterations;
    if (converged !== undefined) out.converged = converged;
    return out;
  });
}
