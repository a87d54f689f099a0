/**
 * Networks for GEOM: the paper's Wide ResNet (WRN-10-4 for 32x32, WRN-16-8 for 64x64) and a
 * small CNN for quick runs, with seeded initialisers and size/cost counters.
 *
 * ```ts ignore
 * import { buildWrn, countMacs, countTrainableParams } from "geomad/models/mod.ts";
 * const model = buildWrn({ depth: 10, widen: 4, inputShape: [32, 32, 3], nClasses: 72, seed: 1 });
 * console.log(countTrainableParams(model), countMacs(model)); // 1214744 166135808
 * ```
 * @module
 */
export * from "./wrn.ts";
export * from "./small_cnn.ts";
export * from "./count.ts";
export { SeedStream, WEIGHT_DECAY } from "./init.ts";
export * from "./build.ts";
export * from "./multi_head.ts";
