/**
 * Hyperparameter and input checks shared by the deep baselines. Bad hyperparameters are
 * UsageErrors (they come from presets or CLI flags); images of the wrong shape are RangeErrors.
 * @module
 */
import type { Images } from "../data/types.ts";
import { checkImages } from "../train/check.ts";
import { UsageError } from "../util/errors.ts";
import { checkConvShape } from "../models/baselines/conv_nets.ts";

/** Checks hyperparameters of one method, naming it in every message. */
export class ConfigCheck {
  readonly action: string;

  /** `method` as it should read in messages, e.g. `DSEBM`. */
  constructor(method: string) {
    this.action = `Cannot create ${method}`;
  }

  #fail(name: string, v: unknown, want: string): never {
    throw new UsageError(`${this.action}: ${name} ${JSON.stringify(v)} ${want}`);
  }

  /** An integer >= `min` (default 1). */
  int(name: string, v: number, min = 1): this {
    if (!Number.isInteger(v) || v < min) this.#fail(name, v, `is not an integer >= ${min}`);
    return this;
  }

  /** A finite number > 0. */
  positive(name: string, v: number): this {
    if (!(Number.isFinite(v) && v > 0)) this.#fail(name, v, "is not a finite number > 0");
    return this;
  }

  /** A finite number >= 0. */
  nonNegative(name: string, v: number): this {
    if (!(Number.isFinite(v) && v >= 0)) this.#fail(name, v, "is not a finite number >= 0");
    return this;
  }

  /** A number in [0, 1). */
  unit(name: string, v: number): this {
    if (!(v >= 0 && v < 1)) this.#fail(name, v, "is not in [0, 1)");
    return this;
  }

  /** A non-empty list of positive integers. */
  ints(name: string, v: readonly number[]): this {
    if (!Array.isArray(v) || v.length === 0 || !v.every((x) => Number.isInteger(x) && x >= 1)) {
      this.#fail(name, v, "is not a non-empty list of positive integers");
    }
    return this;
  }

  /** A value that passes `ok`; `want` says what it should be. */
  that(name: string, v: unknown, ok: boolean, want: string): this {
    if (!ok) this.#fail(name, v, want);
    return this;
  }

  /** One of `choices`. */
  oneOf(name: string, v: string, choices: readonly string[]): this {
    if (!choices.includes(v)) this.#fail(name, v, `is not one of ${choices.join(", ")}`);
    return this;
  }

  /** The Adam/training fields every deep detector has (and conv `filters`, when it has them). */
  training(c: TrainingFields & { filters?: readonly number[] }): this {
    if (c.filters !== undefined) this.ints("filters", c.filters);
    this.int("epochs", c.epochs).int("batchSize", c.batchSize)
      .positive("lr", c.lr).positive("adamEpsilon", c.adamEpsilon)
      .int("predictBatchSize", c.predictBatchSize);
    this.unit("betas[0]", c.betas[0]).unit("betas[1]", c.betas[1]).unit("bnMomentum", c.bnMomentum);
    if (c.trainLimit !== undefined) this.int("trainLimit", c.trainLimit);
    if (c.testLimit !== undefined) this.int("testLimit", c.testLimit);
    return this;
  }
}

/** Training fields every deep detector's configuration has (any network). */
export interface TrainingFields {
  epochs: number;
  batchSize: number;
  lr: number;
  betas: [number, number];
  adamEpsilon: number;
  /**
   * BatchNorm moving-average momentum (Keras default 0.99). Short runs need less: the moving
   * statistics used at test time lag the batch statistics by about 1 / (1 - momentum) steps.
   */
  bnMomentum: number;
  /** Images per forward pass when scoring. */
  predictBatchSize: number;
  /** Normal training images used (undefined = all, as the paper). For the runner. */
  trainLimit?: number;
  /** Test images used (undefined = all). For the runner. */
  testLimit?: number;
}

/** The training fields of a detector built on the conv encoder/decoder (the baselines). */
export interface ConvTrainingFields extends TrainingFields {
  /** Encoder filters per stride-2 stage (decoder: reversed). Paper: 64, 128, 256. */
  filters: number[];
}

/** The shape of one image. */
export type ImageShape = [number, number, number];

/**
 * Checks training images and returns their shape; with `filters` (a conv encoder), also that
 * the sides are divisible by 2^stages.
 * @throws {RangeError} for an inconsistent record or sides the conv net cannot take.
 */
export function checkTrainImages(
  images: Images,
  options: { method: string; filters?: readonly number[] },
): ImageShape {
  const action = `fit ${options.method}`;
  checkImages(images, action);
  const shape: ImageShape = [images.height, images.width, images.channels];
  if (options.filters) checkConvShape(shape, { filters: options.filters, codeSize: 1, action });
  return shape;
}

/**
 * Checks that `images` match the fitted shape.
 * @throws {Error} before fit; {RangeError} for another shape.
 */
export function checkScoreImages(
  images: Images,
  options: { method: string; shape: ImageShape | undefined },
): void {
  const action = `score with ${options.method}`;
  if (!options.shape) throw new Error(`Cannot ${action}: detector is not fitted`);
  checkImages(images, action);
  const [h, w, c] = options.shape;
  if (images.height !== h || images.width !== w || images.channels !== c) {
    throw new RangeError(
      `Cannot ${action}: images are ${images.height}x${images.width}x${images.channels}, ` +
        `the detector was fitted on ${h}x${w}x${c}`,
    );
  }
}

/** True when every image equals the first (degenerate training data). */
export function allImagesEqual(images: Images): boolean {
  const size = images.height * images.width * images.channels;
  const d = images.data;
  for (let i = size; i < images.n * size; i++) if (d[i] !== d[i % size]) return false;
  return true;
}
