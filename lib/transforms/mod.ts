/**
 * Transform sets applied per batch on the fly: the paper's 72 geometric transformations and
 * its subsets, non-geometric sets (noise, blur, sharpening, gamma) and a rot4 x noise mix.
 * Index 0 is the identity in every set; each image of a batch gets its own index.
 *
 * | name | size | index | parameters |
 * | --- | --- | --- | --- |
 * | geometric72 | 72 | 36 flip + 12 txIdx + 4 tyIdx + k | tx, ty in (0, -s, +s), s = H/4; k quarter turns CCW |
 * | rot4 | 4 | k | rotation k * 90 degrees counter-clockwise |
 * | flip-rot8 | 8 | 4 flip + k | left-right flip, then rotation |
 * | translate9 | 9 | 3 txIdx + tyIdx | reflected translation (non-square images allowed) |
 * | noise | 6 | sigma index | Gaussian noise sigma 0, 0.05, 0.1, 0.2, 0.4, 0.8 (pixels in [-1, 1]), clipped; needs a seed |
 * | blur | 5 | sigma index | Gaussian blur sigma 0, 0.5, 1, 1.5, 2 px (radius ceil(3 sigma)), reflected borders |
 * | sharpen | 5 | amount index | unsharp mask x + a (x - blur_1(x)), a = 0, 0.5, 1, 2, 4, clipped |
 * | gamma | 5 | gamma index | 2 ((x+1)/2)^g - 1, g = 1, 0.5, 0.707, 1.414, 2 |
 * | rot4-noise | 16 | 4 noiseIdx + k | rot4, then noise sigma 0, 0.1, 0.2, 0.4; needs a seed |
 * | rot-trans36 | 36 | 9 k + 3 txIdx + tyIdx | reflected translation, then rotation (the multi-head detector's set) |
 *
 * Noise is drawn from `options.seed` for the whole batch in NHWC order: the same seed, batch
 * and indices give the same output. Pass a fresh seed per training batch and a fixed one per
 * scoring batch. `applyAll` returns every transformation of a batch in [t][image] order.
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
export * from "./rot_trans.ts";
export * from "./apply.ts";
export * from "./registry.ts";
export * from "./images.ts";
