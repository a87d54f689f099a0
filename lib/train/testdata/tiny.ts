/**
 * Test fixtures: a 4-element flip transform set and a tiny seeded CNN (conv-BN-ReLU, L2).
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import type { Images } from "../../data/types.ts";
import { Rng } from "../../util/rng.ts";
import type { TransformApplier } from "../trainer.ts";

/** t = 0 identity, 1 left-right flip, 2 up-down flip, 3 both; records every seed it gets. */
export function flips4(): TransformApplier & { seeds: number[] } {
  const seeds: number[] = [];
  return {
    size: 4,
    seeds,
    apply(x: tf.Tensor4D, t: ArrayLike<number>, options?: { seed?: number }): tf.Tensor4D {
      seeds.push(options?.seed ?? -1);
      return tf.tidy(() => {
        const n = x.shape[0];
        const all = tf.concat([x, tf.reverse(x, 2), tf.reverse(x, 1), tf.reverse(x, [1, 2])]);
        const idx = Int32Array.from({ length: n }, (_, j) => t[j]! * n + j);
        return tf.gather(all, idx) as tf.Tensor4D;
      });
    },
  };
}

/** Seeded random images with a bright top-left corner (so flips are learnable). */
export function tinyImages(n: number, seed: number, size = 8, channels = 1): Images {
  const rng = new Rng(seed);
  const data = new Float32Array(n * size * size * channels);
  for (let i = 0; i < data.length; i++) data[i] = 0.3 * rng.normal();
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < channels; c++) data[(i * size * size) * channels + c] = 2;
  }
  return { data, n, height: size, width: size, channels };
}

/** A tiny seeded CNN with BN and L2, `classes` softmax outputs. */
export function tinyModel(seed: number, classes = 4, size = 8, channels = 1): tf.LayersModel {
  const input = tf.input({ shape: [size, size, channels] });
  let x = tf.layers.conv2d({
    filters: 4,
    kernelSize: 3,
    padding: "same",
    useBias: false,
    kernelInitializer: tf.initializers.randomNormal({ stddev: 0.5, seed }),
    kernelRegularizer: tf.regularizers.l2({ l2: 1e-2 }),
  }).apply(input) as tf.SymbolicTensor;
  x = tf.layers.batchNormalization({ momentum: 0.9, epsilon: 1e-5 }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.reLU().apply(x) as tf.SymbolicTensor;
  x = tf.layers.flatten().apply(x) as tf.SymbolicTensor;
  const out = tf.layers.dense({
    units: classes,
    activation: "softmax",
    kernelInitializer: tf.initializers.randomUniform({ minval: -0.1, maxval: 0.1, seed: seed + 1 }),
    kernelRegularizer: tf.regularizers.l2({ l2: 1e-2 }),
  }).apply(x) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: out });
}

/** flips4 that throws ("killed") on its `killAt`-th apply. */
export function killable(killAt: number) {
  const t = flips4();
  let calls = 0;
  return {
    size: t.size,
    apply: (x: tf.Tensor4D, idx: ArrayLike<number>, o?: { seed?: number }) => {
      if (++calls === killAt) throw new Error("killed");
      return t.apply(x, idx, o);
    },
  };
}
