/**
 * 2-D convolution forward, backward-data and backward-weights through oneDNN, on tfjs layouts
 * (NHWC or NCHW activations, HWIO filters) held in Float32Arrays. Primitives are cached per
 * geometry; filters are reordered to the layout oneDNN prefers on every call (they change every
 * training step, and the reorder is cheap next to the convolution).
 * @module
 */
import { ALG, ARG, type Dnnl, type MemoryDesc, type Primitive, PROP } from "./dnnl.ts";

/** Geometry of one 2-D convolution, in tfjs terms. */
export interface ConvGeom {
  batch: number;
  inH: number;
  inW: number;
  inC: number;
  outH: number;
  outW: number;
  outC: number;
  fh: number;
  fw: number;
  strideH: number;
  strideW: number;
  /** tfjs dilation (1 = none). */
  dilH: number;
  dilW: number;
  padT: number;
  padL: number;
  padB: number;
  padR: number;
  /** NHWC when true, NCHW otherwise. */
  channelsLast: boolean;
}

/** The subset of tfjs `backend_util.Conv2DInfo` that `convGeom` reads. */
export interface Conv2DInfoLike {
  batchSize: number;
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
  dilationHeight: number;
  dilationWidth: number;
  padInfo: { top: number; left: number; bottom: number; right: number };
  dataFormat: "channelsFirst" | "channelsLast";
}

/** Converts tfjs conv info to a `ConvGeom`. */
export function convGeom(info: Conv2DInfoLike): ConvGeom {
  return {
    batch: info.batchSize,
    inH: info.inHeight,
    inW: info.inWidth,
    inC: info.inChannels,
    outH: info.outHeight,
    outW: info.outWidth,
    outC: info.outChannels,
    fh: info.filterHeight,
    fw: info.filterWidth,
    strideH: info.strideHeight,
    strideW: info.strideWidth,
    dilH: info.dilationHeight,
    dilW: info.dilationWidth,
    padT: info.padInfo.top,
    padL: info.padInfo.left,
    // oneDNN wants the right/bottom padding that makes the output size exact
    padB: (info.outHeight - 1) * info.strideHeight + (info.filterHeight - 1) * info.dilationHeight +
      1 - info.inHeight - info.padInfo.top,
    padR: (info.outWidth - 1) * info.strideWidth + (info.filterWidth - 1) * info.dilationWidth +
      1 - info.inWidth - info.padInfo.left,
    channelsLast: info.dataFormat !== "channelsFirst",
  };
}

/** Optional fused epilogue of a forward convolution. */
export interface ConvForwardOptions {
  /** Per-output-channel bias (length outC). */
  bias?: Float32Array;
  /** A oneDNN eltwise post-op applied after the bias (e.g. ReLU). */
  activation?: { alg: number; alpha: number; beta: number };
  /** Where to write the result (default: a new array). */
  out?: Float32Array;
}

/** Where a backward convolution writes its result. */
export interface ConvBackwardOptions {
  /** Output buffer of the right size (default: a new array). */
  out?: Float32Array;
}

function actMd(d: Dnnl, n: number, c: number, h: number, w: number, last: boolean): MemoryDesc {
  return d.md([n, c, h, w], last ? [h * w * c, 1, w * c, c] : [c * h * w, h * w, w, 1]);
}

/** HWIO filter, oneDNN logical order (O, I, KH, KW). */
function filterMd(d: Dnnl, g: ConvGeom): MemoryDesc {
  return d.md([g.outC, g.inC, g.fh, g.fw], [1, g.outC, g.fw * g.inC * g.outC, g.inC * g.outC]);
}

function key(kind: string, g: ConvGeom, extra = ""): string {
  return `conv:${kind}:${g.batch},${g.inH},${g.inW},${g.inC},${g.outH},${g.outW},${g.outC},${g.fh},` +
    `${g.fw},${g.strideH},${g.strideW},${g.dilH},${g.dilW},${g.padT},${g.padL},${g.padB},` +
    `${g.padR},${g.channelsLast}${extra}`;
}

interface Mds {
  src: MemoryDesc;
  dst: MemoryDesc;
  wAny: MemoryDesc;
  wUser: MemoryDesc;
  strides: BigInt64Array;
  dil: BigInt64Array;
  padL: BigInt64Array;
  padR: BigInt64Array;
}

function mds(d: Dnnl, g: ConvGeom): Mds {
  return {
    src: actMd(d, g.batch, g.inC, g.inH, g.inW, g.channelsLast),
    dst: actMd(d, g.batch, g.outC, g.outH, g.outW, g.channelsLast),
    wAny: d.mdAny([g.outC, g.inC, g.fh, g.fw]),
    wUser: filterMd(d, g),
    strides: d.dims([g.strideH, g.strideW]),
    dil: d.dims([g.dilH - 1, g.dilW - 1]),
    padL: d.dims([g.padT, g.padL]),
    padR: d.dims([g.padB, g.padR]),
  };
}

function forwardDesc(d: Dnnl, m: Mds, prop: number, bias: MemoryDesc | null): Uint8Array {
  const desc = d.opDesc();
  d.check(
    d.lib.symbols.dnnl_dilated_convolution_forward_desc_init(
      desc,
      prop,
      ALG.convolutionDirect,
      m.src,
      m.wAny,
      bias,
      m.dst,
      m.strides,
      m.dil,
      m.padL,
      m.padR,
    ),
    "describe convolution forward",
  );
  return desc;
}

/** A primitive plus the filter reorder that feeds (or drains) it. */
class ConvOp {
  constructor(
    readonly main: Primitive,
    readonly reorder: Primitive | undefined,
    readonly wBuf: Float32Array | undefined,
    readonly hint?: Primitive,
  ) {}

  destroy(): void {
    this.main.destroy();
    this.reorder?.destroy();
    this.hint?.destroy();
  }
}

function withFilterReorder(
  d: Dnnl,
  main: Primitive,
  m: Mds,
  toUser: boolean,
  hint?: Primitive,
): ConvOp {
  const arg = toUser ? ARG.diffWeights : ARG.weights;
  const primMd = main.argMd(arg);
  if (d.lib.symbols.dnnl_memory_desc_equal(m.wUser, primMd) === 1) {
    return new ConvOp(main, undefined, undefined, hint);
  }
  const userPtr = Deno.UnsafePointer.of(m.wUser as Uint8Array<ArrayBuffer>);
  const reorder = toUser
    ? d.reorder(primMd, userPtr, "filter from oneDNN layout")
    : d.reorder(userPtr, primMd, "filter to oneDNN layout");
  // m.wUser must outlive the reorder's creation only; oneDNN copies descriptors.
  return new ConvOp(main, reorder, new Float32Array(main.argElems(arg)), hint);
}

/** Forward convolution; returns the output activations (NHWC or NCHW like the input). */
export function convForward(
  d: Dnnl,
  g: ConvGeom,
  x: Float32Array,
  filter: Float32Array,
  options: ConvForwardOptions = {},
): Float32Array {
  const act = options.activation;
  const extra = `:${options.bias ? "b" : ""}:${act ? `${act.alg},${act.alpha},${act.beta}` : ""}`;
  const op = d.cached(key("fwd", g, extra), () => {
    const m = mds(d, g);
    const biasMd = options.bias ? d.md([g.outC]) : null;
    const attr = act ? d.eltwiseAttr(act.alg, act.alpha, act.beta) : null;
    try {
      const main = d.create(forwardDesc(d, m, PROP.forwardInference, biasMd), "convolution", {
        attr,
        parallel: true,
      });
      return withFilterReorder(d, main, m, false);
    } finally {
      if (attr) d.destroyAttr(attr);
    }
  });
  const y = options.out ?? new Float32Array(g.batch * g.outH * g.outW * g.outC);
  let w = filter;
  if (op.reorder) {
    op.reorder.exec([[ARG.src, filter], [ARG.dst, op.wBuf!]]);
    w = op.wBuf!;
  }
  const args: Array<[number, Float32Array]> = [[ARG.src, x], [ARG.weights, w], [ARG.dst, y]];
  if (options.bias) args.push([ARG.bias, options.bias]);
  op.main.exec(args);
  return y;
}

function hintFor(d: Dnnl, m: Mds): Primitive {
  return d.create(forwardDesc(d, m, PROP.forwardTraining, null), "convolution hint", {
    descOnly: true,
  });
}

/** Gradient of a convolution with respect to its input. */
export function convBackwardData(
  d: Dnnl,
  g: ConvGeom,
  dy: Float32Array,
  filter: Float32Array,
  options: ConvBackwardOptions = {},
): Float32Array {
  const op = d.cached(key("bwd_data", g), () => {
    const m = mds(d, g);
    const hint = hintFor(d, m);
    const desc = d.opDesc();
    d.check(
      d.lib.symbols.dnnl_dilated_convolution_backward_data_desc_init(
        desc,
        ALG.convolutionDirect,
        m.src,
        m.wAny,
        m.dst,
        m.strides,
        m.dil,
        m.padL,
        m.padR,
      ),
      "describe convolution backward data",
    );
    const main = d.create(desc, "convolution backward data", { hint, parallel: true });
    return withFilterReorder(d, main, m, false, hint);
  });
  const dx = options.out ?? new Float32Array(g.batch * g.inH * g.inW * g.inC);
  let w = filter;
  if (op.reorder) {
    op.reorder.exec([[ARG.src, filter], [ARG.dst, op.wBuf!]]);
    w = op.wBuf!;
  }
  op.main.exec([[ARG.diffDst, dy], [ARG.weights, w], [ARG.diffSrc, dx]]);
  return dx;
}

/** Gradient of a convolution with respect to its filter (HWIO). */
export function convBackwardFilter(
  d: Dnnl,
  g: ConvGeom,
  x: Float32Array,
  dy: Float32Array,
  options: ConvBackwardOptions = {},
): Float32Array {
  const op = d.cached(key("bwd_weights", g), () => {
    const m = mds(d, g);
    const hint = hintFor(d, m);
    const desc = d.opDesc();
    d.check(
      d.lib.symbols.dnnl_dilated_convolution_backward_weights_desc_init(
        desc,
        ALG.convolutionDirect,
        m.src,
        m.wAny,
        null,
        m.dst,
        m.strides,
        m.dil,
        m.padL,
        m.padR,
      ),
      "describe convolution backward weights",
    );
    const main = d.create(desc, "convolution backward weights", { hint, parallel: true });
    return withFilterReorder(d, main, m, true, hint);
  });
  const dw = options.out ?? new Float32Array(g.fh * g.fw * g.inC * g.outC);
  if (op.reorder) {
    op.main.exec([[ARG.src, x], [ARG.diffDst, dy], [ARG.diffWeights, op.wBuf!]]);
    op.reorder.exec([[ARG.src, op.wBuf!], [ARG.dst, dw]]);
  } else {
    op.main.exec([[ARG.src, x], [ARG.diffDst, dy], [ARG.diffWeights, dw]]);
  }
  return dw;
}
