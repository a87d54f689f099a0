/**
 * GOAD presets (Bergman & Hoshen, ICLR 2020). `paper` follows the official code's defaults
 * (github.com/lironber/GOAD, train_ad.py) on geomad's transform engine and WRN builder:
 * GEOM's 72 transformations, WRN-10-4, 16 epochs, batches of 4 whole images x 72 = 288 pairs,
 * Adam 1e-3, loss CE + 0.1 x triplet-centre + 10 x mean(z^2), no weight decay. `quick` has
 * GEOM quick's budget (small CNN, 1 epoch over 1000 images x 72 = 72,000 pairs, 2000 test
 * images); `smoke` runs in seconds. docs/protocol.md ("GOAD") lists what differs from the
 * official code and why.
 * @module
 */
import { presetCopy, type TrainingConfig } from "./training_config.ts";

/** Names of the GOAD presets. */
export const GOAD_PRESETS = ["paper", "quick", "smoke"] as const;
/** A GOAD preset name. */
export type GoadPresetName = (typeof GOAD_PRESETS)[number];

/**
 * The paper's triplet-centre margins by dataset (Bergman & Hoshen 2020: m = 0.1 on CIFAR-10,
 * as the repository's README command; m = 1 on Fashion-MNIST). Other datasets use
 * {@linkcode DEFAULT_MARGIN}.
 */
export const PAPER_MARGINS: Readonly<Record<string, number>> = {
  "cifar10": 0.1,
  "fashion-mnist": 1,
  "fashion-mnist-sample": 1,
};
/** The margin of datasets the paper gives none for (its CIFAR-10 value). */
export const DEFAULT_MARGIN = 0.1;

/**
 * Every hyperparameter of a GOAD run (`model`'s penultimate feature is z; Adam epsilon:
 * PyTorch's default, as the official code; `predictBatchSize`: pairs per forward pass when
 * computing features).
 */
export interface GoadConfig extends TrainingConfig {
  /** Transform set (lib/transforms registry). */
  transforms: string;
  /** Epochs over all n x T pairs. */
  epochs: number;
  /** Whole images per batch; a batch is imagesPerBatch x T pairs (official 288 = 4 x 72). */
  imagesPerBatch: number;
  /** Triplet-centre margin m, or "paper": by dataset ({@linkcode PAPER_MARGINS}). */
  margin: number | "paper";
  /** Weight of the triplet-centre loss. */
  lambda: number;
  /** Weight of mean(z^2). */
  featurePenalty: number;
  /** Add the network's L2 terms to the loss (the official code has no weight decay). */
  weightDecay: boolean;
  /** The eps added to every probability of the score (paper Eq. 4). */
  scoreEpsilon: number;
}

const PAPER: GoadConfig = {
  model: "wrn-10-4",
  transforms: "geometric72",
  epochs: 16,
  imagesPerBatch: 4,
  lr: 1e-3,
  betas: [0.9, 0.999],
  adamEpsilon: 1e-8,
  margin: "paper",
  lambda: 0.1,
  featurePenalty: 10,
  weightDecay: false,
  // Paper Eq. 4's eps: the same 1e-10 floor GEOM's quick preset puts under probabilities.
  scoreEpsilon: 1e-10,
  predictBatchSize: 512,
};

const PRESETS: Record<GoadPresetName, GoadConfig> = {
  paper: PAPER,
  quick: { ...PAPER, model: "small-cnn", epochs: 1, trainLimit: 1000, testLimit: 2000 },
  smoke: {
    ...PAPER,
    model: "tiny-cnn",
    transforms: "rot4",
    epochs: 1,
    trainLimit: 64,
    testLimit: 100,
  },
};

/** The configuration of a preset (a fresh copy). Unknown name -> UsageError. */
export function goadPreset(name: string): GoadConfig {
  return presetCopy(GOAD_PRESETS, PRESETS, name);
}

/** The margin a run uses: the config's number, or the paper's for `dataset`. */
export function resolveMargin(margin: GoadConfig["margin"], dataset?: string): number {
  if (margin !== "paper") return margin;
  return (dataset !== undefined ? PAPER_MARGINS[dataset] : undefined) ?? DEFAULT_MARGIN;
}
