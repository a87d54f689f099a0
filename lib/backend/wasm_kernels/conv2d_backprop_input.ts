/**
 * `Conv2DBackpropInput` for the tfjs wasm backend (stock 4.22 runs a naive loop, ~1 GFLOP/s).
 *
 * dX[i] = sum over (o, k) with o*s + k - p = i of dY[o] W[k] (per spatial dimension).
 * Split dX by phase r = i mod s: each phase is a stride-1 correlation of dY with the taps
 * k = r + p (mod s), at offsets d = (r + p - k) / s. All phases share one window of offsets
 * [dmin, dmax], so ONE forward Conv2D (XNNPACK) of the padded dY with a rearranged filter
 * [Dh, Dw, Cout, phases*Cin] computes every phase; the phases are then interleaved into dX
 * (a depth-to-space). For stride 1 this is the classic "convolve with the flipped filter".
 * Phases without any tap (e.g. a 1x1 filter with stride 2) are left out of the conv and
 * written as zeros.
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { convGeometry, type ConvGradAttrs } from "./conv_geometry.ts";
import { HeapScope, type WasmBackend, withScope } from "./heap.ts";

/** Attributes of Conv2DBackpropInput. */
export interface Conv2DBackpropInputAttrs extends ConvGradAttrs {
  inputShape: [number, number, number, number];
}

/** The taps of one spatial dimension, grouped by output phase. */
interface PhasePlan {
  /** Phases r (0..s-1) that receive at least one tap, in order. */
  active: number[];
  /** For each active phase: [filter index k, window index j] pairs. */
  taps: Array<Array<[number, number]>>;
  /** Window size D = dmax - dmin + 1. */
  window: number;
  /** Zero rows to add before dY (negative: rows to drop). */
  padBefore: number;
  /** Zero rows to add after dY (negative: rows to drop). */
  padAfter: number;
  /** Positions per phase, ceil(in / s). */
  q: number;
}

function planDim(size: number, outSize: number, k: number, s: number, p: number): PhasePlan {
  const byPhase: Array<Array<[number, number]>> = [];
  let dmin = Infinity;
  let dmax = -Infinity;
  for (let r = 0; r < s; r++) {
    const list: Array<[number, number]> = [];
    for (let kk = 0; kk < k; kk++) {
      const num = r + p - kk;
      if (((num % s) + s) % s !== 0) continue;
      const d = num / s;
      list.push([kk, d]);
      dmin = Math.min(dmin, d);
      dmax = Math.max(dmax, d);
    }
    byPhase.push(list);
  }
  const active: number[] = [];
  const taps: Array<Array<[number, number]>> = [];
  byPhase.forEach((list, r) => {
    if (list.length === 0) return;
    active.push(r);
    taps.push(list.map(([kk, d]) => [kk, d - dmin]));
  });
  const q = Math.ceil(size / s);
  return {
    active,
    taps,
    window: dmax - dmin + 1,
    padBefore: -dmin,
    padAfter: q - 1 + dmax - (outSize - 1),
    q,
  };
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
  const { batch: n, inHeight: h, inWidth: w, inChannels: cIn, outChannels: cOut } = g;
  const { filterWidth: kw, outHeight: ho, outWidth: wo } = g;
  const ph = planDim(h, ho, g.filterHeight, g.strideHeight, g.padTop);
  const pw = planDim(w, wo, kw, g.strideWidth, g.padLeft);
  const phases = ph.active.length * pw.active.length;
  const wide = phases * cIn;

  // Rearranged filter w2[jh, jw, co, phase * cIn + ci] = W[kh, kw, ci, co].
  const w2 = scope.zeros([ph.window, pw.window, cOut, wide]);
  const w2v = scope.f32(w2);
  const fv = scope.f32(filter);
  ph.taps.forEach((tapsH, ih) => {
    pw.taps.forEach((tapsW, iw) => {
      const base = (ih * pw.active.length + iw) * cIn;
      for (const [kh, jh] of tapsH) {
        for (const [kk, jw] of tapsW) {
          const dst = (jh * pw.window + jw) * cOut * wide + base;
          const src = (kh * kw + kk) * cIn * cOut;
          for (let ci = 0; ci < cIn; ci++) {
            for (let co = 0; co < cOut; co++) {
              w2v[dst + co * wide + ci] = fv[src + ci * cOut + co]!;
            }
          }
        }
      }
    });
  });

  let dyIn = dy;
  let pads = [ph.padBefore, ph.padAfter, pw.padBefore, pw.padAfter];
  if (pads.some((v) => v < 0)) {
    dyIn = padOrCrop(scope, dy, pads);
    pads = [0, 0, 0, 0];
  }
  const conv = scope.run("Conv2D", { x: dyIn, filter: w2 }, {
    strides: [1, 1],
    pad: [[0, 0], [pads[0]!, pads[1]!], [pads[2]!, pads[3]!], [0, 0]],
    dataFormat: "NHWC",
    dilations: [1, 1],
  });
  if (phases === 1 && ph.active[0] === 0 && pw.active[0] === 0 && ph.q === h && pw.q === w) {
    return conv; // stride 1 (or every other phase empty and nothing to crop): conv is dX.
  }

  // Interleave phases: dX[b, qy*sh + rh, qx*sw + rw, :] = conv[b, qy, qx, phase(rh, rw), :].
  const out = scope.alloc([n, h, w, cIn]);
  const ov = scope.f32(out);
  const cv = scope.f32(conv);
  const sh = g.strideHeight;
  const sw = g.strideWidth;
  const phaseW = new Int32Array(sw).fill(-1);
  pw.active.forEach((r, i) => (phaseW[r] = i));
  const phaseH = new Int32Array(sh).fill(-1);
  ph.active.forEach((r, i) => (phaseH[r] = i));
  for (let b = 0; b < n; b++) {
    for (let y = 0; y < h; y++) {
      const ih = phaseH[y % sh]!;
      const rowDst = (b * h + y) * w * cIn;
      if (ih < 0) {
        ov.fill(0, rowDst, rowDst + w * cIn);
        continue;
      }
      const rowSrc = (b * ph.q + Math.floor(y / sh)) * pw.q * wide + ih * pw.active.length * cIn;
      for (let x = 0; x < w; x++) {
        const iw = phaseW[x % sw]!;
        const dst = rowDst + x * cIn;
        if (iw < 0) {
          ov.fill(0, dst, dst + cIn);
          continue;
        }
        const src = rowSrc + Math.floor(x / sw) * wide + iw * cIn;
        ov.set(cv.subarray(src, src + cIn), dst);
      }
    }
  }
  return out;
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
