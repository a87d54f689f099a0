/**
 * The paper's one-vs-rest protocol (docs/protocol.md): train on the training images of the normal
 * class, test on the full test split labelled normal (1) vs anomalous (0), pixels in [-1, 1],
 * 28x28 images zero-padded to 32x32 before scaling.
 * @module
 */
import { Rng } from "../util/rng.ts";
import { type DataMeta, loadDataset, type LoadedDataset, type LoadOptions } from "./load.ts";
import { checkClassIndex, type DatasetSpec, getDatasetSpec } from "./registry.ts";
import { datasetClasses } from "./dataset_classes.ts";
import { isFolderDataset } from "./folder_scan.ts";
import { toImages } from "./preprocess.ts";
import { indicesByClass, seededSubset, stratifiedSubset } from "./split.ts";
import type { Images } from "./types.ts";

/** Options for {@linkcode oneVsRest}. */
export interface OneVsRestOptions {
  /** Use at most this many training images of the normal class (seeded subset). */
  trainLimit?: number;
  /** Use a seeded subset of this many test images, stratified by class. */
  testLimit?: number;
  /** Seed for the subsets (default 0). */
  seed?: number;
  /** Pad 28x28 images to 32x32 as the paper does (default true). */
  pad?: boolean;
}

/** Options for {@linkcode loadOneVsRest}: where to load from plus the protocol options. */
export type LoadOneVsRestOptions = LoadOptions & OneVsRestOptions;

/** The data of one one-vs-rest experiment. */
export interface OneVsRestData {
  /** Training images of the normal class, in [-1, 1]. */
  train: Images;
  /** Test images (all classes), in [-1, 1]. */
  test: Images;
  /** 1 = normal (the normal class), 0 = anomalous, per test image. */
  testLabels: Uint8Array;
  /** The class of each test image (CIFAR-100: the superclass). */
  testClasses: Uint8Array;
  /** Index of each test image in the official test split. */
  testIndices: Int32Array;
  classNames: readonly string[];
  normalClass: number;
  meta: OneVsRestMeta;
}

/** Provenance of one one-vs-rest split, for results records. */
export interface OneVsRestMeta extends DataMeta {
  normalClass: number;
  normalClassName: string;
  seed: number;
  trainLimit: number | null;
  testLimit: number | null;
  /** Images used: train (normal class) and test. */
  used: { train: number; test: number };
  preprocessing: string;
}

/** The network input size for a dataset: 28x28 images are padded to 32x32. */
export function paddedSize(spec: Pick<DatasetSpec, "height" | "width">): number | undefined {
  return spec.height === 28 && spec.width === 28 ? 32 : undefined;
}

/**
 * Builds the one-vs-rest split for `normalClass` from a loaded dataset (load once, then call
 * this per class).
 * @throws {UsageError} when the class is out of range.
 */
export function oneVsRest(
  data: LoadedDataset,
  normalClass: number,
  options: OneVsRestOptions = {},
): OneVsRestData {
  const spec = data.spec;
  checkClassIndex(spec, normalClass);
  const k = spec.classNames.length;
  const seed = options.seed ?? 0;
  const seeds = new Rng(seed);
  const trainSeed = seeds.seed(), testSeed = seeds.seed();
  const normalIdx = indicesByClass(data.train.labels, k)[normalClass]!;
  const trainIdx = options.trainLimit !== undefined
    ? seededSubset(normalIdx, options.trainLimit, trainSeed)
    : Int32Array.from(normalIdx);
  const testIdx = options.testLimit !== undefined
    ? stratifiedSubset(data.test.labels, k, options.testLimit, testSeed)
    : Int32Array.from({ length: data.test.n }, (_, i) => i);
  const padTo = options.pad === false ? undefined : paddedSize(spec);
  const testClasses = new Uint8Array(testIdx.length);
  const testLabels = new Uint8Array(testIdx.length);
  for (let i = 0; i < testIdx.length; i++) {
    testClasses[i] = data.test.labels[testIdx[i]!]!;
    testLabels[i] = testClasses[i] === normalClass ? 1 : 0;
  }
  const pre = "2*(x/255)-1" + (padTo ? `; zero-padded to ${padTo}x${padTo} before scaling` : "");
  return {
    train: toImages(data.train, trainIdx, { padTo }),
    test: toImages(data.test, testIdx, { padTo }),
    testLabels,
    testClasses,
    testIndices: testIdx,
    classNames: spec.classNames,
    normalClass,
    meta: {
      ...data.meta,
      normalClass,
      normalClassName: spec.classNames[normalClass]!,
      seed,
      trainLimit: options.trainLimit ?? null,
      testLimit: options.testLimit ?? null,
      used: { train: trainIdx.length, test: testIdx.length },
      preprocessing: pre,
    },
  };
}

/**
 * Loads `dataset` and returns the one-vs-rest split for `normalClass`.
 * @throws {UsageError} for an unknown dataset or a class out of range (checked before loading).
 * @throws {DataError} when the data cannot be found or read.
 */
export async function loadOneVsRest(
  dataset: string | DatasetSpec,
  normalClass: number,
  options: LoadOneVsRestOptions = {},
): Promise<OneVsRestData> {
  if (typeof dataset === "string" && isFolderDataset(dataset)) {
    checkClassIndex(datasetClasses(dataset, options), normalClass); // before decoding
    return oneVsRest(await loadDataset(dataset, options), normalClass, options);
  }
  const spec = typeof dataset === "string" ? getDatasetSpec(dataset) : dataset;
  checkClassIndex(spec, normalClass);
  return oneVsRest(await loadDataset(spec, options), normalClass, options);
}
