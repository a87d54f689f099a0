/**
 * Test helpers that write dataset files in the exact official layouts (IDX, both CIFAR
 * binary layouts, ustar archives) from seeded random content.
 * @module
 */
import { gzipSync } from "node:zlib";
import { join } from "node:path";
import { Rng } from "../../util/rng.ts";
import { encodeCifarRecords } from "../cifar.ts";
import { md5Hex } from "../checksum.ts";
import { encodeIdx } from "../idx.ts";
import {
  CIFAR100_FINE_TO_COARSE,
  type DataFileSpec,
  type DatasetSpec,
  getDatasetSpec,
} from "../registry.ts";

/** Seeded random bytes. */
export function randomBytes(n: number, seed: number, max = 256): Uint8Array {
  const rng = new Rng(seed);
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = rng.int(max);
  return out;
}

/** Gzip (as a plain Uint8Array). */
export function gzip(bytes: Uint8Array): Uint8Array {
  return new Uint8Array(gzipSync(bytes));
}

/** Labels 0..k-1 repeated so every class has n/k images (n divisible by k), shuffled. */
export function balancedLabels(n: number, k: number, seed: number): Uint8Array {
  const labels = Uint8Array.from({ length: n }, (_, i) => i % k);
  return new Rng(seed).shuffle(labels);
}

/** A small IDX dataset: per split, images and labels. */
export interface IdxFixture {
  trainImages: Uint8Array;
  trainLabels: Uint8Array;
  testImages: Uint8Array;
  testLabels: Uint8Array;
}

/** Random 28x28 images with balanced labels. */
export function idxFixture(nTrain: number, nTest: number, seed = 1): IdxFixture {
  return {
    trainImages: randomBytes(nTrain * 784, seed),
    trainLabels: balancedLabels(nTrain, 10, seed + 1),
    testImages: randomBytes(nTest * 784, seed + 2),
    testLabels: balancedLabels(nTest, 10, seed + 3),
  };
}

/** The four official IDX files (name -> bytes), gzipped unless `gz` is false. */
export function idxFiles(fx: IdxFixture, gz = true): Record<string, Uint8Array> {
  const raw: Record<string, Uint8Array> = {
    "train-images-idx3-ubyte": encodeIdx([fx.trainLabels.length, 28, 28], fx.trainImages),
    "train-labels-idx1-ubyte": encodeIdx([fx.trainLabels.length], fx.trainLabels),
    "t10k-images-idx3-ubyte": encodeIdx([fx.testLabels.length, 28, 28], fx.testImages),
    "t10k-labels-idx1-ubyte": encodeIdx([fx.testLabels.length], fx.testLabels),
  };
  return Object.fromEntries(
    Object.entries(raw).map(([k, v]) => gz ? [`${k}.gz`, gzip(v)] : [k, v]),
  );
}

/** Writes files (relative name -> bytes) below `dir`. */
export async function writeFiles(dir: string, files: Record<string, Uint8Array>): Promise<void> {
  for (const [name, data] of Object.entries(files)) {
    const path = join(dir, name);
    await Deno.mkdir(join(path, ".."), { recursive: true });
    await Deno.writeFile(path, data);
  }
}

/** CIFAR records with random HWC pixels; CIFAR-100 gets consistent coarse and fine labels. */
export function cifarRecords(n: number, kind: "cifar10" | "cifar100", seed: number) {
  const images = randomBytes(n * 3072, seed);
  if (kind === "cifar10") return { n, images, labels: balancedLabels(n, 10, seed + 1) };
  const fineLabels = randomBytes(n, seed + 1, 100);
  const labels = fineLabels.map((f) => CIFAR100_FINE_TO_COARSE[f]!);
  return { n, images, labels, fineLabels };
}

/** The official CIFAR files (relative name -> bytes) with `perFile` records each. */
export function cifarFiles(kind: "cifar10" | "cifar100", perFile: number, seed = 5) {
  const spec = getDatasetSpec(kind);
  const files: Record<string, Uint8Array> = {};
  spec.files.forEach((f, i) => {
    files[f.name] = encodeCifarRecords(cifarRecords(perFile, kind, seed + 10 * i));
  });
  return files;
}

/** A copy of a registry spec whose checksums are those of `files` (so tests can verify). */
export function specFor(
  name: string,
  files: Record<string, Uint8Array>,
  archive?: Uint8Array,
  counts?: { train: number; test: number },
): DatasetSpec {
  const base = getDatasetSpec(name);
  const fileSpecs: DataFileSpec[] = base.files.map((f) => {
    const data = files[f.name];
    if (!data) throw new Error(`fixture has no ${f.name}`);
    return { name: f.name, md5: md5Hex(data), bytes: data.length, checksumSource: "test" };
  });
  const spec: DatasetSpec = { ...base, files: fileSpecs };
  if (counts) {
    spec.train = { ...base.train, n: counts.train };
    spec.test = { ...base.test, n: counts.test };
  }
  if (archive && base.archive) {
    spec.archive = { ...base.archive, md5: md5Hex(archive), bytes: archive.length };
  }
  return spec;
}

/** One entry for {@linkcode encodeTar}. */
export interface TarInput {
  name: string;
  data?: Uint8Array;
  /** "0" file (default), "5" folder, "2" symlink, "1" hardlink. */
  type?: "0" | "5" | "2" | "1";
  linkTarget?: string;
}

/** Writes a ustar archive (names up to 100 bytes; any name, even unsafe, is written as is). */
export function encodeTar(entries: TarInput[]): Uint8Array {
  const enc = new TextEncoder();
  const blocks: Uint8Array[] = [];
  const put = (h: Uint8Array, off: number, s: string) => h.set(enc.encode(s), off);
  for (const e of entries) {
    const data = e.data ?? new Uint8Array(0);
    const h = new Uint8Array(512);
    put(h, 0, e.name);
    put(h, 100, "0000644\0");
    put(h, 108, "0001750\0");
    put(h, 116, "0001750\0");
    put(h, 124, data.length.toString(8).padStart(11, "0") + "\0");
    put(h, 136, "14717000000\0");
    put(h, 148, "        ");
    put(h, 156, e.type ?? "0");
    if (e.linkTarget) put(h, 157, e.linkTarget);
    put(h, 257, "ustar\0");
    put(h, 263, "00");
    let sum = 0;
    for (const b of h) sum += b;
    put(h, 148, sum.toString(8).padStart(6, "0") + "\0 ");
    blocks.push(h);
    const padded = new Uint8Array(Math.ceil(data.length / 512) * 512);
    padded.set(data);
    blocks.push(padded);
  }
  blocks.push(new Uint8Array(1024));
  const out = new Uint8Array(blocks.reduce((s, b) => s + b.length, 0));
  let at = 0;
  for (const b of blocks) {
    out.set(b, at);
    at += b.length;
  }
  return out;
}

/** A CIFAR tar.gz in the official layout (top folder + batch files + names file). */
export function cifarArchive(files: Record<string, Uint8Array>): Uint8Array {
  const top = Object.keys(files)[0]!.split("/")[0]!;
  return gzip(encodeTar([
    { name: `${top}/`, type: "5" },
    ...Object.entries(files).map(([name, data]) => ({ name, data })),
    { name: `${top}/readme.html`, data: new TextEncoder().encode("<html></html>") },
  ]));
}
