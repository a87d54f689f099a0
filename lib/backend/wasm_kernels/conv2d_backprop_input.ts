/**
 * `Conv2DBackpropInput` for the tfjs wasm backend (stock 4.22 runs a naive loop, ~1 GFLOP/s).
 *
 * dX[i] = sum over (o, k) with o*s + k - p = i of dY[o] W[k] (per spatial dimension).
 * Split dX by phase r = i mod s: phase r is a stride-1 correlation of dY with only the taps
 * k = r + p (mod s), at offsets d = (r + p - k) / s. So each phase (rh, rw) is ONE forward
 * Conv2D (XNNPACK) of dY, padded to its offset window, with the flipped sub-filter of its
 * taps [Dh, Dw, Cout, Cin]; all phases together do exactly the work of the forward conv.
 * The phases are then interleaved into dX (for stride 1 there is one phase and the conv
 * output is dX). Phases no tap reaches (e.g. a 1x1 filter with stride 2) are zeros.
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { convGeometry, type ConvGradAttrs } from "./conv_geometry.ts";
import { HeapScope, type WasmBackend, withScope } from "./heap.ts";

/** Attributes of Conv2DBackpropInput. */
export interface Conv2DBackpropInputAttrs extends ConvGradAttrs {
  inputShape: [number, number, number, number];
}

/** One output phase of one spatial dimension. */
interface Phase {
  /** Phase r: dX positions q*s + r. */
  r: number;
  /** Number of dX positions of this phase, ceil((size - r) / s). */
  q: number;
  /** [filter index k, window index j] of each tap, j = d - dmin. */
  taps: Array<[number, number]>;
  /** Window size D = dmax - dmin + 1. */
  window: number;
  /** Zero rows to add before dY (negative: rows to drop). */
  padBefore: number;
  /** Zero rows to add after dY (negative: rows to drop). */
  padAfter: number;
}

/** The phases of one dimension that at least one tap reaches. */
function planDim(size: number, outSize: number, k: number, s: number, p: number): Phase[] {
  const phases: Phase[] = [];
  for (let r = 0; r < Math.min(s, size); r++) {
    const list: Array<[number, number]> = [];
    for (let kk = 0; kk < k; kk++) {
      const num = r + p - kk;
      if (((num % s) + s) % s === 0) list.push([kk, num / s]);
    }
    if (list.length === 0) continue;
    const dmin = Math.min(...list.map(([, d]) => d));
    const dmax = Math.max(...list.map(([, d]) => d));
    const q = Math.ceil((size - r) / s);
    phases.push({
      r,
      q,
      taps: list.map(([kk, d]) => [kk, d - dmin]),
      window: dmax - dmin + 1,
      padBefore: -dmin,
      padAfter: q - 1 + dmax - (outSize - 1),
    });
  }
  return phases;
}

/**
 * Computes the input gradient of a conv2d on the wasm heap: `dy` is the output gradient
 * (NHWC), `filter` the HWIO filter; returns a new tensor of `attrs.inputShape`.
 */
export function conv2dBackpropInputWasm(
  scope: HeapScope,
  inputs: { dy: tf.TensorInfo; filter: tf.TensorInfo },
  attrs: Conv2DBackpropInputAttrs,
): tf.TensorInfo {
  const { dy, filter } = inputs;
  if (dy.dtype !== "float32" || filter.dtype !== "float32") {
    throw new TypeError(`Cannot compute Conv2DBackpropInput: dtype ${dy.dtype} is not float32`);
  }
  const g = convGeometry(attrs.inputShape, filter.shape, attrs);
  const { batch: n, inHeight: h, inWidth: w, inChannels: cIn } = g;
  const sh = g.strideHeight;
  const sw = g.strideWidth;
  const rowPhases = planDim(h, g.outHeight, g.filterHeight, sh, g.padTop);
  const colPhases = planDim(w, g.outWidth, g.filterWidth, sw, g.padLeft);
  const single = sh === 1 && sw === 1;
  const out = single ? undefined : scope.alloc([n, h, w, cIn]);
  if (out && rowPhases.length * colPhases.length < sh * sw) scope.f32(out).fill(0);
  for (const ph of rowPhases) {
    for (const pw of colPhases) {
      const part = phaseConv(scope, dy, filter, ph, pw);
      if (!out) return part; // stride 1: the only phase is dX itself.
      interleave(scope.f32(part), scope.f32(out), { n, h, w, c: cIn, sh, sw, ph, pw });
      scope.free(part);
    }
  }
  return out!;
}

/** One phase of dX: [n, ph.q, pw.q, cIn]. */
function phaseConv(
  scope: HeapScope,
  dy: tf.TensorInfo,
  filter: tf.TensorInfo,
  ph: Phase,
  pw: Phase,
): tf.TensorInfo {
  const [, kw, cIn, cOut] = filter.shape as [number, number, number, number];
  // Flipped sub-filter w2[jh, jw, co, ci] = W[kh, kw, ci, co] (HWIO with I = cOut, O = cIn).
  const w2 = scope.zeros([ph.window, pw.window, cOut, cIn]);
  const w2v = scope.f32(w2);
  const fv = scope.f32(filter);
  for (const [i, jh] of ph.taps) {
    for (const [j, jw] of pw.taps) {
      const dst = (jh * pw.window + jw) * cOut * cIn;
      const src = (i * kw + j) * cIn * cOut;
      for (let ci = 0; ci < cIn; ci++) {
        for (let co = 0; co < cOut; co++) w2v[dst + co * cIn + ci] = fv[src + ci * cOut + co]!;
      }
    }
  }
  let dyIn = dy;
  let pads = [ph.padBefore, ph.padAfter, pw.padBefore, pw.padAfter];
  if (pads.some((v) => v < 0)) {
    dyIn = padOrCrop(scope, dy, pads);
    pads = [0, 0, 0, 0];
  }
  const part = scope.run("Conv2D", { x: dyIn, filter: w2 }, {
    strides: [1, 1],
    pad: [[0, 0], [pads[0]!, pads[1]!], [pads[2]!, pads[3]!], [0, 0]],
    dataFormat: "NHWC",
    dilations: [1, 1],
  });
  if (dyIn !== dy) scope.free(dyIn);
  scope.free(w2);
  return part;
}

/** Writes phase (ph.r, pw.r) of dX: out[b, qy*sh + rh, qx*sw + rw, :] = part[b, qy, qx, :]. */
function interleave(
  part: Float32Array,
  out: Float32Array,
  d: { n: number; h: number; w: number; c: number; sh: number; sw: number; ph: Phase; pw: Phase },
): void {
  const { n, h, w, c, sh, sw, ph, pw } = d;
  for (let b = 0; b < n; b++) {
    for (let qy = 0; qy < ph.q; qy++) {
      let src = (b * ph.q + qy) * pw.q * c;
      let dst = ((b * h + qy * sh + ph.r) * w + pw.r) * c;
      const skip = (sw - 1) * c;
      for (let qx = 0; qx < pw.q; qx++) {
        for (let k = 0; k < c; k++) out[dst++] = part[src++]!;
        dst += skip;
      }
    }
  }
}

/** Copies NHWC `x` with [top, bottom, left, right] rows/columns added (zeros) or dropped. */
function padOrCrop(scope: HeapScope, x: tf.TensorInfo, pads: number[]): tf.TensorInfo {
  const [n, h, w, c] = x.shape as [number, number, number, number];
  const [t, bt, l, r] = pads as [number, number, number, number];
  const h2 = h + t + bt;
  const w2 = w + l + r;
  const out = scope.zeros([n, h2, w2, c]);
  const ov = scope.f32(out);
  const xv = scope.f32(x);
  const x0 = Math.max(0, -l);
  const x1 = Math.min(w, w2 - l);
  for (let b = 0; b < n; b++) {
    for (let y = Math.max(0, -t); y < Math.min(h, h2 - t); y++) {
      const src = ((b * h + y) * w + x0) * c;
      ov.set(xv.subarray(src, src + (x1 - x0) * c), ((b * h2 + y + t) * w2 + x0 + l) * c);
    }
  }
  return out;
}

/** Kernel config registering {@link conv2dBackpropInputWasm} for the wasm backend. */
export const conv2dBackpropInputConfig: tf.KernelConfig = {
  kernelName: "Conv2DBackpropInput",
  backendName: "wasm",
  kernelFunc: ({ inputs, backend, attrs }) =>
    withScope(
      backend as WasmBackend,
      (scope) =>
        conv2dBackpropInputWasm(
          scope,
          inputs as { dy: tf.TensorInfo; filter: tf.TensorInfo },
          attrs as unknown as Conv2DBackpropInputAttrs,
        ),
    ),
};
