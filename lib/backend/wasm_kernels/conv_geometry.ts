/**
 * The geometry of a 2-D convolution (NHWC input, HWIO filter), computed with tfjs's own
 * `computeConv2DInfo` so that padding ('same', 'valid', explicit, rounding modes) means
 * exactly what it means in the reference kernels.
 * @module
 */
import * as tf from "@tensorflow/tfjs";

/** Padding as the conv kernels' attrs carry it. */
export type ConvPad = "valid" | "same" | number | tf.backend_util.ExplicitPadding;

/** Attributes shared by Conv2DBackpropFilter and Conv2DBackpropInput. */
export interface ConvGradAttrs {
  strides: [number, number] | number;
  pad: ConvPad;
  dataFormat: "NHWC" | "NCHW";
  dimRoundingMode?: "floor" | "round" | "ceil";
}

/** Sizes of one convolution. */
export interface ConvGeometry {
  batch: number;
  inHeight: number;
  inWidth: number;
  inChannels: number;
  outHeight: number;
  outWidth: number;
  outChannels: number;
  filterHeight: number;
  filterWidth: number;
  strideHeight: number;
  strideWidth: number;
  padTop: number;
  padLeft: number;
}

/** Computes the geometry, rejecting what the replacement kernels do not handle. */
export function convGeometry(
  xShape: readonly number[],
  filterShape: readonly number[],
  attrs: ConvGradAttrs,
): ConvGeometry {
  if (attrs.dataFormat === "NCHW") {
    throw new RangeError("Cannot run conv gradient on wasm: dataFormat NCHW is unsupported");
  }
  const info = tf.backend_util.computeConv2DInfo(
    xShape as [number, number, number, number],
    filterShape as [number, number, number, number],
    attrs.strides,
    1,
    attrs.pad,
    attrs.dimRoundingMode,
    false,
    "channelsLast",
  );
  return {
    batch: info.batchSize,
    inHeight: info.inHeight,
    inWidth: info.inWidth,
    inChannels: info.inChannels,
    outHeight: info.outHeight,
    outWidth: info.outWidth,
    outChannels: info.outChannels,
    filterHeight: info.filterHeight,
    filterWidth: info.filterWidth,
    strideHeight: info.strideHeight,
    strideWidth: info.strideWidth,
    padTop: info.padInfo.top,
    padLeft: info.padInfo.left,
  };
}

/** Multiply-accumulates of one convolution (forward; each gradient costs the same). */
export function convMacs(g: ConvGeometry): number {
  return g.batch * g.outHeight * g.outWidth * g.filterHeight * g.filterWidth * g.inChannels *
    g.outChannels;
}
