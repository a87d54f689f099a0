/**
 * Networks for GEOM's family beyond the one softmax head, built from the same backbones
 * (`buildModel`: WRN-d-k, small CNN, tiny CNN):
 *
 * - {@linkcode withFeatures}: a classifier that also outputs its penultimate feature (the input
 *   of its final dense layer; for WRN-10-4 the 256-d pooled feature) - GOAD's network.
 * - {@linkcode buildMultiHead}: one backbone, several softmax heads on that feature,
 *   concatenated into one output - the rotation + translation detector's network.
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { buildModel, type BuildModelOptions } from "./build.ts";
import { denseUniform, l2, SeedStream } from "./init.ts";

/** The penultimate feature of a classifier built by `buildModel` (input of its last layer). */
export function penultimate(model: tf.LayersModel): tf.SymbolicTensor {
  const last = model.layers[model.layers.length - 1];
  const input = last?.input;
  if (!last || last.getClassName() !== "Dense" || Array.isArray(input) || !input) {
    throw new RangeError(`Cannot find the feature of ${model.name}: its last layer is not dense`);
  }
  return input;
}

/**
 * The same network (shared weights) with two outputs: [feature, softmax]. Its feature size is
 * `featureSize(model)`.
 */
export function withFeatures(model: tf.LayersModel): tf.LayersModel {
  if (model.outputs.length !== 1) {
    throw new RangeError(`Cannot add a feature output to ${model.name}: it has several outputs`);
  }
  return tf.model({
    inputs: model.inputs,
    outputs: [penultimate(model), model.outputs[0]!],
    name: `${model.name}-features`,
  });
}

/** Size of a model's first output per example (e.g. 256 for WRN-10-4's feature). */
export function outputWidth(model: tf.LayersModel, output = 0): number {
  const shape = model.outputs[output]?.shape;
  if (!shape || shape.length !== 2 || typeof shape[1] !== "number") {
    throw new RangeError(`Cannot read the width of output ${output} of ${model.name}`);
  }
  return shape[1];
}

/** Options for {@linkcode buildMultiHead}. */
export interface BuildMultiHeadOptions extends Omit<BuildModelOptions, "nClasses"> {
  /** Classes of every head, in output order (each at least 2). */
  heads: readonly number[];
}

/**
 * Backbone `name` (as `buildModel` spells it) with one dense softmax head per entry of
 * `options.heads` on its penultimate feature, concatenated into one [batch, sum(heads)] output.
 * Heads are initialised like the backbone's classifier (uniform +-1/sqrt(fan-in), zero bias,
 * L2), from their own seed stream derived from `seed`.
 */
export function buildMultiHead(name: string, options: BuildMultiHeadOptions): tf.LayersModel {
  const { heads, inputShape } = options;
  if (heads.length < 1 || !heads.every((h) => Number.isInteger(h) && h >= 2)) {
    throw new RangeError(`Cannot build heads [${heads.join(", ")}]: each needs >= 2 classes`);
  }
  const seed = options.seed ?? 0;
  const total = heads.reduce((a, b) => a + b, 0);
  const backbone = buildModel(name, { inputShape, nClasses: total, seed });
  const feature = penultimate(backbone);
  const fanIn = feature.shape[1] as number;
  const seeds = new SeedStream(seed + 0x9e37);
  const outs = heads.map((units) =>
    tf.layers.dense({
      units,
      activation: "softmax",
      kernelInitializer: denseUniform(fanIn, seeds),
      biasInitializer: "zeros",
      kernelRegularizer: l2(),
      biasRegularizer: l2(),
    }).apply(feature) as tf.SymbolicTensor
  );
  const output = outs.length === 1
    ? outs[0]!
    : tf.layers.concatenate({ axis: -1 }).apply(outs) as tf.SymbolicTensor;
  const model = tf.model({
    inputs: backbone.inputs,
    outputs: output,
    name: `${backbone.name}-heads`,
  });
  // The backbone's own classifier is not part of the new model: free its weights.
  backbone.layers[backbone.layers.length - 1]!.dispose();
  return model;
}
