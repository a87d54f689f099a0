/**
 * Presets of the rotation + translation multi-head detector (Hendrycks et al., NeurIPS 2019).
 * The paper's one-class CIFAR-10 code was never released, so `paper` uses GEOM's network and
 * schedule: WRN-10-4, epochs = ceil(200 / T) = 6 over the 36 transformations' pairs, batches of
 * 128 shuffled pairs, Adam 1e-3 (Keras epsilon 1e-7), L2 2.5e-4. `quick` has GEOM quick's
 * budget (small CNN, 2 epochs over 1000 images x 36 = 72,000 pairs, 2000 test images);
 * `smoke` runs in seconds.
 * @module
 */
import { presetCopy, type TrainingConfig } from "./training_config.ts";

/** Names of the rotation + translation presets. */
export const ROT_TRANS_PRESETS = ["paper", "quick", "smoke"] as const;
/** A preset name. */
export type RotTransPresetName = (typeof ROT_TRANS_PRESETS)[number];

/** Every hyperparameter of a rotation + translation run (`model`: the backbone, three heads on its feature). */
export interface RotTransConfig extends TrainingConfig {
  /** Epochs over all n x 36 pairs; "paper" = ceil(200 / 36) as GEOM's schedule. */
  epochs: number | "paper";
  batchSize: number;
}

const PAPER: RotTransConfig = {
  model: "wrn-10-4",
  epochs: "paper",
  batchSize: 128,
  lr: 1e-3,
  betas: [0.9, 0.999],
  adamEpsilon: 1e-7,
  predictBatchSize: 512,
};

const PRESETS: Record<RotTransPresetName, RotTransConfig> = {
  paper: PAPER,
  quick: { ...PAPER, model: "small-cnn", epochs: 2, trainLimit: 1000, testLimit: 2000 },
  smoke: { ...PAPER, model: "tiny-cnn", epochs: 1, batchSize: 32, trainLimit: 64, testLimit: 100 },
};

/** The configuration of a preset (a fresh copy). Unknown name -> UsageError. */
export function rotTransPreset(name: string): RotTransConfig {
  return presetCopy(ROT_TRANS_PRESETS, PRESETS, name);
}

/** Epochs actually run: "paper" = ceil(200 / 36) = 6. */
export function rotTransEpochs(epochs: RotTransConfig["epochs"]): number {
  return epochs === "paper" ? Math.ceil(200 / 36) : epochs;
}
