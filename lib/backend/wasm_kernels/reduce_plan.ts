/**
 * Shared planning for the Sum and Mean replacements: a reduction over a contiguous block of
 * axes that is not innermost (e.g. axes [0, 1, 2] of NHWC, BatchNorm's moments and its
 * gradient; or [1, 2], global average pooling) is an average pooling of the input viewed as
 * [outer, reduced, 1, inner] with a [reduced, 1] window: XNNPACK's pooling does it in one
 * pass, where the stock wasm kernels first transpose the whole tensor.
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { HeapScope, reshaped, sizeOf } from "./heap.ts";

/** A reduction seen as [outer, reduced, inner]. */
export interface ReducePlan {
  outer: number;
  reduced: number;
  inner: number;
  /** Output shape (reduced axes removed, or kept as 1 with keepDims). */
  outShape: number[];
}

/**
 * Plans a reduction of `shape` over `axis`, or returns undefined when the stock kernel is as
 * good (innermost or trivial reductions) or the axes are not one contiguous block.
 */
export function planReduce(
  shape: readonly number[],
  attrs: { axis: number | number[]; keepDims: boolean },
): ReducePlan | undefined {
  const { axis, keepDims } = attrs;
  const axes = tf.util.parseAxisParam(axis, shape as number[]);
  const reduce = new Set(axes);
  const outShape: number[] = [];
  shape.forEach((d, i) => {
    if (!reduce.has(i)) outShape.push(d);
    else if (keepDims) outShape.push(1);
  });
  // Classify each non-unit dim as reduced (R) or kept (K); reductions over unit dims are free.
  const kinds: Array<["R" | "K", number]> = [];
  shape.forEach((d, i) => {
    if (d !== 1) kinds.push([reduce.has(i) ? "R" : "K", d]);
  });
  const first = kinds.findIndex(([k]) => k === "R");
  if (first < 0) return undefined;
  let last = first;
  while (last + 1 < kinds.length && kinds[last + 1]![0] === "R") last++;
  if (kinds.slice(last + 1).some(([k]) => k === "R")) return undefined;
  const prod = (list: Array<["R" | "K", number]>) => list.reduce((p, [, d]) => p * d, 1);
  const plan = {
    outer: prod(kinds.slice(0, first)),
    reduced: prod(kinds.slice(first, last + 1)),
    inner: prod(kinds.slice(last + 1)),
    outShape,
  };
  if (plan.inner === 1 || plan.reduced === 1) return undefined;
  return plan;
}

/** Mean over the planned block, via the stock AvgPool kernel; shape `plan.outShape`. */
export function poolMean(scope: HeapScope, x: tf.TensorInfo, plan: ReducePlan): tf.TensorInfo {
  if (sizeOf(x.shape) !== plan.outer * plan.reduced * plan.inner) {
    throw new RangeError(`Cannot reduce tensor of shape [${x.shape}]: plan does not match`);
  }
  const pooled = scope.run("AvgPool", {
    x: reshaped(x, [plan.outer, plan.reduced, 1, plan.inner]),
  }, { filterSize: [plan.reduced, 1], strides: [1, 1], pad: "valid" });
  return reshaped(pooled, plan.outShape);
}
