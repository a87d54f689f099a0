/**
 * The CIFAR "binary version" record layouts.
 * CIFAR-10: <1 label byte><3072 pixel bytes>; CIFAR-100: <1 coarse byte><1 fine byte><3072>.
 * Pixels are 1024 red, 1024 green, 1024 blue bytes (CHW, rows of 32); geomad stores HWC.
 * @module
 */
import { DataError } from "../util/errors.ts";
import { checkLabels } from "./idx.ts";

/** Bytes per CIFAR image (3 x 32 x 32). */
export const CIFAR_PIXELS = 3072;

/** Decoded CIFAR records: HWC pixels, labels, and (CIFAR-100) fine labels. */
export interface CifarRecords {
  n: number;
  /** Pixels, NHWC with H = W = 32, C = 3. */
  images: Uint8Array;
  /** CIFAR-10 label, or the CIFAR-100 COARSE (superclass) label. */
  labels: Uint8Array;
  /** CIFAR-100 fine label; absent for CIFAR-10. */
  fineLabels?: Uint8Array;
}

/** Options for {@linkcode parseCifarRecords}. */
export interface ParseCifarOptions {
  /** 1 for CIFAR-10, 2 for CIFAR-100 (coarse then fine). */
  labelBytes: 1 | 2;
  /** Number of classes of the first label byte (10, or 20 coarse). */
  numClasses: number;
  /** Number of fine classes (CIFAR-100: 100). */
  numFineClasses?: number;
  /** CIFAR-100: the superclass of each fine class; each record must agree with it. */
  fineToCoarse?: readonly number[];
}

/**
 * Decodes a CIFAR binary batch file.
 * @throws {DataError} when the size is not a multiple of the record size, a label is out of
 * range, or a CIFAR-100 coarse label disagrees with its fine label; the message names `name`.
 */
export function parseCifarRecords(
  bytes: Uint8Array,
  name: string,
  options: ParseCifarOptions,
): CifarRecords {
  const lb = options.labelBytes;
  const record = lb + CIFAR_PIXELS;
  if (bytes.length === 0 || bytes.length % record !== 0) {
    throw new DataError(
      `Cannot read ${name}: size ${bytes.length} bytes is not a positive multiple of the ${record}-byte record`,
    );
  }
  const n = bytes.length / record;
  const images = new Uint8Array(n * CIFAR_PIXELS);
  const labels = new Uint8Array(n);
  const fine = lb === 2 ? new Uint8Array(n) : undefined;
  for (let i = 0; i < n; i++) {
    const src = i * record;
    labels[i] = bytes[src]!;
    if (fine) fine[i] = bytes[src + 1]!;
    chwToHwc(bytes, src + lb, images, i * CIFAR_PIXELS);
  }
  checkLabels(labels, name, options.numClasses);
  if (fine) {
    checkLabels(fine, name, options.numFineClasses ?? 256);
    const map = options.fineToCoarse;
    if (map) {
      for (let i = 0; i < n; i++) {
        if (map[fine[i]!] !== labels[i]) {
          throw new DataError(
            `Cannot read ${name}: record ${i} has coarse label ${labels[i]} but fine label ` +
              `${fine[i]} belongs to superclass ${map[fine[i]!]}`,
          );
        }
      }
    }
  }
  return fine ? { n, images, labels, fineLabels: fine } : { n, images, labels };
}

/** Copies one 3x32x32 CHW image at `src[from]` to HWC at `dst[to]`. */
function chwToHwc(src: Uint8Array, from: number, dst: Uint8Array, to: number): void {
  for (let p = 0; p < 1024; p++) {
    const o = to + 3 * p;
    dst[o] = src[from + p]!;
    dst[o + 1] = src[from + 1024 + p]!;
    dst[o + 2] = src[from + 2048 + p]!;
  }
}

/**
 * Encodes HWC images and labels as CIFAR binary records (the inverse of
 * {@linkcode parseCifarRecords}); used by tests to write files in the official layout.
 */
export function encodeCifarRecords(records: CifarRecords): Uint8Array {
  const lb = records.fineLabels ? 2 : 1;
  const record = lb + CIFAR_PIXELS;
  const out = new Uint8Array(records.n * record);
  for (let i = 0; i < records.n; i++) {
    const dst = i * record;
    out[dst] = records.labels[i]!;
    if (records.fineLabels) out[dst + 1] = records.fineLabels[i]!;
    const from = i * CIFAR_PIXELS;
    for (let p = 0; p < 1024; p++) {
      for (let c = 0; c < 3; c++) out[dst + lb + c * 1024 + p] = records.images[from + 3 * p + c]!;
    }
  }
  return out;
}
