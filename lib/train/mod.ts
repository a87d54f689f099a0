/**
 * Self-supervised training on transformed images and inference over every
 * (image, transformation) pair.
 *
 * ```ts ignore
 * import { buildWrn } from "geomad/models/mod.ts";
 * import { predictTransformed, trainTransformClassifier } from "geomad/train/mod.ts";
 * const model = buildWrn({ depth: 10, widen: 4, inputShape: [32, 32, 1], nClasses: 72, seed: 1 });
 * const record = await trainTransformClassifier(model, images, { transforms, epochs: 3, seed: 1 });
 * const probs = await predictTransformed(model, testImages, { transforms }); // [n, 72, 72]
 * ```
 * @module
 */
export * from "./trainer.ts";
export * from "./predict.ts";
export { fusedAdam, FusedAdamOptimizer } from "./fused_adam.ts";
export * from "./loop.ts";
export * from "./optim.ts";
export * from "./autoencoder.ts";
export * from "./latent_search.ts";
export { categoricalCrossEntropy, CLIP_EPSILON } from "./loss.ts";
export {
  checkpointRoot,
  DEFAULT_CHECKPOINT_SECONDS,
  RunCheckpoint,
  type RunCheckpointOptions,
} from "./checkpoint.ts";
export type { TrainPosition, TrainSnapshot } from "./train_state.ts";
export * from "./triplet_centre.ts";
export * from "./multi_head_loss.ts";
