/**
 * Datasets: readers (IDX, CIFAR binary, tar), the registry, source resolution and
 * downloads, the one-vs-rest protocol and preprocessing.
 *
 * ```ts
 * import { loadOneVsRest } from "geomad/data/mod.ts";
 * const d = await loadOneVsRest("fashion-mnist", 0, { testLimit: 2000, seed: 1 });
 * console.log(d.meta.source, d.train.n, d.test.n); // e.g. "system" 6000 2000
 * ```
 * @module
 */
export * from "./types.ts";
export * from "./registry.ts";
export * from "./idx.ts";
export * from "./cifar.ts";
export * from "./gzip.ts";
export * from "./tar.ts";
export * from "./checksum.ts";
export * from "./verify.ts";
export * from "./paths.ts";
export * from "./download.ts";
export * from "./fetch.ts";
export * from "./locate.ts";
export * from "./load.ts";
export * from "./split.ts";
export * from "./preprocess.ts";
export * from "./one_vs_rest.ts";
export * from "./bmp.ts";
export * from "./folder_scan.ts";
export * from "./folder_decode.ts";
export * from "./folder_cache.ts";
export * from "./folder.ts";
export * from "./dataset_classes.ts";
export * from "./provenance.ts";
export * from "./flags.ts";
