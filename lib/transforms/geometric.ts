/**
 * Geometric transform sets (the paper's 72 and its subsets), each applied to a mixed batch as
 * ONE pixel remap with index maps precomputed for the set's image size.
 * @module
 */
import type * as tf from "@tensorflow/tfjs";
import { geometricIndexMap, type GeometricParams } from "./index_map.ts";
import { type RemapMethod, remapPixels } from "./remap.ts";
import type { ApplyOptions, ImageShape, TransformSet } from "./types.ts";
import { checkBatch, checkShape } from "./validate.ts";

/** Options for the geometric set factories. */
export interface GeometricSetOptions extends ImageShape {
  /**
   * Translation step s in pixels. Default: floor(height / 4) for rows and floor(width / 4) for
   * columns, i.e. 8 for 32x32 and 16 for 64x64 as in the paper (7 for unpadded 28x28).
   */
  shift?: number;
}

/** A geometric transform set: every member is a pixel permutation-with-repeats. */
export class GeometricSet implements TransformSet {
  readonly kind = "geometric" as const;
  readonly stochastic = false;
  readonly size: number;
  readonly labels: readonly string[];
  readonly height: number;
  readonly width: number;
  /** The parameters of each transformation, by index. */
  readonly params: readonly Readonly<GeometricParams>[];
  readonly #maps: Int32Array[];

  /** Builds a set from explicit parameters (index i applies `params[i]`). */
  constructor(
    readonly name: string,
    params: readonly GeometricParams[],
    options: ImageShape & { labels?: readonly string[] },
  ) {
    checkShape(name, options);
    const { height, width } = options;
    if (params.some((p) => p.k % 2 !== 0) && height !== width) {
      throw new RangeError(
        `Cannot build ${name}: 90-degree rotations need square images, got ${height}x${width}`,
      );
    }
    this.height = height;
    this.width = width;
    this.params = params.map((p) => ({ ...p }));
    this.size = params.length;
    this.labels = options.labels ?? params.map((p) => geometricLabel(p));
    this.#maps = params.map((p) => geometricIndexMap(p, { height, width }));
  }

  /** The index map of transformation `t`: out[p] = in[map[p]] over row-major pixels (a copy). */
  indexMap(t: number): Int32Array {
    const m = this.#maps[t];
    if (!m) throw new RangeError(`Cannot get index map ${t} of ${this.name}: size ${this.size}`);
    return m.slice();
  }

  /**
   * Applies transformation t[n] to image n as one pixel remap (a JS loop on host-memory
   * backends, one gather elsewhere; `options.method` forces one).
   */
  apply(
    x: tf.Tensor4D,
    t: ArrayLike<number>,
    options: ApplyOptions & { method?: RemapMethod } = {},
  ): tf.Tensor4D {
    checkBatch(this, x, t, options);
    const maps = Array.from(t, (ti) => this.#maps[ti]!);
    return remapPixels(x, maps, { method: options.method });
  }
}

/** Label of one geometric transformation, e.g. `flip=0 tx=-8 ty=0 rot=90`. */
export function geometricLabel(
  p: GeometricParams,
  parts: { flip?: boolean; translate?: boolean; rotate?: boolean } = {},
): string {
  const { flip = true, translate = true, rotate = true } = parts;
  const out: string[] = [];
  if (flip) out.push(`flip=${p.flip ? 1 : 0}`);
  if (translate) out.push(`tx=${p.tx}`, `ty=${p.ty}`);
  if (rotate) out.push(`rot=${90 * p.k}`);
  return out.join(" ");
}

function shifts(name: string, options: GeometricSetOptions): [number, number] {
  checkShape(name, options);
  const sx = options.shift ?? Math.floor(options.height / 4);
  const sy = options.shift ?? Math.floor(options.width / 4);
  if (!Number.isInteger(sx) || !Number.isInteger(sy) || sx < 1 || sy < 1) {
    throw new RangeError(
      `Cannot build ${name}: translation step ${sx}x${sy} for ${options.height}x${options.width} images is below 1 pixel`,
    );
  }
  return [sx, sy];
}

/** Translation offsets by index: 0 -> 0, 1 -> -s, 2 -> +s (the paper's order). */
function offsets(s: number): number[] {
  return [0, -s, s];
}

/**
 * The paper's 72 transformations: index = 36*flip + 12*txIdx + 4*tyIdx + k with
 * tx, ty in (0, -s, +s) by index and k counter-clockwise quarter turns. Applied as flip
 * left-right, then translation with half-sample-symmetric reflection, then rotation.
 */
export function geometric72(options: GeometricSetOptions): GeometricSet {
  const [sx, sy] = shifts("geometric72", options);
  const params: GeometricParams[] = [];
  for (const flip of [false, true]) {
    for (const tx of offsets(sx)) {
      for (const ty of offsets(sy)) {
        for (let k = 0; k < 4; k++) params.push({ flip, tx, ty, k });
      }
    }
  }
  return new GeometricSet("geometric72", params, options);
}

/** The 4 rotations by k*90 degrees counter-clockwise; index = k. */
export function rot4(options: ImageShape): GeometricSet {
  const params = [0, 1, 2, 3].map((k) => ({ flip: false, tx: 0, ty: 0, k }));
  const labels = params.map((p) => geometricLabel(p, { flip: false, translate: false }));
  return new GeometricSet("rot4", params, { ...options, labels });
}

/** Flip x rotation (the paper's MNIST intuition set); index = 4*flip + k. */
export function flipRot8(options: ImageShape): GeometricSet {
  const params: GeometricParams[] = [];
  for (const flip of [false, true]) {
    for (let k = 0; k < 4; k++) params.push({ flip, tx: 0, ty: 0, k });
  }
  const labels = params.map((p) => geometricLabel(p, { translate: false }));
  return new GeometricSet("flip-rot8", params, { ...options, labels });
}

/** The 9 reflected translations; index = 3*txIdx + tyIdx. Works on non-square images. */
export function translate9(options: GeometricSetOptions): GeometricSet {
  const [sx, sy] = shifts("translate9", options);
  const params: GeometricParams[] = [];
  for (const tx of offsets(sx)) {
    for (const ty of offsets(sy)) params.push({ flip: false, tx, ty, k: 0 });
  }
  const labels = params.map((p) => geometricLabel(p, { flip: false, rotate: false }));
  return new GeometricSet("translate9", params, { ...options, labels });
}
