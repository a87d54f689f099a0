/**
 * Data-movement helpers for the wasm replacement kernels, written in plain JavaScript on
 * Float32Array views: a cache-blocked 2-D transpose (several times faster than the wasm
 * backend's element-wise Transpose) and reusable scratch buffers that live outside the wasm
 * heap (so they do not count against its 4 GB cap).
 * @module
 */

const scratchPool = new Map<string, Float32Array>();

/**
 * A reusable JS-side Float32Array of exactly `size` elements for `slot` (contents
 * undefined). Reused across calls: the same slot must not be in use twice at once.
 */
export function scratch(slot: string, size: number): Float32Array {
  let buf = scratchPool.get(slot);
  if (!buf || buf.length < size) {
    buf = new Float32Array(Math.max(size, Math.ceil((buf?.length ?? 0) * 1.25)));
    scratchPool.set(slot, buf);
  }
  return buf.subarray(0, size);
}

/**
 * Releases every scratch buffer. They grow to the largest layer seen (e.g. ~40 MB for
 * WRN-10-4 at batch 128) and are kept for reuse; call this when done training.
 */
export function releaseScratch(): void {
  scratchPool.clear();
}

const BLOCK = 32;

/**
 * Writes the transpose of the row-major `rows x cols` matrix `src` (from `srcOffset`) into
 * `dst` (row-major `cols x rows`, from `dstOffset`), in cache-sized blocks.
 */
export function transpose2d(
  src: Float32Array,
  dst: Float32Array,
  shape: { rows: number; cols: number; srcOffset?: number; dstOffset?: number },
): void {
  const { rows, cols } = shape;
  const so = shape.srcOffset ?? 0;
  const dOff = shape.dstOffset ?? 0;
  for (let r0 = 0; r0 < rows; r0 += BLOCK) {
    const r1 = Math.min(rows, r0 + BLOCK);
    for (let c0 = 0; c0 < cols; c0 += BLOCK) {
      const c1 = Math.min(cols, c0 + BLOCK);
      for (let c = c0; c < c1; c++) {
        let o = dOff + c * rows + r0;
        for (let r = r0, i = so + r0 * cols + c; r < r1; r++, i += cols) dst[o++] = src[i]!;
      }
    }
  }
}
