/**
 * Builds a network from its name, as presets and the CLI spell it:
 * `wrn-<depth>-<widen>` (e.g. `wrn-10-4`), `small-cnn`, `tiny-cnn` (for smoke tests).
 * @module
 */
import type * as tf from "@tensorflow/tfjs";
import { UsageError } from "../util/errors.ts";
import { buildSmallCnn } from "./small_cnn.ts";
import { buildWrn } from "./wrn.ts";

/** Options for {@linkcode buildModel}. */
export interface BuildModelOptions {
  inputShape: readonly [number, number, number];
  nClasses: number;
  seed?: number;
}

/** Filters of `tiny-cnn`, the smoke-test network. */
export const TINY_CNN_FILTERS = [8, 16, 32] as const;

/** Model names {@linkcode buildModel} accepts (WRN takes any valid depth and widening). */
export const MODEL_NAMES = ["wrn-10-4", "wrn-16-8", "small-cnn", "tiny-cnn"] as const;

/** Builds the named network (uncompiled, softmax output). Unknown name -> UsageError. */
export function buildModel(name: string, options: BuildModelOptions): tf.LayersModel {
  const wrn = /^wrn-(\d+)-(\d+)$/.exec(name);
  if (wrn) {
    return buildWrn({ ...options, depth: Number(wrn[1]), widen: Number(wrn[2]) });
  }
  if (name === "small-cnn") return buildSmallCnn(options);
  if (name === "tiny-cnn") return buildSmallCnn({ ...options, filters: TINY_CNN_FILTERS });
  throw new UsageError(
    `unknown model '${name}' (choose from ${MODEL_NAMES.join(", ")}, or wrn-<depth>-<widen>)`,
  );
}
