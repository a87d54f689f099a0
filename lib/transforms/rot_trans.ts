/**
 * The 36 transformations of the rotation + translation multi-head detector (Hendrycks et al.,
 * NeurIPS 2019): 4 rotations x 3 row shifts x 3 column shifts, built on GEOM's transform
 * engine (one pixel remap per transformation, half-sample-symmetric reflection at the borders).
 *
 * Index t = 9 * k + 3 * txIndex + tyIndex, with k counter-clockwise quarter turns and the shift
 * indices as GEOM's (0 -> 0, 1 -> -s, 2 -> +s; `tx` shifts rows, `ty` columns, see
 * index_map.ts). The step s is GEOM's: floor(size / 4), 8 px at 32x32, 16 px at 64x64.
 * Each transformation carries three labels, one per head: rotation k (4 classes), tx index (3)
 * and ty index (3).
 * @module
 */
import { geometricLabel, GeometricSet } from "./geometric.ts";
import type { GeometricParams } from "./index_map.ts";
import type { ImageShape } from "./types.ts";

/** Classes of the three heads, in output order: rotation, row shift, column shift. */
export const ROT_TRANS_HEADS = [4, 3, 3] as const;
/** Names of the three heads, in output order. */
export const ROT_TRANS_HEAD_NAMES = ["rotation", "tx", "ty"] as const;
/** Number of rotation x translation combinations. */
export const ROT_TRANS_SIZE = 36;

/** The three head labels of transformation `t` (0..35): [rotation k, tx index, ty index]. */
export function rotTransLabels(t: number): [number, number, number] {
  if (!Number.isInteger(t) || t < 0 || t >= ROT_TRANS_SIZE) {
    throw new RangeError(`Cannot label transformation ${t}: rot-trans36 has ${ROT_TRANS_SIZE}`);
  }
  return [Math.floor(t / 9), Math.floor(t / 3) % 3, t % 3];
}

/** The 36 rotation x translation transformations for square images of `shape`. */
export function rotTrans36(shape: ImageShape): GeometricSet {
  const { height, width } = shape;
  if (height !== width) {
    throw new RangeError(
      `Cannot build rot-trans36: its rotations need square images, got ${height}x${width}`,
    );
  }
  const s = Math.floor(height / 4);
  if (s < 1) throw new RangeError(`Cannot build rot-trans36: ${height}x${width} is too small`);
  const offsets = [0, -s, s];
  const params: GeometricParams[] = [];
  for (let k = 0; k < 4; k++) {
    for (const tx of offsets) {
      for (const ty of offsets) params.push({ flip: false, tx, ty, k });
    }
  }
  const labels = params.map((p) => geometricLabel(p, { flip: false }));
  return new GeometricSet("rot-trans36", params, { height, width, labels });
}
