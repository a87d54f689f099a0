/**
 * Transform sets applied per batch on the fly: the paper's 72 geometric transformations and
 * its subsets, non-geometric sets (noise, blur, sharpening, gamma) and a rot4 x noise mix.
 *
 * ```ts
 * import * as tf from "@tensorflow/tfjs";
 * import { getTransformSet } from "geomad/transforms/mod.ts";
 *
 * const set = getTransformSet("geometric72", { height: 32, width: 32 });
 * const x = tf.randomUniform([4, 32, 32, 3], -1, 1) as tf.Tensor4D;
 * const y = set.apply(x, [0, 1, 36, 71]); // one transformation index per image
 * console.log(set.labels[71]); // "flip=1 tx=8 ty=8 rot=270"
 * ```
 * @module
 */
export * from "./types.ts";
export * from "./index_map.ts";
export * from "./remap.ts";
export * from "./geometric.ts";
export * from "./filters.ts";
export * from "./blur.ts";
export * from "./noise.ts";
export * from "./gamma.ts";
export * from "./mixed.ts";
export * from "./apply.ts";
export * from "./registry.ts";
