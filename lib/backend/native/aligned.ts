/**
 * Typed arrays whose data starts on a 64-byte boundary (one cache line), for the buffers oneDNN's
 * kernels read and write. V8 places an ArrayBuffer's data on a 16-byte boundary only, and
 * oneDNN 2.6's AMX convolutions run up to 2.5x slower on such buffers: every 64-byte tile row
 * they load or store then straddles two cache lines. Measured with `deno task bench:conv` (one
 * thread, process CPU ms, the WRN-10-4 bf16 convolutions at batch 128, two runs): the forward
 * 256->256 3x3 convolution at 8x8 takes 19.6/21.2 ms with every buffer 16 bytes past a 64-byte
 * boundary and 7.8/9.1 ms with 64-byte-aligned ones; all 30 passes 335/337 ms against 256/255 ms.
 * Aligned, each pass takes what PyTorch's call of the same kernel takes (its tensors are 64-byte
 * aligned).
 * @module
 */

/** The alignment, in bytes, of the arrays made here. */
export const ALIGNMENT = 64;

/** Address of `a`'s first element modulo {@linkcode ALIGNMENT} (0: aligned). Needs FFI permission. */
export function misalignment(a: ArrayBufferView): number {
  const buf = a.buffer as ArrayBuffer;
  const base = Deno.UnsafePointer.value(Deno.UnsafePointer.of(buf));
  return Number((BigInt(base) + BigInt(a.byteOffset)) % BigInt(ALIGNMENT));
}

type Ctor<T> = {
  new (buffer: ArrayBuffer, byteOffset: number, length: number): T;
  readonly BYTES_PER_ELEMENT: number;
};

function aligned<T extends ArrayBufferView>(ctor: Ctor<T>, n: number): T {
  if (!Number.isSafeInteger(n) || n < 0) {
    throw new RangeError(`Cannot allocate an aligned array of ${n} elements`);
  }
  // Larger than 64 bytes, so V8 keeps the data off its movable heap: the address stays put.
  const buf = new ArrayBuffer(n * ctor.BYTES_PER_ELEMENT + ALIGNMENT);
  const offset = (ALIGNMENT - misalignment(new Uint8Array(buf))) % ALIGNMENT;
  return new ctor(buf, offset, n);
}

/** A zeroed Uint16Array (bf16 bit patterns) of `n` elements, its data 64-byte aligned. */
export function alignedUint16(n: number): Uint16Array {
  return aligned(Uint16Array, n);
}

/** A zeroed Float32Array of `n` elements, its data 64-byte aligned. */
export function alignedFloat32(n: number): Float32Array {
  return aligned(Float32Array, n);
}
