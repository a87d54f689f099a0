/**
 * The whole state of a training run, for checkpoints: the model's weights (trainable and not:
 * batch-norm moving statistics are weights too), Adam's moments, iteration count and bias
 * correction powers, and where the run stands (epoch, step, data-order RNG, running loss).
 * Restoring it into a fresh model and optimiser continues the run bit for bit.
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { type Bundle, decodeBundle, encodeBundle, type NamedArray } from "./bundle.ts";

/** Where a training run stands, between two optimiser steps. */
export interface TrainPosition {
  /** Epochs finished (their losses are in `lossHistory`). */
  epochsDone: number;
  /** Steps done in the epoch in progress (epoch `epochsDone + 1`); 0 at an epoch boundary. */
  step: number;
  /** Optimiser steps in total. */
  steps: number;
  /** Data-order RNG state before the epoch in progress drew its permutation. */
  rngEpoch: number;
  /** Data-order RNG state now (the permutation and `step` batch seeds drawn). */
  rng: number;
  /** Sum of loss x batch size over the steps done in the epoch in progress. */
  lossSum: number;
  /** Mean loss of each finished epoch. */
  lossHistory: number[];
  /** Training wall seconds so far, over every session. */
  seconds: number;
}

/** A training checkpoint: position, model weights and optimiser state. */
export interface TrainSnapshot extends TrainPosition {
  /** When it was saved (ms since the epoch). */
  savedAt: number;
  /** What the run is (data, transformations, schedule); a resume checks it matches. */
  run: Record<string, unknown>;
  /** `model.weights` values, in order. */
  weights: NamedArray[];
  optimizer: {
    iterations: number;
    /** beta1^(iterations+1) and beta2^(iterations+1) as Adam accumulated them in float32. */
    accBeta1: number;
    accBeta2: number;
    /** First moments then second moments, one per trainable weight (none before a step). */
    moments: NamedArray[];
  };
}

/** Adam's private bias-correction variables (tfjs-core 4.x AdamOptimizer). */
interface AdamInternals {
  accBeta1: tf.Variable;
  accBeta2: tf.Variable;
}

function adamInternals(optimizer: tf.AdamOptimizer): AdamInternals {
  const o = optimizer as unknown as Partial<AdamInternals>;
  if (!(o.accBeta1 instanceof tf.Variable) || !(o.accBeta2 instanceof tf.Variable)) {
    throw new Error("this tfjs version's Adam optimiser has no accBeta1/accBeta2 to save");
  }
  return o as AdamInternals;
}

async function valueOf(name: string, t: tf.Tensor): Promise<NamedArray> {
  return { name, shape: [...t.shape], data: (await t.data()).slice() as Float32Array };
}

/** Reads the model's and optimiser's state (copies; creates no lasting tensors). */
export async function captureTrainState(
  model: tf.LayersModel,
  optimizer: tf.AdamOptimizer,
  position: TrainPosition,
  run: Record<string, unknown>,
): Promise<TrainSnapshot> {
  const weights = await Promise.all(model.weights.map((w) => valueOf(w.name, w.read())));
  const named = await optimizer.getWeights();
  const [iter, ...moments] = named;
  let iterations: number;
  try {
    iterations = (await iter!.tensor.data())[0]!;
  } finally {
    iter!.tensor.dispose(); // a fresh scalar; the moments are the optimiser's own variables
  }
  const { accBeta1, accBeta2 } = adamInternals(optimizer);
  return {
    ...structuredClone(position),
    savedAt: Date.now(),
    run,
    weights,
    optimizer: {
      iterations,
      accBeta1: (await accBeta1.data())[0]!,
      accBeta2: (await accBeta2.data())[0]!,
      moments: await Promise.all(moments.map((m) => valueOf(m.name, m.tensor))),
    },
  };
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/**
 * Why `snapshot` cannot be restored into `model` (weight count or shapes differ, moments do
 * not match the trainable weights), or undefined when it can.
 */
export function restoreMismatch(
  model: tf.LayersModel,
  snapshot: TrainSnapshot,
): string | undefined {
  const ws = model.weights;
  if (snapshot.weights.length !== ws.length) {
    return `${snapshot.weights.length} weights saved, the model has ${ws.length}`;
  }
  for (const [i, w] of ws.entries()) {
    if (!sameShape(snapshot.weights[i]!.shape, w.shape as number[])) {
      return `weight ${i} has shape [${snapshot.weights[i]!.shape}], the model's [${w.shape}]`;
    }
  }
  const tw = model.trainableWeights, m = snapshot.optimizer.moments;
  if (m.length !== 0 && m.length !== 2 * tw.length) {
    return `${m.length} optimiser moments saved for ${tw.length} trainable weights`;
  }
  for (const [i, a] of m.entries()) {
    const want = tw[i % tw.length]!.shape as number[];
    if (!sameShape(a.shape, want)) return `optimiser moment ${i} has shape [${a.shape}]`;
  }
  return undefined;
}

/**
 * Sets the model's weights and a FRESH optimiser's state (created with the same
 * hyperparameters, no step taken yet) from `snapshot`. Throws when they do not match
 * ({@linkcode restoreMismatch}). Leaves no tensors behind besides the optimiser's variables.
 */
export async function restoreTrainState(
  model: tf.LayersModel,
  optimizer: tf.AdamOptimizer,
  snapshot: TrainSnapshot,
): Promise<void> {
  const why = restoreMismatch(model, snapshot);
  if (why) throw new Error(`Cannot restore the training state: ${why}`);
  const weights = snapshot.weights.map((w) => tf.tensor(w.data, w.shape, "float32"));
  try {
    model.setWeights(weights);
  } finally {
    tf.dispose(weights);
  }
  const o = snapshot.optimizer;
  const iter = tf.scalar(o.iterations, "int32");
  const moments = o.moments.map((m) => tf.tensor(m.data, m.shape, "float32"));
  try {
    // setWeights makes variables of these (sharing data) and recomputes accBeta with pow(),
    // which can differ from the float32 products of an uninterrupted run: set those after.
    await optimizer.setWeights([
      { name: "iter", tensor: iter },
      ...moments.map((tensor, i) => ({ name: o.moments[i]!.name, tensor })),
    ]);
  } finally {
    tf.dispose([iter, ...moments]);
  }
  const { accBeta1, accBeta2 } = adamInternals(optimizer);
  tf.tidy(() => {
    accBeta1.assign(tf.scalar(o.accBeta1));
    accBeta2.assign(tf.scalar(o.accBeta2));
  });
}

/** A snapshot as one checkpoint file ({@linkcode encodeBundle}). */
export function encodeTrainSnapshot(snapshot: TrainSnapshot): Promise<Uint8Array> {
  const { weights, optimizer, ...position } = snapshot;
  const { moments, ...adam } = optimizer;
  return encodeBundle(
    { kind: "train", ...position, optimizer: adam, nWeights: weights.length },
    [...weights, ...moments],
  );
}

/** Reads a snapshot back; throws an Error saying what is wrong with a damaged file. */
export async function decodeTrainSnapshot(bytes: Uint8Array): Promise<TrainSnapshot> {
  const { meta, arrays }: Bundle = await decodeBundle(bytes);
  const m = meta as Record<string, unknown> & { optimizer?: Record<string, unknown> };
  const num = (k: string, v: unknown) => {
    if (typeof v !== "number" || !Number.isFinite(v)) throw new Error(`bad ${k} ${v}`);
    return v;
  };
  if (m?.kind !== "train") throw new Error("not a training checkpoint");
  const nWeights = num("nWeights", m.nWeights);
  const o = m.optimizer ?? {};
  if (!Array.isArray(m.lossHistory) || typeof m.run !== "object" || m.run === null) {
    throw new Error("damaged training checkpoint header");
  }
  return {
    epochsDone: num("epochsDone", m.epochsDone),
    step: num("step", m.step),
    steps: num("steps", m.steps),
    rngEpoch: num("rngEpoch", m.rngEpoch),
    rng: num("rng", m.rng),
    lossSum: num("lossSum", m.lossSum),
    lossHistory: m.lossHistory.map((x, i) => num(`lossHistory[${i}]`, x)),
    seconds: num("seconds", m.seconds),
    savedAt: num("savedAt", m.savedAt),
    run: m.run as Record<string, unknown>,
    weights: arrays.slice(0, nWeights),
    optimizer: {
      iterations: num("iterations", o.iterations),
      accBeta1: num("accBeta1", o.accBeta1),
      accBeta2: num("accBeta2", o.accBeta2),
      moments: arrays.slice(nWeights),
    },
  };
}
