/**
 * 2-D max and average pooling (forward and backward) through oneDNN on NHWC Float32Arrays.
 * Like tfjs's reference kernels, average pooling excludes padding from the count going forward
 * but its gradient divides by the full window (tfjs's AvgPoolGrad does; the two only differ
 * for `same` padding at the borders).
 * @module
 */
import { ALG, ARG, type Dnnl, type Primitive, PROP } from "./dnnl.ts";

/** Geometry of one NHWC pooling window, in tfjs terms (from `computePool2DInfo`). */
export interface PoolGeom {
  batch: number;
  inH: number;
  inW: number;
  channels: number;
  outH: number;
  outW: number;
  fh: number;
  fw: number;
  strideH: number;
  strideW: number;
  padT: number;
  padL: number;
}

/** The subset of tfjs `backend_util.Conv2DInfo` that `poolGeom` reads. */
export interface Pool2DInfoLike {
  batchSize: number;
  inHeight: number;
  inWidth: number;
  inChannels: number;
  outHeight: number;
  outWidth: number;
  filterHeight: number;
  filterWidth: number;
  strideHeight: number;
  strideWidth: number;
  padInfo: { top: number; left: number };
}

/** Converts tfjs pooling info to a `PoolGeom`. */
export function poolGeom(info: Pool2DInfoLike): PoolGeom {
  return {
    batch: info.batchSize,
    inH: info.inHeight,
    inW: info.inWidth,
    channels: info.inChannels,
    outH: info.outHeight,
    outW: info.outWidth,
    fh: info.filterHeight,
    fw: info.filterWidth,
    strideH: info.strideHeight,
    strideW: info.strideWidth,
    padT: info.padInfo.top,
    padL: info.padInfo.left,
  };
}

/** Pooling kind. */
export type PoolKind = "max" | "avg";

function descs(d: Dnnl, g: PoolGeom, kind: PoolKind, prop: number, backward = false) {
  const c = g.channels;
  const src = d.md([g.batch, c, g.inH, g.inW], [g.inH * g.inW * c, 1, g.inW * c, c]);
  const dst = d.md([g.batch, c, g.outH, g.outW], [g.outH * g.outW * c, 1, g.outW * c, c]);
  const padB = (g.outH - 1) * g.strideH + g.fh - g.inH - g.padT;
  const padR = (g.outW - 1) * g.strideW + g.fw - g.inW - g.padL;
  const alg = kind === "max"
    ? ALG.poolingMax
    : backward
    ? ALG.poolingAvgIncludePadding
    : ALG.poolingAvgExcludePadding;
  const args = [
    d.dims([g.strideH, g.strideW]),
    d.dims([g.fh, g.fw]),
    d.dims([g.padT, g.padL]),
    d.dims([padB, padR]),
  ] as const;
  const fwd = d.opDesc();
  d.check(
    d.lib.symbols.dnnl_pooling_forward_desc_init(fwd, prop, alg, src, dst, ...args),
    `describe ${kind} pooling`,
  );
  return { src, dst, alg, args, fwd };
}

/** Elements of the pooling input (the largest operand). */
function inputSize(g: PoolGeom): number {
  return g.batch * g.inH * g.inW * g.channels;
}

function key(kind: string, g: PoolGeom): string {
  return `pool:${kind}:${Object.values(g).join(",")}`;
}

/** Forward pooling: returns NHWC [batch, outH, outW, channels] into `out`. */
export function poolForward(
  d: Dnnl,
  g: PoolGeom,
  kind: PoolKind,
  x: Float32Array,
  out: Float32Array,
): void {
  const p = d.cached(key(`${kind}:fwd`, g), () => {
    const { fwd } = descs(d, g, kind, PROP.forwardInference);
    return d.create(fwd, `${kind} pooling`, { parallel: d.parallelFor(inputSize(g)) });
  });
  p.exec([[ARG.src, x], [ARG.dst, out]]);
}

class PoolBackward {
  constructor(
    readonly fwd: Primitive,
    readonly bwd: Primitive,
    readonly workspace: Float32Array | undefined,
    readonly dst: Float32Array | undefined,
  ) {}
  destroy(): void {
    this.fwd.destroy();
    this.bwd.destroy();
  }
}

/**
 * Gradient of pooling with respect to its input. Max pooling re-runs the forward pass to get
 * oneDNN's argmax workspace (ties go to oneDNN's choice; tfjs picks the first maximum too).
 */
export function poolBackward(
  d: Dnnl,
  g: PoolGeom,
  kind: PoolKind,
  x: Float32Array,
  dy: Float32Array,
  dx: Float32Array,
): void {
  const p = d.cached(key(`${kind}:bwd`, g), () => {
    const { src, dst, alg, args, fwd } = descs(d, g, kind, PROP.forwardTraining, true);
    const parallel = d.parallelFor(inputSize(g));
    const f = d.create(fwd, `${kind} pooling forward`, { parallel });
    const desc = d.opDesc();
    d.check(
      d.lib.symbols.dnnl_pooling_backward_desc_init(desc, alg, src, dst, ...args),
      `describe ${kind} pooling backward`,
    );
    const b = d.create(desc, `${kind} pooling backward`, { hint: f, parallel });
    if (kind !== "max") return new PoolBackward(f, b, undefined, undefined);
    // the workspace holds argmax indices (u8 or s32): size it in bytes, rounded up to floats
    const ws = new Float32Array(Math.max(1, Math.ceil(f.argElems(ARG.workspace))));
    return new PoolBackward(f, b, ws, new Float32Array(g.batch * g.outH * g.outW * g.channels));
  });
  if (p.workspace && p.dst) {
    p.fwd.exec([[ARG.src, x], [ARG.dst, p.dst], [ARG.workspace, p.workspace]]);
    p.bwd.exec([[ARG.diffDst, dy], [ARG.workspace, p.workspace], [ARG.diffSrc, dx]]);
  } else {
    p.bwd.exec([[ARG.diffDst, dy], [ARG.diffSrc, dx]]);
  }
}
