/**
 * The loss of a network with several softmax heads concatenated into one output (the rotation
 * + translation detector): the sum over heads of each head's categorical cross-entropy against
 * its label of the pair's transformation.
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { categoricalCrossEntropy } from "./loss.ts";
import type { TrainLoss } from "./trainer.ts";

/** Options for {@linkcode multiHeadLoss}. */
export interface MultiHeadLossOptions {
  /** Classes of every head, in output order. */
  heads: readonly number[];
  /** Number of transformations T. */
  nTransforms: number;
  /** Head labels of transformation t (one per head, each in [0, heads[h])). */
  labels(t: number): readonly number[];
}

/** The head labels of every transformation, [T, heads] row-major (checked). */
export function headLabelTable(options: MultiHeadLossOptions): Int32Array {
  const { heads, nTransforms: T } = options;
  const table = new Int32Array(T * heads.length);
  for (let t = 0; t < T; t++) {
    const l = options.labels(t);
    if (l.length !== heads.length) {
      throw new RangeError(
        `Cannot label transformation ${t}: ${l.length} labels, ${heads.length} heads`,
      );
    }
    l.forEach((v, h) => {
      if (!Number.isInteger(v) || v < 0 || v >= heads[h]!) {
        throw new RangeError(`Cannot label transformation ${t}: head ${h} label ${v} out of range`);
      }
      table[t * heads.length + h] = v;
    });
  }
  return table;
}

/** Sum over heads of cross-entropy, for a model whose one output is the heads concatenated. */
export function multiHeadLoss(options: MultiHeadLossOptions): TrainLoss {
  const { heads } = options;
  const table = headLabelTable(options);
  const H = heads.length;
  const width = heads.reduce((a, b) => a + b, 0);
  return (outputs, labels) => {
    const out = outputs[0]!;
    if (outputs.length !== 1 || out.rank !== 2 || out.shape[1] !== width) {
      throw new RangeError(
        `Cannot compute the multi-head loss: the model must output [batch, ${width}]`,
      );
    }
    const rows = tf.gather(tf.tensor2d(table, [options.nTransforms, H], "int32"), labels);
    const terms: tf.Scalar[] = [];
    let offset = 0;
    for (let h = 0; h < H; h++) {
      const y = tf.oneHot(
        tf.reshape(tf.slice(rows, [0, h], [-1, 1]), [-1]) as tf.Tensor1D,
        heads[h]!,
      );
      const probs = tf.slice(out, [0, offset], [-1, heads[h]!]);
      terms.push(categoricalCrossEntropy(y, probs));
      offset += heads[h]!;
    }
    return (terms.length === 1 ? terms[0]! : tf.addN(terms)) as tf.Scalar;
  };
}
