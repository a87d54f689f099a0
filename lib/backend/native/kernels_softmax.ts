/**
 * Softmax over the last axis in one JavaScript pass per row, with the same arithmetic as the cpu
 * backend's kernel, which runs five kernels (max, a broadcast subtract, exp, sum, a broadcast
 * divide) through generic broadcasting loops: about 2-3 ms CPU for a scoring batch of 128 x 72
 * outputs. Each step rounds as those kernels round, so the bits are the same: the row's maximum
 * (NaN wins), x - max rounded to float32, Math.exp of that rounded to float32, their sum in double
 * precision rounded to float32, and each exponential divided by it rounded to float32.
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { f32, type KernelArgs, type NativeKernelFunc, output } from "./backend.ts";

/** Softmax of each row of `x` (rows of `c` values) into `out`, as tfjs's cpu kernel computes it. */
export function softmaxRows(x: Float32Array, c: number, out: Float32Array): void {
  const f = Math.fround;
  for (let o = 0; o < x.length; o += c) {
    let max = x[o]!;
    for (let j = 0; j < c; j++) {
      const v = x[o + j]!;
      if (Number.isNaN(v) || v > max) max = v;
    }
    let sum = 0;
    for (let j = 0; j < c; j++) {
      const e = f(Math.exp(f(x[o + j]! - max)));
      out[o + j] = e;
      sum += e;
    }
    const s = f(sum);
    for (let j = 0; j < c; j++) out[o + j] = f(out[o + j]! / s);
  }
}

const softmax: NativeKernelFunc = ({ inputs, backend, attrs }: KernelArgs) => {
  const x = f32(backend, inputs.logits);
  const shape = inputs.logits?.shape;
  const dim = (attrs as unknown as { dim: number }).dim;
  if (!x || !shape || shape.length === 0) return undefined;
  if (dim !== -1 && dim !== shape.length - 1) return undefined;
  const c = shape[shape.length - 1]!;
  if (c === 0) return undefined;
  const out = backend.alloc(x.length);
  softmaxRows(x, c, out);
  return output(backend, [...shape], out);
};

/** The native Softmax kernel (float32, last axis; others go to the cpu kernel). */
export const SOFTMAX_KERNELS: Record<string, NativeKernelFunc> = { [tf.Softmax]: softmax };
