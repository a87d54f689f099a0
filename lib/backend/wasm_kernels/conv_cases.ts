/**
 * Convolution configurations the conv-gradient kernel tests run (strides 1 and 2, same,
 * valid and explicit padding, 1x1, 3x3, 5x5 and non-square filters, non-square inputs,
 * several channel counts, batch > 1).
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import type { ConvPad } from "./conv_geometry.ts";

/** One convolution to test. */
export interface ConvCase {
  x: [number, number, number, number];
  filter: [number, number, number, number];
  strides: number | [number, number];
  pad: ConvPad;
}

/** The configurations. */
export const CONV_CASES: ConvCase[] = [
  { x: [2, 8, 8, 3], filter: [3, 3, 3, 8], strides: 1, pad: "same" },
  { x: [2, 8, 8, 3], filter: [3, 3, 3, 8], strides: 2, pad: "same" },
  { x: [2, 7, 9, 4], filter: [3, 3, 4, 5], strides: 2, pad: "same" },
  { x: [3, 9, 6, 5], filter: [1, 1, 5, 6], strides: 1, pad: "valid" },
  { x: [3, 9, 6, 5], filter: [1, 1, 5, 6], strides: 2, pad: "valid" },
  { x: [3, 8, 6, 5], filter: [1, 1, 5, 6], strides: 2, pad: "same" },
  { x: [2, 9, 7, 4], filter: [3, 2, 4, 5], strides: 2, pad: "valid" },
  { x: [2, 9, 7, 4], filter: [2, 3, 4, 5], strides: 1, pad: "valid" },
  { x: [2, 10, 11, 4], filter: [5, 5, 4, 3], strides: 3, pad: "same" },
  { x: [2, 10, 11, 4], filter: [3, 3, 4, 5], strides: [2, 1], pad: "same" },
  { x: [2, 10, 11, 4], filter: [2, 2, 4, 3], strides: 3, pad: "valid" },
  { x: [2, 11, 10, 3], filter: [1, 3, 3, 4], strides: [3, 2], pad: "same" },
  { x: [2, 5, 6, 2], filter: [3, 3, 2, 3], strides: 1, pad: [[0, 0], [0, 4], [1, 3], [0, 0]] },
  { x: [2, 16, 16, 16], filter: [3, 3, 16, 32], strides: 1, pad: "same" },
  { x: [2, 16, 16, 16], filter: [3, 3, 16, 32], strides: 2, pad: "same" },
];

/** The output (dy) shape of a case. */
export function outShape(c: ConvCase): number[] {
  const info = tf.backend_util.computeConv2DInfo(c.x, c.filter, c.strides, 1, c.pad);
  return info.outShape;
}

/** A short label for messages. */
export function caseLabel(c: ConvCase): string {
  return `x=[${c.x}] f=[${c.filter}] s=${JSON.stringify(c.strides)} pad=${JSON.stringify(c.pad)}`;
}
