/**
 * A checkpoint file: a JSON header and named float32 arrays in one binary file, with a
 * SHA-256 of the array bytes so a damaged file is detected, never half-used.
 *
 * Layout: `GEOMADB1` (8 bytes), header length (u32, little-endian), the header's UTF-8 JSON
 * (`{ meta, arrays: [{ name, shape }], bytes, sha256 }`), zero padding to a multiple of 4, then
 * every array's float32 values (little-endian), in order.
 * @module
 */
import { sha256Hex } from "../util/config_key.ts";

/** A named float32 array with its shape. */
export interface NamedArray {
  name: string;
  shape: number[];
  data: Float32Array;
}

/** What a bundle holds. */
export interface Bundle {
  /** Any JSON value. */
  meta: unknown;
  arrays: NamedArray[];
}

const MAGIC = "GEOMADB1";

function checkLittleEndian(): void {
  if (new Uint8Array(new Uint32Array([1]).buffer)[0] !== 1) {
    throw new Error("checkpoint files need a little-endian machine");
  }
}

function size(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** Encodes `meta` and `arrays` (each array's length must match its shape). */
export async function encodeBundle(
  meta: unknown,
  arrays: readonly NamedArray[],
): Promise<Uint8Array> {
  checkLittleEndian();
  let values = 0;
  for (const a of arrays) {
    if (a.data.length !== size(a.shape)) {
      throw new RangeError(
        `Cannot encode ${a.name}: ${a.data.length} values, shape [${a.shape}] needs ${
          size(a.shape)
        }`,
      );
    }
    values += a.data.length;
  }
  const payload = new Float32Array(values);
  let at = 0;
  for (const a of arrays) (payload.set(a.data, at), at += a.data.length);
  const payloadBytes = new Uint8Array(payload.buffer);
  const header = new TextEncoder().encode(JSON.stringify({
    meta,
    arrays: arrays.map((a) => ({ name: a.name, shape: a.shape })),
    bytes: payloadBytes.length,
    sha256: await sha256Hex(payloadBytes),
  }));
  const start = Math.ceil((12 + header.length) / 4) * 4;
  const out = new Uint8Array(start + payloadBytes.length);
  out.set(new TextEncoder().encode(MAGIC), 0);
  new DataView(out.buffer).setUint32(8, header.length, true);
  out.set(header, 12);
  out.set(payloadBytes, start);
  return out;
}

/** Decodes a bundle; throws an Error saying what is wrong with a damaged or foreign file. */
export async function decodeBundle(bytes: Uint8Array): Promise<Bundle> {
  checkLittleEndian();
  if (bytes.length < 12 || new TextDecoder().decode(bytes.subarray(0, 8)) !== MAGIC) {
    throw new Error("not a geomad checkpoint file");
  }
  const headerLength = new DataView(bytes.buffer, bytes.byteOffset).getUint32(8, true);
  if (12 + headerLength > bytes.length) throw new Error("truncated header");
  let header: {
    meta?: unknown;
    arrays?: Array<{ name?: unknown; shape?: unknown }>;
    bytes?: unknown;
    sha256?: unknown;
  };
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(12, 12 + headerLength)));
  } catch {
    throw new Error("damaged header");
  }
  const start = Math.ceil((12 + headerLength) / 4) * 4;
  if (!Array.isArray(header.arrays) || typeof header.bytes !== "number") {
    throw new Error("damaged header");
  }
  if (bytes.length !== start + header.bytes) {
    throw new Error(`${bytes.length} bytes, the header says ${start + header.bytes}`);
  }
  const payload = bytes.slice(start); // a copy: aligned, and owned by the arrays
  if (await sha256Hex(payload) !== header.sha256) throw new Error("checksum mismatch");
  const all = new Float32Array(payload.buffer);
  const arrays: NamedArray[] = [];
  let at = 0;
  for (const a of header.arrays) {
    const shape = a.shape;
    if (
      typeof a.name !== "string" || !Array.isArray(shape) ||
      !shape.every((d) => Number.isInteger(d) && d >= 0)
    ) {
      throw new Error("damaged array list");
    }
    const n = size(shape as number[]);
    if (at + n > all.length) throw new Error("array list longer than the data");
    arrays.push({ name: a.name, shape: shape as number[], data: all.subarray(at, at + n) });
    at += n;
  }
  if (at !== all.length) throw new Error("data longer than the array list");
  return { meta: header.meta, arrays };
}
