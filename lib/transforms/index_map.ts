/**
 * Geometric transformations as pixel index maps: `out[p] = in[map[p]]` over flattened
 * row-major pixels. Composing the paper's flip, reflected translation and rotation gives one
 * map per transformation, so a whole mixed batch is a single gather.
 * @module
 */

/** One geometric transformation, in the paper's order: flip, then translate, then rotate. */
export interface GeometricParams {
  /** Left-right flip (reverses columns) first. */
  flip: boolean;
  /** Row shift: out[i, j] = in[i + tx, j + ty]. */
  tx: number;
  /** Column shift. */
  ty: number;
  /** Number of 90-degree counter-clockwise rotations (0..3), like `np.rot90(x, k)`. */
  k: number;
}

/**
 * Half-sample-symmetric reflection of index `i` into [0, n): ... c b a | a b c ... | c b a ...
 * (the edge pixel is repeated). Any integer works (repeated reflection, period 2n).
 */
export function reflectIndex(i: number, n: number): number {
  const p = 2 * n;
  const m = ((i % p) + p) % p;
  return m < n ? m : p - 1 - m;
}

/** An index image: `src[p]` is the input pixel shown at output pixel p. */
interface IndexImage {
  src: Int32Array;
  h: number;
  w: number;
}

function flipLR({ src, h, w }: IndexImage): IndexImage {
  const out = new Int32Array(h * w);
  for (let i = 0; i < h; i++) {
    for (let j = 0; j < w; j++) out[i * w + j] = src[i * w + (w - 1 - j)]!;
  }
  return { src: out, h, w };
}

function translate({ src, h, w }: IndexImage, tx: number, ty: number): IndexImage {
  const out = new Int32Array(h * w);
  for (let i = 0; i < h; i++) {
    const r = reflectIndex(i + tx, h);
    for (let j = 0; j < w; j++) out[i * w + j] = src[r * w + reflectIndex(j + ty, w)]!;
  }
  return { src: out, h, w };
}

/** One 90-degree counter-clockwise turn: an h x w image becomes w x h, out[i,j] = in[j, w-1-i]. */
function rot90({ src, h, w }: IndexImage): IndexImage {
  const out = new Int32Array(h * w);
  const oh = w, ow = h;
  for (let i = 0; i < oh; i++) {
    for (let j = 0; j < ow; j++) out[i * ow + j] = src[j * w + (w - 1 - i)]!;
  }
  return { src: out, h: oh, w: ow };
}

/**
 * The pixel index map of `params` for `height` x `width` images: `out[p] = in[map[p]]`, both
 * flattened row-major (p = i * outWidth + j). With an odd number of rotations the output is
 * width x height.
 */
export function geometricIndexMap(
  params: GeometricParams,
  shape: { height: number; width: number },
): Int32Array {
  const { height: h, width: w } = shape;
  const id = new Int32Array(h * w);
  for (let p = 0; p < id.length; p++) id[p] = p;
  let img: IndexImage = { src: id, h, w };
  if (params.flip) img = flipLR(img);
  if (params.tx !== 0 || params.ty !== 0) img = translate(img, params.tx, params.ty);
  const k = ((params.k % 4) + 4) % 4;
  for (let r = 0; r < k; r++) img = rot90(img);
  return img.src;
}
