/**
 * Fast whole-file reads. `Deno.readFile` reads large files in small pieces (~0.2 s for the
 * 26 MB Fashion-MNIST training images here); one synchronous read into a buffer of the
 * file's size takes ~15 ms.
 * @module
 */

/** Reads a whole file into a new `Uint8Array` (synchronously, in one buffer). */
export function readFileFast(path: string): Uint8Array {
  const file = Deno.openSync(path, { read: true });
  try {
    const size = file.statSync().size;
    const buf = new Uint8Array(size);
    let off = 0;
    while (off < size) {
      const n = file.readSync(buf.subarray(off));
      if (n === null || n === 0) break;
      off += n;
    }
    return off === size ? buf : buf.subarray(0, off);
  } finally {
    file.close();
  }
}
