/**
 * The dataset registry: class names, image shapes, split sizes, official file names,
 * checksums and download locations of every dataset geomad reads.
 *
 * Checksums are MD5 because that is what the datasets' authors (and torchvision) publish.
 * For gzipped IDX files two are kept: `md5` of the official `.gz` file and `contentMd5` of
 * its decompressed content. Debian's `dataset-fashion-mnist` ships the same content with
 * rewritten gzip headers (strip-nondeterminism removes the stored file name and sets the
 * time, so each file is 23-24 bytes shorter): its `.gz` MD5 differs, its content MD5 matches.
 * @module
 */
import { UsageError } from "../util/errors.ts";

/** One file of a dataset, by its canonical (official) name. */
export interface DataFileSpec {
  /** Path relative to the dataset folder, e.g. `train-images-idx3-ubyte.gz` or
   * `cifar-10-batches-bin/data_batch_1.bin`. */
  name: string;
  /** MD5 of the file exactly as distributed. */
  md5: string;
  /** MD5 of the decompressed content (gzipped files only). */
  contentMd5?: string;
  /** MD5s of known repackagings whose decompressed content was checked to equal the
   * official content (e.g. Debian's re-headered .gz); they verify without decompressing. */
  repackMd5s?: readonly string[];
  /** Size in bytes of the file as distributed. */
  bytes: number;
  /** Where the checksum comes from (shown by `data info`). */
  checksumSource: string;
}

/** One split (train or test) and the files that hold it. */
export interface SplitSpec {
  n: number;
  /** Images per class (all classes are balanced in these datasets). */
  perClass: number;
  /** IDX: [images, labels]; CIFAR: the batch files in order. */
  files: string[];
}

/** A downloadable archive that holds the files (CIFAR). */
export interface ArchiveSpec {
  name: string;
  md5: string;
  bytes: number;
  checksumSource: string;
}

/** Everything geomad knows about a dataset. */
export interface DatasetSpec {
  /** A registry name, or for a folder dataset its path-safe key (`folder-<name>`). */
  name: string;
  title: string;
  /** `folder`: an image-folder dataset (`folder:DIR`), built when it is loaded. */
  format: "idx" | "cifar10" | "cifar100" | "folder";
  height: number;
  width: number;
  channels: number;
  /** Names of the classes used for one-vs-rest (CIFAR-100: the 20 coarse superclasses). */
  classNames: readonly string[];
  /** CIFAR-100 only: the 100 fine class names and the superclass of each. */
  fineClassNames?: readonly string[];
  fineToCoarse?: readonly number[];
  train: SplitSpec;
  test: SplitSpec;
  files: readonly DataFileSpec[];
  archive?: ArchiveSpec;
  /** Base URLs tried in order for downloads (file URL = base + file or archive name). */
  mirrors: readonly string[];
  /** Folders of system packages that hold the files (Debian). */
  systemDirs: readonly string[];
  /** The folder below `data/samples/` for embedded samples. */
  sampleDir?: string;
  /** The embedded sample used when no full copy is found and downloads are off. */
  fallbackSample?: DatasetName;
  license: string;
  homepage: string;
}

/** Names accepted by the loaders and the data CLI. */
export type DatasetName =
  | "mnist"
  | "fashion-mnist"
  | "fashion-mnist-sample"
  | "cifar10"
  | "cifar100";

const TORCHVISION = "torchvision (gz MD5); raw MD5 as widely published and matching Debian's files";

function idxSplits(train: number, test: number, perTrain: number, perTest: number) {
  return {
    train: {
      n: train,
      perClass: perTrain,
      files: ["train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz"],
    },
    test: {
      n: test,
      perClass: perTest,
      files: ["t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"],
    },
  };
}

const FASHION_CLASSES = [
  "T-shirt/top",
  "Trouser",
  "Pullover",
  "Dress",
  "Coat",
  "Sandal",
  "Shirt",
  "Sneaker",
  "Bag",
  "Ankle boot",
] as const;

const CIFAR10_CLASSES = [
  "airplane",
  "automobile",
  "bird",
  "cat",
  "deer",
  "dog",
  "frog",
  "horse",
  "ship",
  "truck",
] as const;

/** The 20 CIFAR-100 superclasses, in label order (coarse_label_names.txt). */
export const CIFAR100_COARSE_NAMES = [
  "aquatic_mammals",
  "fish",
  "flowers",
  "food_containers",
  "fruit_and_vegetables",
  "household_electrical_devices",
  "household_furniture",
  "insects",
  "large_carnivores",
  "large_man-made_outdoor_things",
  "large_natural_outdoor_scenes",
  "large_omnivores_and_herbivores",
  "medium_mammals",
  "non-insect_invertebrates",
  "people",
  "reptiles",
  "small_mammals",
  "trees",
  "vehicles_1",
  "vehicles_2",
] as const;

/** The 100 CIFAR-100 fine classes, in label order (fine_label_names.txt). */
// deno-fmt-ignore
export const CIFAR100_FINE_NAMES = [
  "apple", "aquarium_fish", "baby", "bear", "beaver", "bed", "bee", "beetle", "bicycle", "bottle",
  "bowl", "boy", "bridge", "bus", "butterfly", "camel", "can", "castle", "caterpillar", "cattle",
  "chair", "chimpanzee", "clock", "cloud", "cockroach", "couch", "crab", "crocodile", "cup",
  "dinosaur", "dolphin", "elephant", "flatfish", "forest", "fox", "girl", "hamster", "house",
  "kangaroo", "keyboard", "lamp", "lawn_mower", "leopard", "lion", "lizard", "lobster", "man",
  "maple_tree", "motorcycle", "mountain", "mouse", "mushroom", "oak_tree", "orange", "orchid",
  "otter", "palm_tree", "pear", "pickup_truck", "pine_tree", "plain", "plate", "poppy",
  "porcupine", "possum", "rabbit", "raccoon", "ray", "road", "rocket", "rose", "sea", "seal",
  "shark", "shrew", "skunk", "skyscraper", "snail", "snake", "spider", "squirrel", "streetcar",
  "sunflower", "sweet_pepper", "table", "tank", "telephone", "television", "tiger", "tractor",
  "train", "trout", "tulip", "turtle", "wardrobe", "whale", "willow_tree", "wolf", "woman", "worm",
] as const;

/** The superclass (coarse label) of each CIFAR-100 fine label. */
// deno-fmt-ignore
export const CIFAR100_FINE_TO_COARSE = [
  4, 1, 14, 8, 0, 6, 7, 7, 18, 3, 3, 14, 9, 18, 7, 11, 3, 9, 7, 11,
  6, 11, 5, 10, 7, 6, 13, 15, 3, 15, 0, 11, 1, 10, 12, 14, 16, 9, 11, 5,
  5, 19, 8, 8, 15, 13, 14, 17, 18, 10, 16, 4, 17, 4, 2, 0, 17, 4, 18, 17,
  10, 3, 2, 12, 12, 16, 12, 1, 9, 19, 2, 10, 0, 1, 16, 12, 9, 13, 15, 13,
  16, 19, 2, 4, 6, 19, 5, 5, 8, 19, 18, 1, 2, 15, 6, 0, 17, 8, 14, 13,
] as const;

const MNIST: DatasetSpec = {
  name: "mnist",
  title: "MNIST handwritten digits",
  format: "idx",
  height: 28,
  width: 28,
  channels: 1,
  classNames: ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"],
  // Per-class counts in MNIST are not balanced; perClass 0 means "varies".
  ...idxSplits(60000, 10000, 0, 0),
  files: [
    {
      name: "train-images-idx3-ubyte.gz",
      md5: "f68b3c2dcbeaaa9fbdd348bbdeb94873",
      contentMd5: "6bbc9ace898e44ae57da46a324031adb",
      bytes: 9912422,
      checksumSource: TORCHVISION,
    },
    {
      name: "train-labels-idx1-ubyte.gz",
      md5: "d53e105ee54ea40749a09fcbcd1e9432",
      contentMd5: "a25bea736e30d166cdddb491f175f624",
      bytes: 28881,
      checksumSource: TORCHVISION,
    },
    {
      name: "t10k-images-idx3-ubyte.gz",
      md5: "9fb629c4189551a2d022fa330f9573f3",
      contentMd5: "2646ac647ad5339dbf082846283269ea",
      bytes: 1648877,
      checksumSource: TORCHVISION,
    },
    {
      name: "t10k-labels-idx1-ubyte.gz",
      md5: "ec29112dd5afa0611ce80d1b7f02629c",
      contentMd5: "27ae3e4e09519cfbb04c329615203637",
      bytes: 4542,
      checksumSource: TORCHVISION,
    },
  ],
  mirrors: ["https://ossci-datasets.s3.amazonaws.com/mnist/", "http://yann.lecun.com/exdb/mnist/"],
  systemDirs: [],
  license: "CC BY-SA 3.0 (Yann LeCun and Corinna Cortes)",
  homepage: "http://yann.lecun.com/exdb/mnist/",
};

// Debian's dataset-fashion-mnist 0.0~git20200523.55506a9-1 (strip-nondeterminism rewrote the
// gzip headers; the decompressed content equals the official content MD5s below).
const DEBIAN_TRAIN_IMAGES = "cf8536b0aa1a6ac5fa3f23001093305c";
const DEBIAN_TRAIN_LABELS = "10bea18fdb374794d4bb42e356e600c9";
const DEBIAN_T10K_IMAGES = "f78720b4224f21cce2f2ccf2d7a94c9a";
const DEBIAN_T10K_LABELS = "0d30e22e447f3c33dab9ed536400ac01";

const FASHION_FILES: DataFileSpec[] = [
  {
    name: "train-images-idx3-ubyte.gz",
    md5: "8d4fb7e6c68d591d4c3dfef9ec88bf0d",
    contentMd5: "f4a8712d7a061bf5bd6d2ca38dc4d50a",
    bytes: 26421880,
    repackMd5s: [DEBIAN_TRAIN_IMAGES],
    checksumSource: "Zalando README (gz MD5); raw MD5 matches Debian's file",
  },
  {
    name: "train-labels-idx1-ubyte.gz",
    md5: "25c81989df183df01b3e8a0aad5dffbe",
    contentMd5: "9018921c3c673c538a1fc5bad174d6f9",
    bytes: 29515,
    repackMd5s: [DEBIAN_TRAIN_LABELS],
    checksumSource: "Zalando README (gz MD5); raw MD5 matches Debian's file",
  },
  {
    name: "t10k-images-idx3-ubyte.gz",
    md5: "bef4ecab320f06d8554ea6380940ec79",
    contentMd5: "8181f5470baa50b63fa0f6fddb340f0a",
    bytes: 4422102,
    repackMd5s: [DEBIAN_T10K_IMAGES],
    checksumSource: "Zalando README (gz MD5); raw MD5 matches Debian's file",
  },
  {
    name: "t10k-labels-idx1-ubyte.gz",
    md5: "bb300cfdad3c16e7a12a480ee83cd310",
    contentMd5: "15d484375f8d13e6eb1aabb0c3f46965",
    bytes: 5148,
    repackMd5s: [DEBIAN_T10K_LABELS],
    checksumSource: "Zalando README (gz MD5); raw MD5 matches Debian's file",
  },
];

const FASHION: DatasetSpec = {
  name: "fashion-mnist",
  title: "Fashion-MNIST (Zalando)",
  format: "idx",
  height: 28,
  width: 28,
  channels: 1,
  classNames: FASHION_CLASSES,
  ...idxSplits(60000, 10000, 6000, 1000),
  files: FASHION_FILES,
  mirrors: ["http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/"],
  systemDirs: ["/usr/share/datasets/fashion-mnist"],
  fallbackSample: "fashion-mnist-sample",
  license: "MIT (Zalando SE)",
  homepage: "https://github.com/zalandoresearch/fashion-mnist",
};

/**
 * The embedded sample: 300 training and 100 test images per class of the real Fashion-MNIST,
 * stored in data/samples/fashion-mnist/ (see data/samples/README.md and make_sample.ts).
 */
const FASHION_SAMPLE: DatasetSpec = {
  ...FASHION,
  name: "fashion-mnist-sample",
  title: "Fashion-MNIST embedded sample (300 train + 100 test per class)",
  ...idxSplits(3000, 1000, 300, 100),
  files: [
    {
      name: "train-images-idx3-ubyte.gz",
      md5: "8573943acc6080020f349ca73a4c21b2",
      contentMd5: "3f815c60b71bc650b32294829d8567ff",
      bytes: 1302804,
      checksumSource: "geomad make_sample.ts",
    },
    {
      name: "train-labels-idx1-ubyte.gz",
      md5: "9f73de49039a25d94b7633cd56ddb3cc",
      contentMd5: "e0804d834103790338ef4150639b7544",
      bytes: 1549,
      checksumSource: "geomad make_sample.ts",
    },
    {
      name: "t10k-images-idx3-ubyte.gz",
      md5: "9480bc22671b436000c5e9a2826fe629",
      contentMd5: "4c0162875013e90637b83f735f7b16e3",
      bytes: 437058,
      checksumSource: "geomad make_sample.ts",
    },
    {
      name: "t10k-labels-idx1-ubyte.gz",
      md5: "3aeb242186291551d9279d4ce2154335",
      contentMd5: "9a1e3751c04d734da1a3f50422b9d0b3",
      bytes: 528,
      checksumSource: "geomad make_sample.ts",
    },
  ],
  mirrors: [],
  systemDirs: [],
  sampleDir: "fashion-mnist",
  fallbackSample: undefined,
};

const CIFAR_SRC =
  "Toronto CIFAR page (archive MD5); batch MD5s as published by third-party loaders";
const CIFAR10_DIR = "cifar-10-batches-bin/";

const CIFAR10: DatasetSpec = {
  name: "cifar10",
  title: "CIFAR-10 (binary version)",
  format: "cifar10",
  height: 32,
  width: 32,
  channels: 3,
  classNames: CIFAR10_CLASSES,
  train: {
    n: 50000,
    perClass: 5000,
    files: [1, 2, 3, 4, 5].map((i) => `${CIFAR10_DIR}data_batch_${i}.bin`),
  },
  test: { n: 10000, perClass: 1000, files: [`${CIFAR10_DIR}test_batch.bin`] },
  files: [
    {
      name: `${CIFAR10_DIR}data_batch_1.bin`,
      md5: "5dd7e06a14cb22eb9f671a540d1b7c25",
      bytes: 30730000,
      checksumSource: CIFAR_SRC,
    },
    {
      name: `${CIFAR10_DIR}data_batch_2.bin`,
      md5: "5ea93a67294ea407fff1d09f752e9692",
      bytes: 30730000,
      checksumSource: CIFAR_SRC,
    },
    {
      name: `${CIFAR10_DIR}data_batch_3.bin`,
      md5: "942cd6a4bcdd0dd3c604fbe906cb4421",
      bytes: 30730000,
      checksumSource: CIFAR_SRC,
    },
    {
      name: `${CIFAR10_DIR}data_batch_4.bin`,
      md5: "ae636b3ba5c66a11e91e8cb52e771fcb",
      bytes: 30730000,
      checksumSource: CIFAR_SRC,
    },
    {
      name: `${CIFAR10_DIR}data_batch_5.bin`,
      md5: "53f37980c15c3d472c316c40844f3f0d",
      bytes: 30730000,
      checksumSource: CIFAR_SRC,
    },
    {
      name: `${CIFAR10_DIR}test_batch.bin`,
      md5: "803d5f7f4d78ea53de84dbe85f74fb6d",
      bytes: 30730000,
      checksumSource: CIFAR_SRC,
    },
  ],
  archive: {
    name: "cifar-10-binary.tar.gz",
    md5: "c32a1d4ab5d03f1284b67883e8d87530",
    bytes: 170052171,
    checksumSource: "Toronto CIFAR page",
  },
  mirrors: ["https://www.cs.toronto.edu/~kriz/"],
  systemDirs: [],
  license:
    "no explicit licence; cite Krizhevsky 2009 (Learning Multiple Layers of Features from Tiny Images)",
  homepage: "https://www.cs.toronto.edu/~kriz/cifar.html",
};

const CIFAR100_DIR = "cifar-100-binary/";

const CIFAR100: DatasetSpec = {
  name: "cifar100",
  title: "CIFAR-100 (binary version; one-vs-rest over the 20 superclasses)",
  format: "cifar100",
  height: 32,
  width: 32,
  channels: 3,
  classNames: CIFAR100_COARSE_NAMES,
  fineClassNames: CIFAR100_FINE_NAMES,
  fineToCoarse: CIFAR100_FINE_TO_COARSE,
  train: { n: 50000, perClass: 2500, files: [`${CIFAR100_DIR}train.bin`] },
  test: { n: 10000, perClass: 500, files: [`${CIFAR100_DIR}test.bin`] },
  files: [
    {
      name: `${CIFAR100_DIR}train.bin`,
      md5: "6172c7755cfe09b2fe270c85cebc1b15",
      bytes: 153700000,
      checksumSource: CIFAR_SRC,
    },
    {
      name: `${CIFAR100_DIR}test.bin`,
      md5: "4499cfba6c016c1be1438163640a0898",
      bytes: 30740000,
      checksumSource: CIFAR_SRC,
    },
  ],
  archive: {
    name: "cifar-100-binary.tar.gz",
    md5: "03b5dce01913d631647c71ecec9e9cb8",
    bytes: 168513733,
    checksumSource: "Toronto CIFAR page",
  },
  mirrors: ["https://www.cs.toronto.edu/~kriz/"],
  systemDirs: [],
  license: CIFAR10.license,
  homepage: CIFAR10.homepage,
};

const REGISTRY: Record<DatasetName, DatasetSpec> = {
  "mnist": MNIST,
  "fashion-mnist": FASHION,
  "fashion-mnist-sample": FASHION_SAMPLE,
  "cifar10": CIFAR10,
  "cifar100": CIFAR100,
};

/** All registered dataset names. */
export function datasetNames(): DatasetName[] {
  return Object.keys(REGISTRY) as DatasetName[];
}

/**
 * The spec of a dataset.
 * @throws {UsageError} for an unknown name, listing the known ones.
 */
export function getDatasetSpec(name: string): DatasetSpec {
  const spec = (REGISTRY as Record<string, DatasetSpec | undefined>)[name];
  if (!spec) {
    throw new UsageError(
      `Cannot find dataset '${name}': known datasets are ${datasetNames().join(", ")}`,
    );
  }
  return spec;
}

/**
 * Checks a one-vs-rest class index for a dataset.
 * @throws {UsageError} when it is not an integer in range.
 */
export function checkClassIndex(
  spec: Pick<DatasetSpec, "name" | "classNames">,
  normalClass: number,
): void {
  const k = spec.classNames.length;
  if (!Number.isInteger(normalClass) || normalClass < 0 || normalClass >= k) {
    throw new UsageError(
      `Cannot use class ${normalClass} of ${spec.name}: classes are 0..${k - 1}`,
    );
  }
}
