/**
 * Transform sets by CLI name.
 * @module
 */
import { UsageError } from "../util/errors.ts";
import { blurSet, sharpenSet } from "./blur.ts";
import { gammaSet } from "./gamma.ts";
import { flipRot8, geometric72, rot4, translate9 } from "./geometric.ts";
import { rot4NoiseSet } from "./mixed.ts";
import { noiseSet } from "./noise.ts";
import { rotTrans36 } from "./rot_trans.ts";
import type { ImageShape, TransformSet } from "./types.ts";

/** Every transform set name, as accepted by `--transforms`. */
export const TRANSFORM_SETS = [
  "geometric72",
  "rot4",
  "flip-rot8",
  "translate9",
  "noise",
  "blur",
  "sharpen",
  "gamma",
  "rot4-noise",
  "rot-trans36",
] as const;

/** A transform set name. */
export type TransformSetName = (typeof TRANSFORM_SETS)[number];

const FACTORIES: Record<TransformSetName, (shape: ImageShape) => TransformSet> = {
  "geometric72": geometric72,
  "rot4": rot4,
  "flip-rot8": flipRot8,
  "translate9": translate9,
  "noise": noiseSet,
  "blur": blurSet,
  "sharpen": sharpenSet,
  "gamma": gammaSet,
  "rot4-noise": rot4NoiseSet,
  "rot-trans36": rotTrans36,
};

/** True when `name` is a known transform set name. */
export function isTransformSetName(name: string): name is TransformSetName {
  return (TRANSFORM_SETS as readonly string[]).includes(name);
}

/**
 * The named set, with its default parameters, for images of `shape`.
 * Unknown names throw a UsageError listing the valid ones; a size a set cannot handle (e.g.
 * rotations of non-square images) throws a RangeError.
 */
export function getTransformSet(name: string, shape: ImageShape): TransformSet {
  if (!isTransformSetName(name)) {
    throw new UsageError(
      `Cannot get transform set '${name}': unknown (choose from ${TRANSFORM_SETS.join(", ")})`,
    );
  }
  return FACTORIES[name]({ height: shape.height, width: shape.width });
}
