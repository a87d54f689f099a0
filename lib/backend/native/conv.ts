/**
 * 2-D convolution forward, backward-data and backward-weights through oneDNN, on tfjs layouts
 * (NHWC or NCHW activations, HWIO filters) held in Float32Arrays. Primitives are cached per
 * geometry; filters are reordered to the layout oneDNN prefers on every call (they change every
 * training step, and the reorder is cheap next to the convolution).
 *
 * With a {@linkcode Bf16Cache} in the options, a convolution runs in bfloat16 (AMX or
 * AVX512-BF16 where the CPU has them): activations, output gradients and filters are rounded to
 * bf16, products accumulate in f32, outputs and input gradients are rounded to bf16 (as under
 * PyTorch's autocast) and widened back to f32, filter gradients stay f32; every result reaches
 * tfjs in f32, so master weights, the optimiser and everything between convolutions stay f32
 * (PyTorch's autocast does the same for convolutions). A geometry for which oneDNN has only its
 * reference bf16 implementation runs in f32 instead.
 * @module
 */
import { alignedFloat32, alignedUint16 } from "./aligned.ts";
import { type Bf16Cache, widenBf16 } from "./bf16.ts";
import {
  ALG,
  ARG,
  type Dnnl,
  DT_BF16,
  DT_F32,
  type MemoryDesc,
  type Primitive,
  PROP,
} from "./dnnl.ts";

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
  /** Compute in bf16, converting activations through this cache (default: f32). */
  bf16?: Bf16Cache;
  /** How the filter's contents are tracked, to reorder an unchanged filter once (see {@linkcode FilterGeneration}). */
  filterGeneration?: FilterGeneration;
}

/** Where a backward convolution writes its result, and in which precision it computes. */
export interface ConvBackwardOptions {
  /** Output buffer of the right size (default: a new array). */
  out?: Float32Array;
  /** Compute in bf16, converting activations through this cache (default: f32). */
  bf16?: Bf16Cache;
  /** As {@linkcode ConvForwardOptions.filterGeneration} (backward-data reads the filter). */
  filterGeneration?: FilterGeneration;
}

/**
 * The generation of a float32 array's contents, or undefined when they may change unseen (the
 * backend's `generation`: a pooled kernel output keeps its contents until the pool hands the
 * array out again). A forward or backward-data convolution whose filter is the same array, of
 * the same generation, as in its previous call reuses the filter it reordered then (scoring
 * batches after training: the weights do not change); without it, it reorders on every call.
 */
export type FilterGeneration = (a: Float32Array) => number | undefined;

function actMd(
  d: Dnnl,
  n: number,
  c: number,
  h: number,
  w: number,
  last: boolean,
  dataType = DT_F32,
): MemoryDesc {
  const strides = last ? [h * w * c, 1, w * c, c] : [c * h * w, h * w, w, 1];
  return d.md([n, c, h, w], strides, dataType);
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

/** Data types of the source, weights and destination (or their gradients). */
interface Types {
  src: number;
  wei: number;
  dst: number;
}

const F32: Types = { src: DT_F32, wei: DT_F32, dst: DT_F32 };
/**
 * bf16 operands per direction. Forward outputs and input gradients are bf16 too, widened to f32
 * by a reorder: oneDNN 2.6's AMX kernels run 2-8x slower when they write f32 themselves
 * (measured with ONEDNN_VERBOSE on WRN-10-4: backward data 64->64 at 32x32, batch 128, 136 ms
 * with an f32 result against 16 ms with bf16). Filter gradients accumulate and stay in f32.
 */
const BF16 = {
  fwd: { src: DT_BF16, wei: DT_BF16, dst: DT_BF16 },
  bwdData: { src: DT_BF16, wei: DT_BF16, dst: DT_BF16 },
  bwdWeights: { src: DT_BF16, wei: DT_F32, dst: DT_BF16 },
  hint: { src: DT_BF16, wei: DT_BF16, dst: DT_BF16 },
} as const;

function mds(d: Dnnl, g: ConvGeom, t: Types = F32): Mds {
  return {
    src: actMd(d, g.batch, g.inC, g.inH, g.inW, g.channelsLast, t.src),
    dst: actMd(d, g.batch, g.outC, g.outH, g.outW, g.channelsLast, t.dst),
    wAny: d.mdAny([g.outC, g.inC, g.fh, g.fw], t.wei),
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

/**
 * Filter reorders of forward and backward-data convolutions since the process started:
 * `reordered` ran the reorder, `reused` found the filter already reordered (for tests).
 */
export const filterStats = { reordered: 0, reused: 0 };

/** A primitive plus the filter reorder that feeds (or drains) it. */
class ConvOp {
  constructor(
    readonly main: Primitive,
    readonly reorder: Primitive | undefined,
    readonly wBuf: Float32Array | Uint16Array | undefined,
    readonly hint?: Primitive,
    /** Whether the primitive takes bf16 activations (and filters). */
    readonly bf16 = false,
  ) {}

  /** bf16 result buffer of a forward or backward-data primitive, made on first use. */
  #result16: Uint16Array | undefined;
  /** The filter array and generation whose reordered form `wBuf` holds (none: unknown). */
  #filter: { array: Float32Array; gen: number } | undefined;

  /**
   * The filter as the primitive reads it: reordered into `wBuf` now, unless `wBuf` already holds
   * this array's reordered contents of the same generation.
   */
  filter(
    filter: Float32Array,
    generation: FilterGeneration | undefined,
  ): Float32Array | Uint16Array {
    if (!this.reorder) return filter;
    const gen = generation?.(filter);
    const last = this.#filter;
    if (gen !== undefined && last?.array === filter && last.gen === gen) {
      filterStats.reused++;
      return this.wBuf!;
    }
    this.reorder.exec([[ARG.src, filter], [ARG.dst, this.wBuf!]]);
    filterStats.reordered++;
    this.#filter = gen === undefined ? undefined : { array: filter, gen };
    return this.wBuf!;
  }

  /** The bf16 buffer of `n` elements this op's primitive writes its result into. */
  result16(n: number): Uint16Array {
    if (this.#result16?.length !== n) this.#result16 = alignedUint16(n);
    return this.#result16;
  }

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
  options: { hint?: Primitive; bf16?: boolean } = {},
): ConvOp {
  const { hint, bf16 = false } = options;
  const arg = toUser ? ARG.diffWeights : ARG.weights;
  const primMd = main.argMd(arg);
  if (d.lib.symbols.dnnl_memory_desc_equal(m.wUser, primMd) === 1) {
    return new ConvOp(main, undefined, undefined, hint, bf16);
  }
  const userPtr = Deno.UnsafePointer.of(m.wUser as Uint8Array<ArrayBuffer>);
  const reorder = toUser
    ? d.reorder(primMd, userPtr, "filter from oneDNN layout")
    : d.reorder(userPtr, primMd, "filter to oneDNN layout");
  // m.wUser must outlive the reorder's creation only; oneDNN copies descriptors. Filter
  // gradients stay f32; filters fed to a bf16 primitive are bf16. The buffer is 64-byte aligned:
  // the AMX kernels read the filter over and over, up to 2.5x slower from a 16-byte-aligned one.
  const bytes = main.argBytes(arg);
  const buf = bf16 && !toUser ? alignedUint16(bytes / 2) : alignedFloat32(bytes / 4);
  return new ConvOp(main, reorder, buf, hint, bf16);
}

/** Marks a geometry whose bf16 form runs in f32 (oneDNN has only a reference bf16 kernel). */
const USE_F32 = { destroy() {} };

/**
 * The cached op of geometry key `k`: the bf16 one when asked for and oneDNN has a real kernel
 * for it (not `ref:`), else the f32 one.
 */
function cachedOp(d: Dnnl, k: string, bf16: boolean, make: (bf16: boolean) => ConvOp): ConvOp {
  if (bf16) {
    const op = d.cached(`${k}:bf16`, () => {
      let made: ConvOp;
      try {
        made = make(true);
      } catch {
        return USE_F32;
      }
      if (!made.main.impl.startsWith("ref")) return made;
      made.destroy();
      return USE_F32;
    });
    if (op !== USE_F32) return op as ConvOp;
  }
  return d.cached(k, () => make(false));
}

/** `filter` in the layout (and type) the primitive reads. */
/**
 * The activation as the primitive reads it: through the bf16 cache for a bf16 primitive (a
 * bf16-primary input is read as it is), else the float32 values (written now if pending).
 */
function act(op: ConvOp, x: Float32Array, cache: Bf16Cache | undefined): ArrayBufferView {
  if (op.bf16) return cache!.convert(x);
  cache?.materialise(x);
  return x;
}

/**
 * Where a bf16 primitive writes a result bound for `y`: the bf16 buffer the cache adopts for
 * `y` (which stays bf16-primary, its float32 values written only when read), or, for an array
 * the cache cannot track, the op's own buffer, widened into `y` after the call.
 */
function bf16Result(
  op: ConvOp,
  y: Float32Array,
  cache: Bf16Cache,
): { dst: Uint16Array; widen: boolean } {
  const adopted = cache.adopt(y);
  return adopted ? { dst: adopted, widen: false } : { dst: op.result16(y.length), widen: true };
}

/** The cached forward op of `g` (bf16 when asked for and oneDNN has a real kernel for it). */
function forwardOp(
  d: Dnnl,
  g: ConvGeom,
  bf16: boolean,
  options: { bias?: boolean; activation?: ConvForwardOptions["activation"] } = {},
): ConvOp {
  const post = options.activation;
  const extra = `:${options.bias ? "b" : ""}:${
    post ? `${post.alg},${post.alpha},${post.beta}` : ""
  }`;
  return cachedOp(d, key("fwd", g, extra), bf16, (bf16) => {
    const m = mds(d, g, bf16 ? BF16.fwd : F32);
    const biasMd = options.bias ? d.md([g.outC]) : null;
    const attr = post ? d.eltwiseAttr(post.alg, post.alpha, post.beta) : null;
    try {
      const main = d.create(forwardDesc(d, m, PROP.forwardInference, biasMd), "convolution", {
        attr,
        parallel: true,
      });
      return withFilterReorder(d, main, m, false, { bf16 });
    } finally {
      if (attr) d.destroyAttr(attr);
    }
  });
}

/** Forward convolution; returns the output activations (NHWC or NCHW like the input). */
export function convForward(
  d: Dnnl,
  g: ConvGeom,
  x: Float32Array,
  filter: Float32Array,
  options: ConvForwardOptions = {},
): Float32Array {
  const op = forwardOp(d, g, options.bf16 !== undefined, {
    bias: options.bias !== undefined,
    activation: options.activation,
  });
  const y = options.out ?? new Float32Array(g.batch * g.outH * g.outW * g.outC);
  const r = op.bf16 ? bf16Result(op, y, options.bf16!) : undefined;
  const args: Array<[number, ArrayBufferView]> = [
    [ARG.src, act(op, x, options.bf16)],
    [ARG.weights, op.filter(filter, options.filterGeneration)],
    [ARG.dst, r?.dst ?? y],
  ];
  if (options.bias) args.push([ARG.bias, options.bias]);
  op.main.exec(args);
  if (r?.widen) widenBf16(d, r.dst, y);
  return y;
}

function hintFor(d: Dnnl, g: ConvGeom, bf16: boolean): Primitive {
  const m = mds(d, g, bf16 ? BF16.hint : F32);
  return d.create(forwardDesc(d, m, PROP.forwardTraining, null), "convolution hint", {
    descOnly: true,
  });
}

/** The cached backward-data op of `g`. */
function backwardDataOp(d: Dnnl, g: ConvGeom, bf16: boolean): ConvOp {
  return cachedOp(d, key("bwd_data", g), bf16, (bf16) => {
    const m = mds(d, g, bf16 ? BF16.bwdData : F32);
    const hint = hintFor(d, g, bf16);
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
    return withFilterReorder(d, main, m, false, { hint, bf16 });
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
  const op = backwardDataOp(d, g, options.bf16 !== undefined);
  const dx = options.out ?? new Float32Array(g.batch * g.inH * g.inW * g.inC);
  const r = op.bf16 ? bf16Result(op, dx, options.bf16!) : undefined;
  op.main.exec([
    [ARG.diffDst, act(op, dy, options.bf16)],
    [ARG.weights, op.filter(filter, options.filterGeneration)],
    [ARG.diffSrc, r?.dst ?? dx],
  ]);
  if (r?.widen) widenBf16(d, r.dst, dx);
  return dx;
}

/** The cached backward-weights op of `g`. */
function backwardWeightsOp(d: Dnnl, g: ConvGeom, bf16: boolean): ConvOp {
  return cachedOp(d, key("bwd_weights", g), bf16, (bf16) => {
    const m = mds(d, g, bf16 ? BF16.bwdWeights : F32);
    const hint = hintFor(d, g, bf16);
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
    return withFilterReorder(d, main, m, true, { hint, bf16 });
  });
}

/** Gradient of a convolution with respect to its filter (HWIO). */
export function convBackwardFilter(
  d: Dnnl,
  g: ConvGeom,
  x: Float32Array,
  dy: Float32Array,
  options: ConvBackwardOptions = {},
): Float32Array {
  const op = backwardWeightsOp(d, g, options.bf16 !== undefined);
  const dw = options.out ?? new Float32Array(g.fh * g.fw * g.inC * g.outC);
  const args: Array<[number, ArrayBufferView]> = [
    [ARG.src, act(op, x, options.bf16)],
    [ARG.diffDst, act(op, dy, options.bf16)],
  ];
  if (op.reorder) {
    op.main.exec([...args, [ARG.diffWeights, op.wBuf!]]);
    op.reorder.exec([[ARG.src, op.wBuf!], [ARG.dst, dw]]);
  } else {
    op.main.exec([...args, [ARG.diffWeights, dw]]);
  }
  return dw;
}

/** One pass of a convolution. */
export type ConvPass = "forward" | "backward-data" | "backward-weights";

/**
 * The oneDNN primitive the kernels above run for `pass` of `g` (bf16 when `bf16` is set and
 * oneDNN has a real kernel for it, no bias or post-op), with the argument indices of its source,
 * weights and destination (or their gradients), in the layouts and types it takes: for benchmarks
 * that run it on buffers of their own (`bench/conv_align.ts`).
 */
export function convPrimitive(
  d: Dnnl,
  g: ConvGeom,
  pass: ConvPass,
  bf16: boolean,
): { primitive: Primitive; bf16: boolean; args: [number, number, number] } {
  if (pass === "forward") {
    const op = forwardOp(d, g, bf16);
    return { primitive: op.main, bf16: op.bf16, args: [ARG.src, ARG.weights, ARG.dst] };
  }
  if (pass === "backward-data") {
    const op = backwardDataOp(d, g, bf16);
    return { primitive: op.main, bf16: op.bf16, args: [ARG.diffSrc, ARG.weights, ARG.diffDst] };
  }
  const op = backwardWeightsOp(d, g, bf16);
  return { primitive: op.main, bf16: op.bf16, args: [ARG.src, ARG.diffWeights, ARG.diffDst] };
}
