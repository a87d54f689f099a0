/**
 * A reader for uncompressed Windows BMP files (8-bit palette, 24-bit and 32-bit BI_RGB), the
 * BMP kinds image folders hold in practice; sharp (libvips) reads no BMP at all.
 * @module
 */

/** Decoded pixels: RGB (palette entries that are all grey give 1 channel). */
export interface BmpPixels {
  data: Uint8Array;
  width: number;
  height: number;
  channels: 1 | 3;
}

/** True when `bytes` starts like a BMP file ("BM"). */
export function isBmp(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x42 && bytes[1] === 0x4d;
}

/**
 * Decodes an uncompressed BMP.
 * @throws {Error} with a one-line reason for anything else (compressed, truncated, 16-bit...).
 */
export function decodeBmp(bytes: Uint8Array): BmpPixels {
  if (!isBmp(bytes) || bytes.length < 54) throw new Error("not a BMP file");
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const offset = v.getUint32(10, true);
  const headerSize = v.getUint32(14, true);
  if (headerSize < 40) throw new Error(`unsupported BMP header (${headerSize} bytes)`);
  const width = v.getInt32(18, true);
  const rawHeight = v.getInt32(22, true);
  const bpp = v.getUint16(28, true);
  const compression = v.getUint32(30, true);
  const height = Math.abs(rawHeight), topDown = rawHeight < 0;
  if (width <= 0 || height === 0) throw new Error(`bad BMP size ${width}x${rawHeight}`);
  // 0 = BI_RGB; 3 = BI_BITFIELDS is accepted for 32-bit with the usual BGRA masks.
  if (compression !== 0 && !(compression === 3 && bpp === 32)) {
    throw new Error(`compressed BMP (compression ${compression}) is not supported`);
  }
  if (bpp !== 8 && bpp !== 24 && bpp !== 32) throw new Error(`${bpp}-bit BMP is not supported`);
  const rowBytes = Math.ceil((width * bpp) / 32) * 4;
  if (offset + rowBytes * height > bytes.length) throw new Error("truncated BMP file");
  let palette: Uint8Array | undefined, grey = false;
  if (bpp === 8) {
    const count = v.getUint32(46, true) || 256;
    const start = 14 + headerSize;
    if (start + count * 4 > offset) throw new Error("bad BMP palette");
    palette = bytes.subarray(start, start + count * 4);
    grey = true;
    for (let i = 0; i < count; i++) {
      const b = palette[i * 4]!, g = palette[i * 4 + 1]!, r = palette[i * 4 + 2]!;
      if (r !== g || g !== b) grey = false;
    }
  }
  const channels = grey ? 1 : 3;
  const data = new Uint8Array(width * height * channels);
  const step = bpp / 8;
  for (let y = 0; y < height; y++) {
    const row = offset + (topDown ? y : height - 1 - y) * rowBytes;
    for (let x = 0; x < width; x++) {
      const o = (y * width + x) * channels;
      if (palette) {
        const i = bytes[row + x]! * 4;
        if (i + 2 >= palette.length) throw new Error("BMP palette index out of range");
        if (grey) data[o] = palette[i]!;
        else {
          data[o] = palette[i + 2]!;
          data[o + 1] = palette[i + 1]!;
          data[o + 2] = palette[i]!;
        }
      } else {
        const s = row + x * step;
        data[o] = bytes[s + 2]!;
        data[o + 1] = bytes[s + 1]!;
        data[o + 2] = bytes[s]!;
      }
    }
  }
  return { data, width, height, channels };
}

/** Encodes RGB pixels as a 24-bit BMP (for tests and fixtures). */
export function encodeBmp24(data: Uint8Array, width: number, height: number): Uint8Array {
  const rowBytes = Math.ceil((width * 24) / 32) * 4;
  const out = new Uint8Array(54 + rowBytes * height);
  const v = new DataView(out.buffer);
  out[0] = 0x42, out[1] = 0x4d;
  v.setUint32(2, out.length, true);
  v.setUint32(10, 54, true);
  v.setUint32(14, 40, true);
  v.setInt32(18, width, true);
  v.setInt32(22, height, true);
  v.setUint16(26, 1, true);
  v.setUint16(28, 24, true);
  v.setUint32(34, rowBytes * height, true);
  for (let y = 0; y < height; y++) {
    const row = 54 + (height - 1 - y) * rowBytes;
    for (let x = 0; x < width; x++) {
      const s = (y * width + x) * 3, o = row + x * 3;
      out[o] = data[s + 2]!, out[o + 1] = data[s + 1]!, out[o + 2] = data[s]!;
    }
  }
  return out;
}
