/**
 * `Conv2DBackpropFilter` for the tfjs wasm backend (stock 4.22 has none).
 *
 * dW[kh, kw, ci, co] = sum over (n, y, x) of X[n, y*sh + kh - pt, x*sw + kw - pl, ci] *
 * dY[n, y, x, co], i.e. dW = im2col(X)^T dY. The input is rearranged once (in JS) into
 * channel-major "phase planes": for stride s, plane (a, b) holds the padded input pixels
 * (s*qy + a, s*qx + b), so every filter tap (kh, kw) reads ONE plane at a constant offset
 * and each row of the transposed im2col matrix is a sequence of contiguous runs. dW is then
 * a plain matrix product [taps*Cin, pixels] x [pixels, Cout] (XNNPACK's fast path: no
 * transposes), run over cache-sized chunks of output rows and summed in float64.
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { convGeometry, type ConvGradAttrs } from "./conv_geometry.ts";
import { HeapScope, type WasmBackend, withScope } from "./heap.ts";
import { scratch } from "./layout.ts";

/** Pixels (rows of B = dY) per matrix product; tuned so a chunk of B stays in L2. */
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
  const taps = kh * kw;
  // Only the phases some tap reads get a plane (a 1x1 filter with stride 2 reads one of 4).
  const rowPlane = usedPhases(kh, sh);
  const colPlane = usedPhases(kw, sw);
  const nColPlanes = Math.max(...colPlane) + 1;
  const planes = (Math.max(...rowPlane) + 1) * nColPlanes;

  // Phase planes of the padded input, channel-major: xt[(plane * cIn + c) * grid + m].
  const xt = scratch("bpf.xt", planes * cIn * grid);
  xt.fill(0);
  fillPhasePlanes(scope.f32(x), xt, {
    n,
    h,
    w,
    c: cIn,
    sh,
    sw,
    pt,
    pl,
    hq,
    wq,
    rowPlane,
    colPlane,
    nColPlanes,
  });

  // Each tap reads its plane at a fixed offset; output row r = (b, y) reads plane row b*hq + y.
  const tapPlane: number[] = [];
  const tapOffset: number[] = [];
  for (let i = 0; i < kh; i++) {
    for (let j = 0; j < kw; j++) {
      tapPlane.push(rowPlane[i % sh]! * nColPlanes + colPlane[j % sw]!);
      tapOffset.push(Math.floor(i / sh) * wq + Math.floor(j / sw));
    }
  }
  const rows = n * ho;
  const rowsPerChunk = Math.max(1, Math.floor(chunkRows(cOut) / wo));
  const acc = new Float64Array(taps * cIn * cOut);
  for (let r0 = 0; r0 < rows; r0 += rowsPerChunk) {
    const nr = Math.min(rowsPerChunk, rows - r0);
    const lc = nr * wo;
    const a = scope.alloc([taps * cIn, lc]);
    const bm = scope.alloc([lc, cOut]);
    // im2col, transposed: a[(t * cIn + c), (r - r0) * wo + x] = plane value under tap t.
    const av = scope.f32(a);
    for (let t = 0; t < taps; t++) {
      for (let c = 0; c < cIn; c++) {
        const plane = (tapPlane[t]! * cIn + c) * grid + tapOffset[t]!;
        let o = (t * cIn + c) * lc;
        for (let r = r0; r < r0 + nr; r++) {
          const b = Math.floor(r / ho);
          let i = plane + (b * hq + (r - b * ho)) * wq;
          for (let xx = 0; xx < wo; xx++) av[o++] = xt[i++]!;
        }
      }
    }
    scope.f32(bm).set(scope.f32(dy).subarray(r0 * wo * cOut, (r0 + nr) * wo * cOut));
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

/**
 * For each phase r of a dimension with filter size k and stride s: its plane index among
 * the phases some tap reads (k' = r mod s for some k' < k), or -1 when no tap reads it.
 */
function usedPhases(k: number, s: number): number[] {
  const index: number[] = [];
  let next = 0;
  for (let r = 0; r < s; r++) index.push(r < k ? next++ : -1);
  return index;
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
  rowPlane: number[];
  colPlane: number[];
  nColPlanes: number;
}

/** Scatters NHWC `x` into zeroed channel-major phase planes `xt` (see the module doc). */
function fillPhasePlanes(x: Float32Array, xt: Float32Array, d: PlaneDims): void {
  const grid = d.n * d.hq * d.wq;
  // Per input column: destination plane column and grid column (-1: cropped or unread).
  const colPlane = new Int32Array(d.w);
  const colQ = new Int32Array(d.w);
  for (let xx = 0; xx < d.w; xx++) {
    const p = xx + d.pl;
    const q = Math.floor(p / d.sw);
    colPlane[xx] = d.colPlane[p % d.sw]!;
    colQ[xx] = q < d.wq && colPlane[xx]! >= 0 ? q : -1;
  }
  for (let b = 0; b < d.n; b++) {
    for (let y = 0; y < d.h; y++) {
      const py = y + d.pt;
      const qy = Math.floor(py / d.sh);
      const rowPlane = d.rowPlane[py % d.sh]!;
      if (qy >= d.hq || rowPlane < 0) continue;
      const planeRow = rowPlane * d.nColPlanes;
      const gridRow = (b * d.hq + qy) * d.wq;
      const src = (b * d.h + y) * d.w * d.c;
      for (let c = 0; c < d.c; c++) {
        for (let xx = 0; xx < d.w; xx++) {
          const q = colQ[xx]!;
          if (q < 0) continue;
          const plane = planeRow + colPlane[xx]!;
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
