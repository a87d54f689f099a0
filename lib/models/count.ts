/**
 * Model size and cost: trainable parameters and multiply-accumulates per image.
 * @module
 */
import * as tf from "@tensorflow/tfjs";

function prod(shape: readonly (number | null)[]): number {
  let p = 1;
  for (const d of shape) p *= d ?? 1;
  return p;
}

/** Number of trainable parameters (BN moving statistics excluded). */
export function countTrainableParams(model: tf.LayersModel): number {
  let total = 0;
  for (const w of model.trainableWeights) total += prod(w.shape);
  return total;
}

function outputShapeOf(layer: tf.layers.Layer): (number | null)[] {
  const s = layer.outputShape;
  if (Array.isArray(s[0])) {
    throw new RangeError(`Cannot count MACs: layer ${layer.name} has several outputs`);
  }
  return s as (number | null)[];
}

function inputShapeOf(layer: tf.layers.Layer): (number | null)[] {
  const s = layer.input;
  if (Array.isArray(s)) {
    throw new RangeError(`Cannot count MACs: layer ${layer.name} has several inputs`);
  }
  return s.shape;
}

function layerMacs(layer: tf.layers.Layer): number {
  if (layer instanceof tf.LayersModel) return countMacs(layer);
  const kernel = layer.weights.find((w) => /kernel/.test(w.originalName ?? w.name));
  if (!kernel) return 0; // BN, pooling, activations, add, flatten: no multiply-accumulates counted
  const k = kernel.shape;
  const out = outputShapeOf(layer);
  switch (layer.getClassName()) {
    case "Conv2D": // kernel [kh, kw, cin, cout]; one kh*kw*cin dot product per output value
      return prod(out.slice(1)) * k[0]! * k[1]! * k[2]!;
    case "Conv2DTranspose": { // kernel [kh, kw, cout, cin]; every input value scatters kh*kw*cout
      const inp = inputShapeOf(layer);
      return prod(inp.slice(1)) * k[0]! * k[1]! * k[2]!; // in spatial * cin * kh * kw * cout
    }
    case "DepthwiseConv2D": // kernel [kh, kw, cin, mult]; kh*kw per output value
      return prod(out.slice(1)) * k[0]! * k[1]!;
    case "Dense": // kernel [in, out]; applied at every position of the leading dims
      return prod(out.slice(1)) * k[0]!;
    default:
      throw new RangeError(
        `Cannot count MACs: layer ${layer.name} of type ${layer.getClassName()} is not supported`,
      );
  }
}

/**
 * Multiply-accumulates per image of a forward pass: convolutions (incl. transposed and
 * depthwise) and dense layers. Batch norm, activations, pooling and additions are not counted.
 * Nested models are counted through.
 */
export function countMacs(model: tf.LayersModel): number {
  let total = 0;
  for (const layer of model.layers) total += layerMacs(layer);
  return total;
}
