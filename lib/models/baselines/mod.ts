/**
 * Building blocks of the paper's deep baselines (CAE-OC-SVM, DSEBM, DAGMM, ADGAN, Deep SVDD;
 * the detectors themselves live in lib/detectors/): the conv encoder/decoder, a BatchNorm that
 * stays fast under second-order gradients, the shared training loop, the Gaussian-mixture
 * energy, ADGAN's latent search and the detectors' common base class.
 *
 * ```ts ignore
 * import { buildConvDecoder, buildConvEncoder, trainAutoencoder } from "geomad/models/baselines/mod.ts";
 * const enc = buildConvEncoder({ inputShape: [32, 32, 1], codeSize: 256, seed: 1 });
 * const dec = buildConvDecoder({ outputShape: [32, 32, 1], codeSize: 256, seed: 2 });
 * const record = await trainAutoencoder(enc, dec, images, {
 *   method: "CAE", epochs: 5, batchSize: 128, lr: 1e-3, betas: [0.9, 0.999], adamEpsilon: 1e-7, seed: 1,
 * });
 * ```
 * @module
 */
export * from "./conv_nets.ts";
export * from "./batch_norm.ts";
export * from "./loop.ts";
export * from "./optim.ts";
export * from "./autoencoder.ts";
export * from "./gmm.ts";
export * from "./latent_search.ts";
export * from "./validate.ts";
export * from "./deep_detector.ts";
