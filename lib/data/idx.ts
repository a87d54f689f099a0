/**
 * The IDX format of MNIST and Fashion-MNIST: a 4-byte magic number (0, 0, type, number of
 * dimensions), one big-endian uint32 per dimension, then the values. Only unsigned bytes
 * (type 0x08) are used by these datasets.
 * @module
 */
import { DataError } from "../util/errors.ts";

/** A decoded IDX array of unsigned bytes. */
export interface IdxArray {
  /** Dimension sizes, outermost first. */
  dims: number[];
  /** The values (a view into the input bytes, no copy). */
  data: Uint8Array;
}

const UBYTE = 0x08;

/**
 * Decodes an IDX file of unsigned bytes with `ndims` dimensions.
 * @throws {DataError} on a wrong magic number, wrong type or dimension count, or a data size
 * that does not match the header (truncated file or trailing bytes), naming `name`.
 */
export function parseIdx(bytes: Uint8Array, name: string, ndims: number): IdxArray {
  if (bytes.length < 4) {
    throw new DataError(`Cannot read ${name}: ${bytes.length} bytes, too short for IDX`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = view.getUint32(0);
  const expected = (UBYTE << 8) | ndims;
  if (magic !== expected) {
    throw new DataError(
      `Cannot read ${name}: wrong IDX magic 0x${hex8(magic)}, expected 0x${hex8(expected)}`,
    );
  }
  const header = 4 + 4 * ndims;
  if (bytes.length < header) throw new DataError(`Cannot read ${name}: truncated IDX header`);
  const dims: number[] = [];
  let count = 1;
  for (let i = 0; i < ndims; i++) {
    const d = view.getUint32(4 + 4 * i);
    dims.push(d);
    count *= d;
  }
  const have = bytes.length - header;
  if (have !== count) {
    const what = have < count ? "truncated" : "has trailing bytes";
    throw new DataError(
      `Cannot read ${name}: file ${what}: header ${
        dims.join("x")
      } needs ${count} data bytes, found ${have}`,
    );
  }
  return { dims, data: bytes.subarray(header) };
}

/**
 * Decodes an IDX image file (3 dimensions: n, rows, columns).
 * @throws {DataError} when the image size is not `height` x `width` (when given).
 */
export function readIdxImages(
  bytes: Uint8Array,
  name: string,
  options: { height?: number; width?: number } = {},
): { n: number; height: number; width: number; images: Uint8Array } {
  const { dims, data } = parseIdx(bytes, name, 3);
  const [n, height, width] = dims as [number, number, number];
  if (
    (options.height !== undefined && height !== options.height) ||
    (options.width !== undefined && width !== options.width)
  ) {
    throw new DataError(
      `Cannot read ${name}: images are ${height}x${width}, expected ${options.height}x${options.width}`,
    );
  }
  return { n, height, width, images: data };
}

/**
 * Decodes an IDX label file (1 dimension) and checks every label is below `numClasses`.
 * @throws {DataError} naming the first label out of range and its index.
 */
export function readIdxLabels(bytes: Uint8Array, name: string, numClasses: number): Uint8Array {
  const { data } = parseIdx(bytes, name, 1);
  checkLabels(data, name, numClasses);
  return data;
}

/** Throws `DataError` naming the first label >= `numClasses`. */
export function checkLabels(labels: Uint8Array, name: string, numClasses: number): void {
  for (let i = 0; i < labels.length; i++) {
    if (labels[i]! >= numClasses) {
      throw new DataError(
        `Cannot read ${name}: label ${labels[i]} at index ${i} is out of range 0..${
          numClasses - 1
        }`,
      );
    }
  }
}

/** Encodes unsigned bytes as an IDX file with the given dimensions (used to write samples). */
export function encodeIdx(dims: number[], data: Uint8Array): Uint8Array {
  const count = dims.reduce((a, b) => a * b, 1);
  if (count !== data.length) {
    throw new RangeError(
      `Cannot encode IDX: dims ${dims.join("x")} need ${count} bytes, got ${data.length}`,
    );
  }
  const header = 4 + 4 * dims.length;
  const out = new Uint8Array(header + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, (UBYTE << 8) | dims.length);
  dims.forEach((d, i) => view.setUint32(4 + 4 * i, d));
  out.set(data, header);
  return out;
}

function hex8(x: number): string {
  return x.toString(16).padStart(8, "0");
}
