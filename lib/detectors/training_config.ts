/**
 * What every self-supervised detector of the GEOM family (GEOM, GOAD, rotation + translation)
 * trains with, and the one preset lookup they share.
 * @module
 */
import { UsageError } from "../util/errors.ts";

/** The training and data fields GEOM, GOAD and rotation + translation configurations share. */
export interface TrainingConfig {
  /** Network: `wrn-<depth>-<widen>` (e.g. `wrn-10-4`), `small-cnn` or `tiny-cnn`. */
  model: string;
  /** Adam learning rate. */
  lr: number;
  /** Adam betas. */
  betas: [number, number];
  /** Adam epsilon (each preset says whose default it follows). */
  adamEpsilon: number;
  /** Pairs per forward pass when scoring. */
  predictBatchSize: number;
  /** Normal training images used (undefined = all, as the papers). Seeded subset. */
  trainLimit?: number;
  /** Test images used (undefined = the full test split, as the papers). Seeded, stratified. */
  testLimit?: number;
}

/**
 * A fresh copy of the preset `name` from `table` (its betas are copied too, so a caller may
 * change them).
 * @throws {UsageError} when `name` is not one of `names`.
 */
export function presetCopy<N extends string, C extends TrainingConfig>(
  names: readonly N[],
  table: Readonly<Record<N, C>>,
  name: string,
): C {
  if (!(names as readonly string[]).includes(name)) {
    throw new UsageError(`unknown preset '${name}' (choose from ${names.join(", ")})`);
  }
  const preset = table[name as N];
  return { ...preset, betas: [...preset.betas] };
}
