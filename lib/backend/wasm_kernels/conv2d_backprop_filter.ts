/**
 * `Conv2DBackpropFilter` for the tfjs wasm backend (stock 4.22 has none).
 *
 * dW[kh, kw, ci, co] = sum over (n, y, x) of X[n, y*sh + kh - pt, x*sw + kw - pl, ci] *
 * dY[n, y, x, co]. The input is rearranged once (in JS) into channel-major "phase planes":
 * for stride s, plane (a, b) holds padded input pixels (s*qy + a, s*qx + b) on a grid of
 * Hq x Wq positions per image, all images one after the other. On that flat grid every
 * filter tap (kh, kw) is the SAME plane read at a constant offset, so the im2col matrix of
 * a tap is a contiguous slice. dY is laid on the same grid with zeros outside the output,
 * which cancels the wrap-around positions. dW is then one plain matrix product
 * [taps*Cin, L] x [L, Cout] (XNNPACK, no transposes), run over cache-sized chunks of L and
 * summed in float64.
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { type ConvGradAttrs, convGeometry } from "./conv_geometry.ts";
import { HeapScope, type WasmBackend, withScope } from "./heap.ts";
import { scratch } from "./layout.ts";

/** Rows of B (dY on the grid) per matrix product; tuned so a chunk of B stays in L2. */
function chunkRows(outChannels: number): number {
  const rows = Math.floor((1 << 17) / outChannels);
  return Math.max(256, Math.min(8192, rows));
}

/** Attributes of Conv2DBackpropFilter. */
export interface Conv2DBackpropFilterAttrs extends ConvGradAttrs {
  filterShape: [number, number, number, number];
}

/**
 * Computes the filter gradient of a conv2d on the wasm heap. `x` is the conv input (NHWC),
 * `dy` the output gradient; returns a new tensor of `attrs.filterShape`.
 */
export function conv2dBackpropFilterWasm(
  scope: HeapScope,
  inputs: { x: tf.TensorInfo; dy: tf.TensorInfo },
  attrs: Conv2DBackpropFilterAttrs,
): tf.TensorInfo {
  const { x, dy } = inputs;
  if (x.dtype !== "float32" || dy.dtype !== "float32") {
    throw new TypeError(`Cannot compute Conv2DBackpropFilter: dtype ${x.dtype} is not float32`);
  }
  const g = convGeometry(x.shape, attrs.filterShape, attrs);
  const { batch: n, inHeight: h, inWidth: w, inChannels: cIn, outChannels: cOut } = g;
  const { filterHeight: kh, filterWidth: kw, strideHeight: sh, strideWidth: sw } = g;
  const { outHeight: ho, outWidth: wo, padTop: pt, padLeft: pl } = g;
  const hq = ho - 1 + Math.ceil(kh / sh);
  const wq = wo - 1 + Math.ceil(kw / sw);
  const grid = n * hq * wq;
  const phases = sh * sw;
  const taps = kh * kw;

  // Phase planes of the padded input, channel-major: xt[(phase * cIn + c) * grid + m].
  const xt = scratch("bpf.xt", phases * cIn * grid);
  xt.fill(0);
  fillPhasePlanes(scope.f32(x), xt, { n, h, w, c: cIn, sh, sw, pt, pl, hq, wq });
  // dY on the grid, pixel-major with zeros outside the real output: dyg[m * cOut + co].
  const dyg = scratch("bpf.dyg", grid * cOut);
  dyg.fill(0);
  const dyv = scope.f32(dy);
  const rowLen = wo * cOut;
  for (let b = 0; b < n; b++) {
    for (let y = 0; y < ho; y++) {
      const src = (b * ho + y) * rowLen;
      dyg.set(dyv.subarray(src, src + rowLen), (b * hq + y) * wq * cOut);
    }
  }

  const maxOff = Math.floor((kh - 1) / sh) * wq + Math.floor((kw - 1) / sw);
  const len = grid - maxOff;
  const step = chunkRows(cOut);
  const acc = new Float64Array(taps * cIn * cOut);
  for (let m0 = 0; m0 < len; m0 += step) {
    const lc = Math.min(step, len - m0);
    const a = scope.alloc([taps * cIn, lc]);
    const bm = scope.alloc([lc, cOut]);
    const av = scope.f32(a);
    for (let i = 0; i < kh; i++) {
      for (let j = 0; j < kw; j++) {
        const t = i * kw + j;
        const plane = (i % sh) * sw + (j % sw);
        const off = Math.floor(i / sh) * wq + Math.floor(j / sw);
        for (let c = 0; c < cIn; c++) {
          const src = (plane * cIn + c) * grid + m0 + off;
          av.set(xt.subarray(src, src + lc), (t * cIn + c) * lc);
        }
      }
    }
    scope.f32(bm).set(dyg.subarray(m0 * cOut, (m0 + lc) * cOut));
    const part = scope.run("BatchMatMul", { a, b: bm }, { transposeA: false, transposeB: false });
    const pv = scope.f32(part);
    for (let i = 0; i < acc.length; i++) acc[i]! += pv[i]!;
    scope.free(part);
    scope.free(bm);
    scope.free(a);
  }
  const out = scope.alloc([kh, kw, cIn, cOut]);
  scope.f32(out).set(acc);
  return out;
}

interface PlaneDims {
  n: number;
  h: number;
  w: number;
  c: number;
  sh: number;
  sw: number;
  pt: number;
  pl: number;
  hq: number;
  wq: number;
}

/** Scatters NHWC `x` into zeroed channel-major phase planes `xt` (see the module doc). */
function fillPhasePlanes(x: Float32Array, xt: Float32Array, d: PlaneDims): void {
  const grid = d.n * d.hq * d.wq;
  // Per input column: destination phase column and grid column (or -1 when cropped).
  const colPhase = new Int32Array(d.w);
  const colQ = new Int32Array(d.w);
  for (let xx = 0; xx < d.w; xx++) {
    const p = xx + d.pl;
    colPhase[xx] = p % d.sw;
    colQ[xx] = Math.floor(p / d.sw) < d.wq ? Math.floor(p / d.sw) : -1;
  }
  for (let b = 0; b < d.n; b++) {
    for (let y = 0; y < d.h; y++) {
      const py = y + d.pt;
      const qy = Math.floor(py / d.sh);
      if (qy >= d.hq) continue;
      const rowPhase = (py % d.sh) * d.sw;
      const gridRow = (b * d.hq + qy) * d.wq;
      const src = (b * d.h + y) * d.w * d.c;
      for (let c = 0; c < d.c; c++) {
        for (let xx = 0; xx < d.w; xx++) {
          const q = colQ[xx]!;
          if (q < 0) continue;
          const plane = rowPhase + colPhase[xx]!;
          xt[(plane * d.c + c) * grid + gridRow + q] = x[src + xx * d.c + c]!;
        }
      }
    }
  }
}

/** Kernel config registering {@link conv2dBackpropFilterWasm} for the wasm backend. */
export const conv2dBackpropFilterConfig: tf.KernelConfig = {
  kernelName: "Conv2DBackpropFilter",
  backendName: "wasm",
  kernelFunc: ({ inputs, backend, attrs }) =>
    withScope(
      backend as WasmBackend,
      (scope) =>
        conv2dBackpropFilterWasm(
          scope,
          inputs as { x: tf.TensorInfo; dy: tf.TensorInfo },
          attrs as unknown as Conv2DBackpropFilterAttrs,
        ),
    ),
};
