import assert from "node:assert/strict";
import { UsageError } from "../util/errors.ts";
import {
  checkClassIndex,
  CIFAR100_COARSE_NAMES,
  CIFAR100_FINE_NAMES,
  CIFAR100_FINE_TO_COARSE,
  datasetNames,
  getDatasetSpec,
} from "./registry.ts";

Deno.test("registry has the four paper datasets and the sample", () => {
  assert.deepEqual(datasetNames().sort(), [
    "cifar10",
    "cifar100",
    "fashion-mnist",
    "fashion-mnist-sample",
    "mnist",
  ]);
  for (const name of datasetNames()) {
    const s = getDatasetSpec(name);
    assert.equal(s.name, name);
    for (const f of s.files) assert.match(f.md5, /^[0-9a-f]{32}$/);
    if (s.train.perClass > 0) {
      assert.equal(s.train.perClass * s.classNames.length, s.train.n);
      assert.equal(s.test.perClass * s.classNames.length, s.test.n);
    }
  }
});

Deno.test("registry uses the official file names, sizes and split sizes", () => {
  const f = getDatasetSpec("fashion-mnist");
  assert.deepEqual(f.files.map((x) => x.name), [
    "train-images-idx3-ubyte.gz",
    "train-labels-idx1-ubyte.gz",
    "t10k-images-idx3-ubyte.gz",
    "t10k-labels-idx1-ubyte.gz",
  ]);
  assert.deepEqual([f.train.n, f.test.n, f.height, f.width, f.channels], [60000, 10000, 28, 28, 1]);
  const c10 = getDatasetSpec("cifar10");
  assert.equal(c10.archive!.name, "cifar-10-binary.tar.gz");
  for (const file of c10.files) {
    assert.match(file.name, /^cifar-10-batches-bin\/(data_batch_[1-5]|test_batch)\.bin$/);
    assert.equal(file.bytes, 10000 * 3073);
  }
  const c100 = getDatasetSpec("cifar100");
  assert.deepEqual(c100.files.map((x) => [x.name, x.bytes]), [
    ["cifar-100-binary/train.bin", 50000 * 3074],
    ["cifar-100-binary/test.bin", 10000 * 3074],
  ]);
  assert.equal(c100.archive!.name, "cifar-100-binary.tar.gz");
});

Deno.test("CIFAR-100 has 20 superclasses of exactly 5 fine classes each", () => {
  assert.equal(CIFAR100_COARSE_NAMES.length, 20);
  assert.equal(CIFAR100_FINE_NAMES.length, 100);
  assert.deepEqual([...CIFAR100_FINE_NAMES].sort(), [...CIFAR100_FINE_NAMES]);
  const counts = new Array(20).fill(0);
  for (const c of CIFAR100_FINE_TO_COARSE) counts[c]++;
  assert.deepEqual(counts, new Array(20).fill(5));
  const of = (fine: string) =>
    CIFAR100_COARSE_NAMES[CIFAR100_FINE_TO_COARSE[CIFAR100_FINE_NAMES.indexOf(fine as never)]!];
  assert.equal(of("apple"), "fruit_and_vegetables");
  assert.equal(of("whale"), "aquatic_mammals");
  assert.equal(of("worm"), "non-insect_invertebrates");
  assert.equal(of("streetcar"), "vehicles_2");
  assert.deepEqual(getDatasetSpec("cifar100").classNames, CIFAR100_COARSE_NAMES);
});

Deno.test("getDatasetSpec() and checkClassIndex() throw UsageError for unknown names and classes", () => {
  assert.throws(
    () => getDatasetSpec("svhn"),
    (e: unknown) =>
      e instanceof UsageError && /Cannot find dataset 'svhn': known datasets are/.test(e.message),
  );
  const c100 = getDatasetSpec("cifar100");
  checkClassIndex(c100, 19);
  assert.throws(
    () => checkClassIndex(c100, 20),
    (e: unknown) => e instanceof UsageError && /classes are 0\.\.19/.test(e.message),
  );
  assert.throws(() => checkClassIndex(c100, -1), UsageError);
  assert.throws(() => checkClassIndex(c100, 1.5), UsageError);
});
