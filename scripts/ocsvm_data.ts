/**
 * Minimal Fashion-MNIST reader for the OC-SVM parity check and benchmark, so they read exactly
 * what scripts/ocsvm_parity.py reads: the Debian idx files, 28 -> 32 zero padding, then
 * 2 * (x / 255) - 1 (pad = -1), flattened to 1024 values per image.
 * @module
 */
import { gunzipSync } from "node:zlib";
import { DataError } from "../lib/util/errors.ts";
import type { Images } from "../lib/data/types.ts";

/** Where Debian's dataset-fashion-mnist puts the files. */
export const FASHION_DIR = "/usr/share/datasets/fashion-mnist";

async function readIdx(path: string): Promise<{ dims: number[]; data: Uint8Array }> {
  let raw: Uint8Array;
  try {
    raw = new Uint8Array(gunzipSync(await Deno.readFile(path)));
  } catch (err) {
    throw new DataError(`Cannot read ${path}: ${err instanceof Error ? err.message : err}`);
  }
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  if (view.getUint16(0) !== 0 || view.getUint8(2) !== 0x08) {
    throw new DataError(`Cannot read ${path}: not an unsigned-byte idx file`);
  }
  const nd = view.getUint8(3);
  const dims: number[] = [];
  for (let i = 0; i < nd; i++) dims.push(view.getUint32(4 + 4 * i));
  const data = raw.subarray(4 + 4 * nd);
  if (data.length !== dims.reduce((a, b) => a * b, 1)) {
    throw new DataError(`Cannot read ${path}: size does not match header ${dims.join("x")}`);
  }
  return { dims, data };
}

function preprocess(images: Uint8Array, indices: number[]): Images {
  const out = new Float32Array(indices.length * 1024).fill(-1);
  for (let k = 0; k < indices.length; k++) {
    const src = indices[k]! * 784, dst = k * 1024;
    for (let r = 0; r < 28; r++) {
      for (let c = 0; c < 28; c++) {
        out[dst + (r + 2) * 32 + c + 2] = 2 * (images[src + r * 28 + c]! / 255) - 1;
      }
    }
  }
  return { data: out, n: indices.length, height: 32, width: 32, channels: 1 };
}

/** One-vs-rest split: all training images of `normalClass`, the first `testSize` test images. */
export interface FashionSplit {
  train: Images;
  test: Images;
  /** 1 = normal (label == normalClass), 0 = anomalous. */
  testLabels: Uint8Array;
}

/** Loads the one-vs-rest split for `normalClass` (0..9). */
export async function loadFashionSplit(
  normalClass: number,
  options: { testSize?: number; dir?: string } = {},
): Promise<FashionSplit> {
  const dir = options.dir ?? FASHION_DIR;
  const [tri, trl, tei, tel] = await Promise.all([
    readIdx(`${dir}/train-images-idx3-ubyte.gz`),
    readIdx(`${dir}/train-labels-idx1-ubyte.gz`),
    readIdx(`${dir}/t10k-images-idx3-ubyte.gz`),
    readIdx(`${dir}/t10k-labels-idx1-ubyte.gz`),
  ]);
  const trainIdx: number[] = [];
  trl.data.forEach((y, i) => {
    if (y === normalClass) trainIdx.push(i);
  });
  const testSize = Math.min(options.testSize ?? tel.data.length, tel.data.length);
  const testIdx = Array.from({ length: testSize }, (_, i) => i);
  const testLabels = new Uint8Array(testSize);
  for (let i = 0; i < testSize; i++) testLabels[i] = tel.data[i] === normalClass ? 1 : 0;
  return {
    train: preprocess(tri.data, trainIdx),
    test: preprocess(tei.data, testIdx),
    testLabels,
  };
}
