/**
 * Regenerates the embedded Fashion-MNIST sample (data/samples/fashion-mnist/) from the full
 * dataset: a seeded, per-class balanced subset of the official train and test splits, in IDX
 * format, gzipped, under the official file names. Deterministic for a given seed.
 *
 *   deno run --allow-read --allow-write=data lib/data/make_sample.ts [--from DIR] [--out DIR]
 * @module
 */
import { gzipSync } from "node:zlib";
import { join } from "node:path";
import { writeFileAtomic } from "../util/atomic.ts";
import { type CommandSpec, parseCommand, runCli, seedFlag, textFlag } from "../util/cli.ts";
import { checkOutputFolder } from "../util/sandbox.ts";
import { md5Hex } from "./checksum.ts";
import { encodeIdx } from "./idx.ts";
import { loadDataset } from "./load.ts";
import { defaultSampleRoot } from "./paths.ts";
import { getDatasetSpec } from "./registry.ts";
import { balancedSubset } from "./split.ts";
import type { LabeledImageSet } from "./types.ts";

/** Options for {@linkcode makeSample} and {@linkcode sampleSplits}. */
export interface MakeSampleOptions {
  /** Folder with the full Fashion-MNIST files (default: Debian's). */
  from?: string;
  /** Output folder (default data/samples/fashion-mnist). */
  out?: string;
  /** Seed of the subset (default 1, the value used for the committed sample). */
  seed?: number;
}

/** The sample's images per class: 300 train, 100 test. */
export const SAMPLE_PER_CLASS = { train: 300, test: 100 } as const;

function subset(set: LabeledImageSet, idx: Int32Array): { images: Uint8Array; labels: Uint8Array } {
  const size = set.height * set.width;
  const images = new Uint8Array(idx.length * size);
  const labels = new Uint8Array(idx.length);
  idx.forEach((i, k) => {
    images.set(set.images.subarray(i * size, (i + 1) * size), k * size);
    labels[k] = set.labels[i]!;
  });
  return { images, labels };
}

/**
 * The sample's four IDX files (uncompressed), keyed by canonical name without `.gz`,
 * computed from the full dataset.
 */
export async function sampleSplits(
  options: MakeSampleOptions = {},
): Promise<Record<string, Uint8Array>> {
  const full = await loadDataset("fashion-mnist", {
    dataDir: options.from ?? "/usr/share/datasets/fashion-mnist",
    useEnv: false,
  });
  const seed = options.seed ?? 1;
  const tr = subset(
    full.train,
    balancedSubset(full.train.labels, 10, SAMPLE_PER_CLASS.train, seed),
  );
  const te = subset(
    full.test,
    balancedSubset(full.test.labels, 10, SAMPLE_PER_CLASS.test, seed + 1),
  );
  return {
    "train-images-idx3-ubyte": encodeIdx([tr.labels.length, 28, 28], tr.images),
    "train-labels-idx1-ubyte": encodeIdx([tr.labels.length], tr.labels),
    "t10k-images-idx3-ubyte": encodeIdx([te.labels.length, 28, 28], te.images),
    "t10k-labels-idx1-ubyte": encodeIdx([te.labels.length], te.labels),
  };
}

/** Writes the sample's gzipped files; returns their names, sizes and MD5s. */
export async function makeSample(
  options: MakeSampleOptions = {},
): Promise<{ name: string; bytes: number; md5: string }[]> {
  const out = options.out ??
    join(defaultSampleRoot(), getDatasetSpec("fashion-mnist-sample").sampleDir!);
  const files = [];
  for (const [name, raw] of Object.entries(await sampleSplits(options))) {
    const gz = new Uint8Array(gzipSync(raw, { level: 9 }));
    await writeFileAtomic(join(out, `${name}.gz`), gz);
    files.push({ name: `${name}.gz`, bytes: gz.length, md5: md5Hex(gz) });
  }
  return files;
}

/** The command line of `deno task data:sample` (`--help` prints it). */
export const SAMPLE_COMMAND = {
  command: "deno task data:sample",
  usage: "[--from DIR] [--out DIR] [--seed N]",
  about: "Regenerates the embedded Fashion-MNIST sample (300 train + 100 test images per " +
    "class, seeded, gzipped IDX under the official names) from the full dataset.",
  flags: {
    from: {
      type: "string",
      arg: "DIR",
      kind: "folder",
      help: "folder with the full Fashion-MNIST files",
      defaultText: "Debian's /usr/share/datasets/fashion-mnist",
      example: "--from data/cache/fashion-mnist",
    },
    out: {
      type: "string",
      arg: "DIR",
      kind: "folder under data/",
      help: "output folder",
      defaultText: "data/samples/fashion-mnist",
      example: "--out data/samples/fashion-mnist",
    },
    seed: {
      type: "string",
      arg: "N",
      kind: "integer in [0, 2^32)",
      help: "seed of the subset",
      defaultText: "1 (the committed sample's)",
      example: "--seed 1",
    },
  },
} as const satisfies CommandSpec;

if (import.meta.main) {
  await runCli("data:sample", async () => {
    const parsed = parseCommand(SAMPLE_COMMAND, Deno.args);
    if (!parsed) return;
    const { values } = parsed;
    const out = textFlag("out", values.out);
    if (out !== undefined) checkOutputFolder("out", out);
    const files = await makeSample({
      from: textFlag("from", values.from),
      out,
      seed: values.seed === undefined ? undefined : seedFlag(values.seed),
    });
    for (const f of files) console.log(`${f.name}  ${f.bytes} bytes  md5 ${f.md5}`);
  });
}
