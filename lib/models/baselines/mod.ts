/**
 * The networks of the paper's deep baselines (CAE-OC-SVM, DSEBM, DAGMM, ADGAN, Deep SVDD), and
 * only networks: the conv encoder/decoder, a BatchNorm that stays fast under second-order
 * gradients and the Gaussian-mixture energy. Their training (autoencoder, batch loop, Adam,
 * ADGAN's latent search) is in lib/train/; the detectors and their common base class in
 * lib/detectors/.
 *
 * ```ts ignore
 * import { buildConvDecoder, buildConvEncoder } from "geomad/models/baselines/mod.ts";
 * import { trainAutoencoder } from "geomad/train/mod.ts";
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
export * from "./gmm.ts";
