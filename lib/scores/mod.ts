/**
 * GEOM's normality scores from the transformation classifier's softmax outputs, laid out
 * [nImages, T (applied transformation), T (class)] row-major: the Dirichlet score (per-transform
 * Dirichlet MLE by Minka's fixed point), the simple score, max-softmax and negative entropy.
 * Every score is a NORMALITY score (higher = more normal): detectors negate it.
 *
 * @example
 * ```ts
 * import { dirichletScore, fitDirichletScorer, simpleScore } from "geomad/scores/mod.ts";
 * const T = 2;
 * const train = new Float32Array([0.9, 0.1, 0.2, 0.8, 0.8, 0.2, 0.1, 0.9, 0.7, 0.3, 0.3, 0.7]);
 * const scorer = fitDirichletScorer(train, { nTransforms: T });
 * const test = new Float32Array([0.95, 0.05, 0.1, 0.9, 0.5, 0.5, 0.5, 0.5]);
 * const normality = dirichletScore(scorer, test); // image 0 scores higher than image 1
 * const simple = simpleScore(test, { nTransforms: T }); // ~[0.925, 0.5]
 * ```
 * @module
 */
export {
  digamma,
  EULER_GAMMA,
  inverseDigamma,
  type InverseDigammaOptions,
  trigamma,
} from "./special.ts";
export {
  DEFAULT_CLAMP,
  type DirichletFit,
  type DirichletFitOptions,
  type DirichletStats,
  dirichletStats,
  type DirichletStatsOptions,
  fitDirichlet,
  fitDirichletFromStats,
  type FitDirichletOptions,
  FLOAT32_MIN_POSITIVE,
  initialDirichletAlpha,
} from "./dirichlet_mle.ts";
export {
  dirichletScore,
  type DirichletScorer,
  fitDirichletScorer,
  type FitDirichletScorerOptions,
} from "./dirichlet_score.ts";
export { entropyScore, maxSoftmaxScore, simpleScore } from "./softmax_scores.ts";
export { type ProbArray, type TransformShapeOptions } from "./transform_probs.ts";
export { sampleDirichlet, type SampleDirichletOptions, sampleGamma } from "./sample_dirichlet.ts";
export * from "./goad_score.ts";
export * from "./head_scores.ts";
