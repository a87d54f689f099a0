/**
 * GEOM presets. `paper` is the paper's protocol exactly (docs/protocol.md); `quick` is sized so one Fashion-MNIST
 * class finishes within minutes on a 2-core CPU; `smoke` runs in seconds, for tests.
 * @module
 */
import { FLOAT32_MIN_POSITIVE } from "../scores/dirichlet_mle.ts";
import { presetCopy, type TrainingConfig } from "./training_config.ts";

/** Names of the GEOM presets; the `catsvsdogs-*` family is for 64x64 images (see below). */
export const GEOM_PRESETS = [
  "paper",
  "quick",
  "smoke",
  "catsvsdogs-paper",
  "catsvsdogs-quick",
  "catsvsdogs-smoke",
] as const;
/** A preset name. */
export type GeomPresetName = (typeof GEOM_PRESETS)[number];

/** Every hyperparameter of a GEOM run (Adam epsilon: Keras 2.2's default, as the official code). */
export interface GeomConfig extends TrainingConfig {
  /** Transform set name (lib/transforms registry). */
  transforms: string;
  /** Epochs over all n*T pairs; "paper" = ceil(200 / T) as the official code does. */
  epochs: number | "paper";
  batchSize: number;
  /** Probability floor before logs in the Dirichlet fit and score. */
  dirichletClamp: number;
  /** Renormalise floored softmax rows to sum 1 before the logs. */
  dirichletRenormalise: boolean;
  /**
   * Also report the score with the other floor (1e-10, renormalised) as `dirichlet-1e-10`, and
   * the fraction of softmax entries below 1e-10 (training and test), to show what the floor does.
   */
  dirichletFloorCheck: boolean;
  /** The square image size the preset is built for (the catsvsdogs family: 64). A folder
   * dataset is resized and centre-cropped to it unless `--image-size` says otherwise; other
   * sizes are refused. Undefined: any size. */
  imageSize?: number;
}

const PAPER: GeomConfig = {
  model: "wrn-10-4",
  transforms: "geometric72",
  epochs: "paper",
  batchSize: 128,
  lr: 1e-3,
  betas: [0.9, 0.999],
  adamEpsilon: 1e-7,
  predictBatchSize: 512,
  // The official code logs the raw float32 softmax (no guard): floor only exact zeros, at the
  // smallest positive float32, and do not renormalise, so every finite value matches it.
  dirichletClamp: FLOAT32_MIN_POSITIVE,
  dirichletRenormalise: false,
  dirichletFloorCheck: true,
};

/** The floor of the quick and smoke presets (robust, and what their figures were measured with). */
const ROBUST_FLOOR = {
  dirichletClamp: 1e-10,
  dirichletRenormalise: true,
  dirichletFloorCheck: false,
};

const PRESETS: Record<GeomPresetName, GeomConfig> = {
  paper: PAPER,
  quick: {
    ...PAPER,
    ...ROBUST_FLOOR,
    model: "small-cnn",
    epochs: 1,
    trainLimit: 1000,
    testLimit: 2000,
  },
  smoke: {
    ...PAPER,
    ...ROBUST_FLOOR,
    model: "tiny-cnn",
    transforms: "rot4",
    epochs: 1,
    batchSize: 32,
    trainLimit: 64,
    testLimit: 100,
  },
  // The paper's CatsVsDogs setting: 64x64 images, WRN-16-8, translations of 64/4 = 16 px (the
  // geometric sets derive s from the image size). quick and smoke keep their 32x32 siblings'
  // networks, data sizes and floor, so they run on a CPU; only paper uses WRN-16-8.
  "catsvsdogs-paper": { ...PAPER, model: "wrn-16-8", imageSize: 64 },
  "catsvsdogs-quick": {
    ...PAPER,
    ...ROBUST_FLOOR,
    model: "small-cnn",
    epochs: 1,
    trainLimit: 1000,
    testLimit: 2000,
    imageSize: 64,
  },
  "catsvsdogs-smoke": {
    ...PAPER,
    ...ROBUST_FLOOR,
    model: "tiny-cnn",
    transforms: "geometric72",
    epochs: 1,
    batchSize: 64,
    trainLimit: 32,
    testLimit: 40,
    imageSize: 64,
  },
};

/** The configuration of a preset (a fresh copy). Unknown name -> UsageError. */
export function geomPreset(name: string): GeomConfig {
  return presetCopy(GEOM_PRESETS, PRESETS, name);
}

/** Epochs actually run for a config and a number of transformations. */
export function resolveEpochs(epochs: GeomConfig["epochs"], nTransforms: number): number {
  return epochs === "paper" ? Math.ceil(200 / nTransforms) : epochs;
}
