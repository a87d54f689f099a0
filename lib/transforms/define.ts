/**
 * Builds a {@linkcode TransformSet} from a batch function, adding the shared argument checks
 * and a `tf.tidy` so no intermediate tensor leaks.
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import type { ApplyOptions, ImageShape, TransformKind, TransformSet } from "./types.ts";
import { checkBatch, checkShape } from "./validate.ts";

/** What {@linkcode defineSet} needs. */
export interface SetSpec extends ImageShape {
  name: string;
  kind: TransformKind;
  stochastic: boolean;
  labels: readonly string[];
  /** The batch function; runs inside `tf.tidy` after the arguments were checked. */
  run(x: tf.Tensor4D, t: ArrayLike<number>, options: ApplyOptions): tf.Tensor4D;
}

/** A transform set from a spec (size = number of labels). */
export function defineSet(spec: SetSpec): TransformSet {
  checkShape(spec.name, spec);
  const set: TransformSet = {
    name: spec.name,
    size: spec.labels.length,
    labels: [...spec.labels],
    kind: spec.kind,
    stochastic: spec.stochastic,
    height: spec.height,
    width: spec.width,
    apply(x, t, options = {}) {
      checkBatch(set, x, t, options);
      return tf.tidy(() => spec.run(x, t, options));
    },
  };
  return set;
}

/** A [n, 1, 1, 1] float32 tensor holding `values[t[i]]` for image i. */
export function perImage(values: readonly number[], t: ArrayLike<number>): tf.Tensor4D {
  const v = new Float32Array(t.length);
  for (let i = 0; i < t.length; i++) v[i] = values[t[i]!]!;
  return tf.tensor4d(v, [t.length, 1, 1, 1]);
}

/** Formats a parameter for a label: at most 3 decimals, no trailing zeros. */
export function fmtParam(v: number): string {
  return String(Math.round(v * 1000) / 1000);
}
