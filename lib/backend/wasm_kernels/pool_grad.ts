/**
 * `MaxPoolGrad` and `AvgPoolGrad` for the tfjs wasm backend. The stock kernels are slow (~0.3 s
 * for a 2x2 max pooling of a [128, 32, 32, 32] batch, ~70 ms for a 2x2 average pooling of
 * [128, 8, 8, 128]). Both walk the pooling windows once with channel-vectorised JS loops:
 * max pooling adds dy at each window's arg-max (first maximum in row-major window order, as
 * the reference `cpu` kernel), average pooling spreads dy over the window with the constant
 * weight 1 / (filterHeight * filterWidth), as the `cpu` kernel does.
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { HeapScope, runWasmKernel, type WasmBackend, withScope } from "./heap.ts";

/** Attributes of MaxPoolGrad and AvgPoolGrad. */
export interface PoolGradAttrs {
  filterSize: [number, number] | number;
  strides: [number, number] | number;
  pad: "valid" | "same" | number | tf.backend_util.ExplicitPadding;
  dimRoundingMode?: "floor" | "round" | "ceil";
}

/** One pooling window, clipped to the input: rows [yMin, yMax), columns [xMin, xMax). */
interface Window {
  b: number;
  yMin: number;
  yMax: number;
  xMin: number;
  xMax: number;
  /** Offset of this window's dy values (c channels) in dy. */
  dyBase: number;
}

/** Pool geometry of `x` and a walker over every (batch, output row, output column) window. */
function poolWindows(x: tf.TensorInfo, attrs: PoolGradAttrs) {
  const info = tf.backend_util.computePool2DInfo(
    x.shape as [number, number, number, number],
    attrs.filterSize,
    attrs.strides,
    1,
    attrs.pad,
    attrs.dimRoundingMode,
  );
  const { batchSize: n, inHeight: h, inWidth: w, inChannels: c } = info;
  const { outHeight: ho, outWidth: wo, strideHeight: sh, strideWidth: sw } = info;
  const { filterHeight: fh, filterWidth: fw } = info;
  const pt = info.padInfo.top;
  const pl = info.padInfo.left;
  const forEach = (visit: (win: Window) => void) => {
    const win: Window = { b: 0, yMin: 0, yMax: 0, xMin: 0, xMax: 0, dyBase: 0 };
    for (let b = 0; b < n; b++) {
      win.b = b;
      for (let oy = 0; oy < ho; oy++) {
        const y0 = oy * sh - pt;
        win.yMin = Math.max(0, y0);
        win.yMax = Math.min(h, y0 + fh);
        for (let ox = 0; ox < wo; ox++) {
          const x0 = ox * sw - pl;
          win.xMin = Math.max(0, x0);
          win.xMax = Math.min(w, x0 + fw);
          win.dyBase = ((b * ho + oy) * wo + ox) * c;
          visit(win);
        }
      }
    }
  };
  return { n, h, w, c, fh, fw, forEach };
}

/** Gradient of max pooling with respect to its input `x`, given `dy`. */
export function maxPoolGradWasm(
  scope: HeapScope,
  inputs: { dy: tf.TensorInfo; x: tf.TensorInfo },
  attrs: PoolGradAttrs,
): tf.TensorInfo {
  const { n, h, w, c, forEach } = poolWindows(inputs.x, attrs);
  const dx = scope.zeros([n, h, w, c]);
  const dxv = scope.f32(dx);
  const xv = scope.f32(inputs.x);
  const dyv = scope.f32(inputs.dy);
  const best = new Float32Array(c);
  const arg = new Int32Array(c);
  forEach(({ b, yMin, yMax, xMin, xMax, dyBase }) => {
    best.fill(-Infinity);
    arg.fill(-1);
    for (let yy = yMin; yy < yMax; yy++) {
      for (let xx = xMin; xx < xMax; xx++) {
        const base = ((b * h + yy) * w + xx) * c;
        for (let k = 0; k < c; k++) {
          const v = xv[base + k]!;
          if (v > best[k]!) {
            best[k] = v;
            arg[k] = base + k;
          }
        }
      }
    }
    for (let k = 0; k < c; k++) {
      const at = arg[k]!;
      if (at >= 0) dxv[at] = dxv[at]! + dyv[dyBase + k]!;
    }
  });
  return dx;
}

/** Gradient of average pooling with respect to its input (of shape `x.shape`). */
export function avgPoolGradWasm(
  scope: HeapScope,
  inputs: { dy: tf.TensorInfo; x: tf.TensorInfo },
  attrs: PoolGradAttrs,
): tf.TensorInfo {
  // AvgPoolGrad has no dimRoundingMode: its windows are the forward op's default ones.
  const { n, h, w, c, fh, fw, forEach } = poolWindows(inputs.x, {
    ...attrs,
    dimRoundingMode: undefined,
  });
  const weight = 1 / (fh * fw);
  const dx = scope.zeros([n, h, w, c]);
  const dxv = scope.f32(dx);
  const dyv = scope.f32(inputs.dy);
  const scaled = new Float32Array(c);
  forEach(({ b, yMin, yMax, xMin, xMax, dyBase }) => {
    for (let k = 0; k < c; k++) scaled[k] = dyv[dyBase + k]! * weight;
    for (let yy = yMin; yy < yMax; yy++) {
      for (let xx = xMin; xx < xMax; xx++) {
        const base = ((b * h + yy) * w + xx) * c;
        for (let k = 0; k < c; k++) dxv[base + k] = dxv[base + k]! + scaled[k]!;
      }
    }
  });
  return dx;
}

type PoolGradFn = typeof maxPoolGradWasm;

/** A wasm kernel config for `kernelName` running `fn` on float32 inputs (stock otherwise). */
function poolGradConfig(kernelName: string, fn: PoolGradFn): tf.KernelConfig {
  return {
    kernelName,
    backendName: "wasm",
    kernelFunc: (args) => {
      const { dy, input } = args.inputs as { dy: tf.TensorInfo; input: tf.TensorInfo };
      if (dy.dtype !== "float32" || input.dtype !== "float32") {
        return runWasmKernel(kernelName, args) as tf.TensorInfo;
      }
      return withScope(
        args.backend as WasmBackend,
        (scope) => fn(scope, { dy, x: input }, args.attrs as unknown as PoolGradAttrs),
      );
    },
  };
}

/** Kernel config registering {@link maxPoolGradWasm} for the wasm backend. */
export const maxPoolGradConfig: tf.KernelConfig = poolGradConfig("MaxPoolGrad", maxPoolGradWasm);
/** Kernel config registering {@link avgPoolGradWasm} for the wasm backend. */
export const avgPoolGradConfig: tf.KernelConfig = poolGradConfig("AvgPoolGrad", avgPoolGradWasm);
