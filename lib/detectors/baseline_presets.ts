/**
 * Presets of the deep baselines. `paper` is the paper (docs/protocol.md) and the official code
 * (Keras 2.2 defaults where the paper is silent; Deep SVDD: Ruff et al. 2018); `quick` runs one
 * Fashion-MNIST class in minutes on a 2-core CPU with tfjs wasm (a seeded subset of the data,
 * far fewer epochs: NOT comparable with the paper's numbers); `smoke` runs in seconds, for tests.
 * @module
 */
import type { Gamma } from "../svm/kernel.ts";
import type { HiddenActivation } from "../models/baselines/conv_nets.ts";
import type { ConvTrainingFields } from "./validate.ts";
import { UsageError } from "../util/errors.ts";
import type { OcsvmSelection } from "./ocsvm.ts";

/** The deep baselines' method names (as on the CLI and in results). */
export const BASELINE_METHODS = ["cae-ocsvm", "dsebm", "dagmm", "adgan", "deep-svdd"] as const;
/** A deep baseline method name. */
export type BaselineMethod = (typeof BASELINE_METHODS)[number];
/** Preset names. */
export const BASELINE_PRESETS = ["paper", "quick", "smoke"] as const;
/** A preset name. */
export type BaselinePresetName = (typeof BASELINE_PRESETS)[number];

/** CAE-OC-SVM: conv autoencoder, then an RBF one-class SVM on the codes. */
export interface CaeOcsvmConfig extends ConvTrainingFields {
  /** Code size (paper 256, tanh). */
  codeSize: number;
  /**
   * OC-SVM selection: `paper` = 9x10 grid by test AUROC (hindsight; every preset), `fair` =
   * fixed nu/gamma (method `cae-ocsvm-fair`, as `raw-ocsvm-fair`).
   */
  selection: OcsvmSelection;
  /** `fair` mode nu. */
  nu: number;
  /** `fair` mode gamma. */
  gamma: Gamma;
}

/** DSEBM: deep structured energy model trained by denoising score matching. */
export interface DsebmConfig extends ConvTrainingFields {
  /** Encoder output size (paper 256, ReLU). */
  codeSize: number;
  /** Std of the Gaussian input noise (paper 0.5). */
  noiseStd: number;
}

/** DAGMM: autoencoder + estimation network + Gaussian mixture energy. */
export interface DagmmConfig extends ConvTrainingFields {
  /** Code size (paper 5, linear). */
  codeSize: number;
  /** Hidden units of the estimation net (paper 64, 10; tanh). */
  estimationHidden: number[];
  /** Dropout after each hidden layer (paper 0.5). */
  dropout: number;
  /** Mixture components (paper 3). */
  nComponents: number;
  /** Weight of the mean energy in the loss (paper 0.01). */
  lambdaEnergy: number;
  /** Weight of sum(1 / diag Sigma) in the loss (paper 0.0005). */
  lambdaCov: number;
  /** Added to every covariance diagonal (official code ~1e-3). */
  covJitter: number;
  /** Density floor per component inside the log (official code: Keras epsilon 1e-7). */
  densityEps: number;
}

/** ADGAN: WGAN-GP, then latent search per test image. */
export interface AdganConfig extends ConvTrainingFields {
  /** Latent size (paper 256). */
  zDim: number;
  /** Generator iterations per epoch (paper 100; `epochs` x this = 10,000). */
  stepsPerEpoch: number;
  /** Critic updates per generator update (paper 2). */
  criticSteps: number;
  /** Gradient-penalty weight (paper 20). */
  gpWeight: number;
  /** Latent-search restarts per test image (paper 8). */
  searchSeeds: number;
  /** Latent-search steps (paper 5). */
  searchSteps: number;
  /** Adam learning rate of z in the search (official 0.25). */
  zLr: number;
  /** Adam learning rate of the generator fine-tuning in the search (official 5e-5). */
  genLr: number;
  /** Adam betas of the search (official 0.5, 0.999). */
  searchBetas: [number, number];
  /**
   * Fine-tune a fresh copy of the generator per (image, seed) during the search, as the paper
   * and official code do (one image at a time: slow). False: search z only, batched.
   */
  finetune: boolean;
  /**
   * BatchNorm during the fine-tuning step: `batch` = batch statistics of the single image (the
   * official code's Keras learning phase 1), `moving` = the trained moving statistics.
   */
  finetuneBatchNorm: "batch" | "moving";
}

/** Deep SVDD (Ruff et al. 2018), one-class objective. */
export interface DeepSvddConfig extends ConvTrainingFields {
  /** Representation size (Ruff: 128 for CIFAR-10). */
  codeSize: number;
  /** Hidden activation (Ruff: leaky ReLU 0.1). */
  activation: HiddenActivation;
  /** Epoch (1-based) from which lr is multiplied by `lrDecay` (Ruff: after 150 of 250). */
  milestone?: number;
  lrDecay: number;
  /** L2 weight decay factor (Ruff: 1e-6). */
  weightDecay: number;
  /** Autoencoder pretraining epochs (Ruff: 250 + 100); 0 = none. */
  pretrainEpochs: number;
  /** Pretraining epoch from which lr is decayed. */
  pretrainMilestone?: number;
  /** Centre coordinates with |c_i| < eps are set to +-eps (Ruff: 0.1). */
  centerEps: number;
}

/** The configuration type of each method. */
export interface BaselineConfigs {
  "cae-ocsvm": CaeOcsvmConfig;
  dsebm: DsebmConfig;
  dagmm: DagmmConfig;
  adgan: AdganConfig;
  "deep-svdd": DeepSvddConfig;
}

const KERAS: Omit<ConvTrainingFields, "epochs" | "batchSize"> = {
  filters: [64, 128, 256],
  lr: 1e-3,
  betas: [0.9, 0.999],
  adamEpsilon: 1e-7,
  bnMomentum: 0.99,
  predictBatchSize: 256,
};

/** Smaller nets and data for `smoke` (seconds on the cpu backend). */
const SMOKE: Partial<ConvTrainingFields> = {
  filters: [4, 8, 16],
  epochs: 1,
  batchSize: 32,
  bnMomentum: 0.5,
  trainLimit: 64,
  testLimit: 100,
};

/**
 * `quick`: a seeded 1,000-image training subset, a 2,000-image stratified test subset, and
 * BatchNorm momentum 0.9 (with ~100 steps, 0.99 would leave the moving statistics near their
 * initial values).
 */
const QUICK: Partial<ConvTrainingFields> = { trainLimit: 1000, testLimit: 2000, bnMomentum: 0.9 };

const CAE: CaeOcsvmConfig = {
  ...KERAS,
  epochs: 200,
  batchSize: 128,
  codeSize: 256,
  selection: "paper",
  nu: 0.1,
  gamma: "scale",
};

const DSEBM: DsebmConfig = { ...KERAS, epochs: 200, batchSize: 128, codeSize: 256, noiseStd: 0.5 };

const DAGMM: DagmmConfig = {
  ...KERAS,
  epochs: 200,
  batchSize: 256,
  codeSize: 5,
  estimationHidden: [64, 10],
  dropout: 0.5,
  nComponents: 3,
  lambdaEnergy: 0.01,
  lambdaCov: 0.0005,
  covJitter: 1e-3,
  densityEps: 1e-7,
};

const ADGAN: AdganConfig = {
  ...KERAS,
  lr: 1e-4,
  betas: [0, 0.9],
  epochs: 100,
  batchSize: 128,
  stepsPerEpoch: 100,
  zDim: 256,
  criticSteps: 2,
  gpWeight: 20,
  searchSeeds: 8,
  searchSteps: 5,
  zLr: 0.25,
  genLr: 5e-5,
  searchBetas: [0.5, 0.999],
  finetune: true,
  finetuneBatchNorm: "batch",
  // The official code scores a random 5,000 of the 10,000 test images (runtime).
  testLimit: 5000,
};

const DEEP_SVDD: DeepSvddConfig = {
  ...KERAS,
  lr: 1e-4,
  epochs: 250,
  milestone: 151,
  lrDecay: 0.1,
  batchSize: 200,
  codeSize: 128,
  activation: "leaky-relu",
  weightDecay: 1e-6,
  pretrainEpochs: 350,
  pretrainMilestone: 251,
  centerEps: 0.1,
};

const PRESETS: { [M in BaselineMethod]: Record<BaselinePresetName, BaselineConfigs[M]> } = {
  "cae-ocsvm": {
    paper: CAE,
    quick: { ...CAE, ...QUICK, epochs: 4 },
    smoke: { ...CAE, ...SMOKE, codeSize: 16 },
  },
  dsebm: {
    paper: DSEBM,
    quick: { ...DSEBM, ...QUICK, epochs: 4 },
    smoke: { ...DSEBM, ...SMOKE, codeSize: 16 },
  },
  dagmm: {
    paper: DAGMM,
    quick: { ...DAGMM, ...QUICK, epochs: 6, batchSize: 128 },
    smoke: { ...DAGMM, ...SMOKE, estimationHidden: [16, 8] },
  },
  adgan: {
    paper: ADGAN,
    quick: {
      ...ADGAN,
      ...QUICK,
      testLimit: 1000,
      batchSize: 64,
      epochs: 1,
      stepsPerEpoch: 40,
      searchSeeds: 2,
      finetune: false,
    },
    smoke: {
      ...ADGAN,
      ...SMOKE,
      zDim: 16,
      stepsPerEpoch: 2,
      searchSeeds: 2,
      searchSteps: 2,
      finetune: false,
    },
  },
  "deep-svdd": {
    paper: DEEP_SVDD,
    quick: {
      ...DEEP_SVDD,
      ...QUICK,
      batchSize: 128,
      epochs: 3,
      milestone: undefined,
      pretrainEpochs: 3,
      pretrainMilestone: undefined,
    },
    smoke: {
      ...DEEP_SVDD,
      ...SMOKE,
      codeSize: 8,
      milestone: undefined,
      pretrainEpochs: 1,
      pretrainMilestone: undefined,
    },
  },
};

/**
 * A fresh copy of a method's preset configuration.
 * @throws {UsageError} for an unknown method or preset.
 */
export function baselinePreset<M extends BaselineMethod>(
  method: M,
  preset: string,
): BaselineConfigs[M] {
  if (!(BASELINE_METHODS as readonly string[]).includes(method)) {
    throw new UsageError(
      `unknown baseline '${method}' (choose from ${BASELINE_METHODS.join(", ")})`,
    );
  }
  if (!(BASELINE_PRESETS as readonly string[]).includes(preset)) {
    throw new UsageError(
      `unknown preset '${preset}' (choose from ${BASELINE_PRESETS.join(", ")})`,
    );
  }
  return structuredClone(PRESETS[method][preset as BaselinePresetName]);
}
