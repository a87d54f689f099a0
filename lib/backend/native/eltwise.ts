/**
 * Memory-bound operations through oneDNN (vectorised JIT code): binary ops with broadcasting,
 * unary eltwise forward and backward, and batch normalisation with given statistics (forward and
 * backward). Every function writes into a caller-given output. Elementwise passes run on every
 * OpenMP thread from `Dnnl.parallelFor`'s size on, on one thread below it; passes that reduce
 * (the statistics and scale/shift gradients of batch normalisation) keep their thread count, so
 * that their sums do not change.
 * (oneDNN 2.6's reduction primitive is a reference loop here, ~100x slower than the sgemm-based
 * sums in `kernels_eltwise.ts`, so it is not used.)
 * @module
 */
import { ALG, ARG, BN_FLAGS, type Dnnl, DT_BF16, DT_F32, type Primitive, PROP } from "./dnnl.ts";

function sizeOf(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** An optional eltwise post-op, e.g. `{alg: ALG.eltwiseLinear, alpha: -1, beta: 0}` to negate. */
export interface PostOp {
  alg: number;
  alpha: number;
  beta: number;
}

/** Operands of {@linkcode binary}: float32, or bf16 (raw 16-bit patterns). */
export type BinaryData = Float32Array | Uint16Array;

/**
 * dst = post(src0 (op) src1), where src1 broadcasts to src0's shape (its dims equal src0's or
 * are 1; same rank), computed in float32. Supported mixes (oneDNN 2.6 has JIT kernels for
 * them; a bf16 src0 with a float32 dst has only a reference loop): all float32; float32 src0
 * and dst with a bf16 src1 (dst may be src0 itself); or all bf16, where dst is the float32
 * result rounded to bf16 once (round to nearest even).
 */
export function binary(
  d: Dnnl,
  alg: number,
  shape0: readonly number[],
  shape1: readonly number[],
  src0: BinaryData,
  src1: BinaryData,
  dst: BinaryData,
  post?: PostOp,
): void {
  const bf16 = src1 instanceof Uint16Array;
  const out16 = dst instanceof Uint16Array;
  if (out16 !== src0 instanceof Uint16Array || (out16 && !bf16)) {
    throw new TypeError(
      "Cannot run binary: bf16 operands are src1 alone, or src0, src1 and dst together",
    );
  }
  const k = `bin:${alg}:${shape0}:${shape1}:${
    post ? `${post.alg},${post.alpha},${post.beta}` : ""
  }${out16 ? ":bf16x3" : bf16 ? ":bf16" : ""}`;
  const p = d.cached(k, () => {
    const desc = d.opDesc();
    const md0 = d.md(shape0, undefined, out16 ? DT_BF16 : DT_F32);
    const md1 = d.md(shape1, undefined, bf16 ? DT_BF16 : DT_F32);
    d.check(
      d.lib.symbols.dnnl_binary_desc_init(desc, alg, md0, md1, md0),
      `describe binary ${alg.toString(16)} [${shape0}] [${shape1}]`,
    );
    const attr = post ? d.eltwiseAttr(post.alg, post.alpha, post.beta) : null;
    try {
      return d.create(desc, "binary", { attr, parallel: d.parallelFor(sizeOf(shape0)) });
    } finally {
      if (attr) d.destroyAttr(attr);
    }
  });
  p.exec([[ARG.src, src0], [ARG.src1, src1], [ARG.dst, dst]]);
}

/** dst = f(src) elementwise (oneDNN eltwise forward; alpha/beta as oneDNN defines them). */
export function unary(
  d: Dnnl,
  alg: number,
  alpha: number,
  beta: number,
  src: Float32Array,
  dst: Float32Array,
): void {
  const n = src.length;
  const p = d.cached(`elt:${alg}:${alpha}:${beta}:${n}`, () => {
    const desc = d.opDesc();
    d.check(
      d.lib.symbols.dnnl_eltwise_forward_desc_init(
        desc,
        PROP.forwardInference,
        alg,
        d.md([n]),
        alpha,
        beta,
      ),
      `describe eltwise ${alg.toString(16)}`,
    );
    return d.create(desc, "eltwise", { parallel: d.parallelFor(n) });
  });
  p.exec([[ARG.src, src], [ARG.dst, dst]]);
}

/** diffSrc = f'(src) * diffDst (oneDNN eltwise backward, e.g. ReLU's gradient). */
export function unaryBackward(
  d: Dnnl,
  alg: number,
  alpha: number,
  src: Float32Array,
  diffDst: Float32Array,
  diffSrc: Float32Array,
): void {
  const n = src.length;
  const p = d.cached(`eltb:${alg}:${alpha}:${n}`, () => {
    const md = d.md([n]);
    const fwd = d.opDesc();
    d.check(
      d.lib.symbols.dnnl_eltwise_forward_desc_init(fwd, PROP.forwardTraining, alg, md, alpha, 0),
      "describe eltwise forward hint",
    );
    const hint = d.create(fwd, "eltwise hint", { descOnly: true });
    const desc = d.opDesc();
    d.check(
      d.lib.symbols.dnnl_eltwise_backward_desc_init(desc, alg, md, md, alpha, 0),
      "describe eltwise backward",
    );
    const main = d.create(desc, "eltwise backward", { hint, parallel: d.parallelFor(n) });
    return new WithHint(main, hint);
  });
  p.main.exec([[ARG.src, src], [ARG.diffDst, diffDst], [ARG.diffSrc, diffSrc]]);
}

/** A backward primitive with the forward descriptor it was created from. */
class WithHint {
  constructor(readonly main: Primitive, readonly hint: Primitive) {}
  destroy(): void {
    this.main.destroy();
    this.hint.destroy();
  }
}

/** Per-channel inputs of batch normalisation with given statistics (all of length C). */
export interface BatchNormStats {
  mean: Float32Array;
  variance: Float32Array;
  scale: Float32Array;
  shift: Float32Array;
  epsilon: number;
}

/** [rows, C] data described as NHWC 4-D (N=rows, H=W=1) so oneDNN picks its nspc kernels. */
function bnMd(d: Dnnl, rows: number, channels: number, bf16 = false) {
  return d.md([rows, channels, 1, 1], [channels, 1, channels, channels], bf16 ? DT_BF16 : DT_F32);
}

/** Activations of batch normalisation: float32, or bf16 in and out (raw 16-bit patterns). */
export type BnData = Float32Array | Uint16Array;

function isBf16(x: BnData, y: BnData): boolean {
  const bf16 = x instanceof Uint16Array;
  if (bf16 !== y instanceof Uint16Array) {
    throw new TypeError("Cannot run batch normalisation: x and y must both be float32 or bf16");
  }
  return bf16;
}

/**
 * y = (x - mean) / sqrt(variance + eps) * scale + shift, for x viewed as [rows, C] (channels
 * innermost, e.g. NHWC flattened), with the given statistics; with `relu`, max(0, y) in the
 * same pass. x and y are both float32 or both bf16 (computed in float32, y rounded to bf16
 * once); the statistics are float32.
 */
export function batchNormForward(
  d: Dnnl,
  rows: number,
  channels: number,
  x: BnData,
  s: BatchNormStats,
  y: BnData,
  options: { relu?: boolean } = {},
): void {
  const relu = options.relu ?? false;
  const bf16 = isBf16(x, y);
  const flags = BN_FLAGS.useGlobalStats | BN_FLAGS.useScale | BN_FLAGS.useShift |
    (relu ? BN_FLAGS.fuseNormRelu : 0);
  const p = d.cached(`bnf:${rows}:${channels}:${s.epsilon}:${relu}${bf16 ? ":bf16" : ""}`, () => {
    const desc = d.opDesc();
    d.check(
      d.lib.symbols.dnnl_batch_normalization_forward_desc_init(
        desc,
        PROP.forwardInference,
        bnMd(d, rows, channels, bf16),
        s.epsilon,
        flags,
      ),
      "describe batch normalisation forward",
    );
    return d.create(desc, "batch normalisation", { parallel: d.parallelFor(rows * channels) });
  });
  p.exec([
    [ARG.src, x],
    [ARG.mean, s.mean],
    [ARG.variance, s.variance],
    [ARG.scale, s.scale],
    [ARG.shift, s.shift],
    [ARG.dst, y],
  ]);
}

/**
 * Training-mode batch normalisation in one primitive: computes the batch mean and (biased)
 * variance of x viewed as [rows, C] into `s.mean` / `s.variance`, and normalises with them.
 * With `relu`, y = max(0, normalised) in the same pass, and `workspace` (sized by
 * {@linkcode batchNormTrainWorkspaceBytes}) receives the mask the backward pass needs. x and y
 * are both float32 or both bf16 (statistics in float32 either way).
 */
export function batchNormTrainForward(
  d: Dnnl,
  rows: number,
  channels: number,
  x: BnData,
  s: BatchNormStats,
  y: BnData,
  options: { relu?: boolean; workspace?: Float32Array } = {},
): void {
  const bf16 = isBf16(x, y);
  const p = trainForwardPrimitive(d, rows, channels, s.epsilon, options.relu ?? false, bf16);
  const args: Array<[number, ArrayBufferView]> = [
    [ARG.src, x],
    [ARG.scale, s.scale],
    [ARG.shift, s.shift],
    [ARG.dst, y],
    [ARG.mean, s.mean],
    [ARG.variance, s.variance],
  ];
  if (options.relu) {
    if (!options.workspace) throw new Error("Cannot run batch norm + relu: no workspace given");
    args.push([ARG.workspace, options.workspace]);
  }
  p.exec(args);
}

/** Bytes of the ReLU mask {@linkcode batchNormTrainForward} writes with `relu`. */
export function batchNormTrainWorkspaceBytes(
  d: Dnnl,
  rows: number,
  channels: number,
  epsilon: number,
  bf16 = false,
): number {
  return trainForwardPrimitive(d, rows, channels, epsilon, true, bf16).argBytes(ARG.workspace);
}

function trainForwardPrimitive(
  d: Dnnl,
  rows: number,
  channels: number,
  epsilon: number,
  relu: boolean,
  bf16: boolean,
): Primitive {
  return d.cached(`bnt:${rows}:${channels}:${epsilon}:${relu}${bf16 ? ":bf16" : ""}`, () => {
    const desc = d.opDesc();
    d.check(
      d.lib.symbols.dnnl_batch_normalization_forward_desc_init(
        desc,
        PROP.forwardTraining,
        bnMd(d, rows, channels, bf16),
        epsilon,
        BN_FLAGS.useScale | BN_FLAGS.useShift | (relu ? BN_FLAGS.fuseNormRelu : 0),
      ),
      "describe batch normalisation training forward",
    );
    return d.create(desc, "batch normalisation (training)", { parallel: true });
  });
}

/** Outputs of `batchNormBackward`. */
export interface BatchNormGrads {
  /** Gradient with respect to x (shaped like x; bf16 when x and dy are). */
  dx: BnData;
  /** sum over rows of dy * (x - mean) / sqrt(var + eps). */
  dScale: Float32Array;
  /** sum over rows of dy. */
  dShift: Float32Array;
}

/**
 * Gradient of batch normalisation. With `batchStats` false (default) the statistics are held
 * constant (dx = dy * scale / sqrt(var + eps)), the gradient of `batchNormForward`; with
 * `batchStats` true they are the batch's own, and dx includes their dependence on x, the
 * gradient of `batchNormTrainForward`. Writes dx, dScale and dShift. x, dy and dx are all
 * float32 or all bf16 (computed in float32, dx rounded to bf16 once; dScale and dShift float32).
 */
export function batchNormBackward(
  d: Dnnl,
  rows: number,
  channels: number,
  x: BnData,
  dy: BnData,
  s: BatchNormStats,
  out: BatchNormGrads,
  options: { batchStats?: boolean; reluWorkspace?: Float32Array } = {},
): void {
  const bf16 = isBf16(x, dy) && isBf16(x, out.dx);
  const batchStats = options.batchStats ?? false;
  const relu = options.reluWorkspace !== undefined;
  const flags = (batchStats ? 0 : BN_FLAGS.useGlobalStats) | BN_FLAGS.useScale |
    BN_FLAGS.useShift | (relu ? BN_FLAGS.fuseNormRelu : 0);
  const k = `bnb:${rows}:${channels}:${s.epsilon}:${batchStats}:${relu}${bf16 ? ":bf16" : ""}`;
  const p = d.cached(k, () => {
    const md = bnMd(d, rows, channels, bf16);
    const fwd = d.opDesc();
    d.check(
      d.lib.symbols.dnnl_batch_normalization_forward_desc_init(
        fwd,
        PROP.forwardTraining,
        md,
        s.epsilon,
        flags,
      ),
      "describe batch normalisation forward hint",
    );
    const hint = d.create(fwd, "batch normalisation hint", { descOnly: true });
    const desc = d.opDesc();
    d.check(
      d.lib.symbols.dnnl_batch_normalization_backward_desc_init(
        desc,
        PROP.backward,
        md,
        md,
        s.epsilon,
        flags,
      ),
      "describe batch normalisation backward",
    );
    const main = d.create(desc, "batch normalisation backward", { hint, parallel: batchStats });
    return new WithHint(main, hint);
  });
  const args: Array<[number, ArrayBufferView]> = [
    [ARG.src, x],
    [ARG.diffDst, dy],
    [ARG.mean, s.mean],
    [ARG.variance, s.variance],
    [ARG.scale, s.scale],
    [ARG.shift, s.shift],
    [ARG.diffSrc, out.dx],
    [ARG.diffScale, out.dScale],
    [ARG.diffShift, out.dShift],
  ];
  if (options.reluWorkspace) args.push([ARG.workspace, options.reluWorkspace]);
  p.main.exec(args);
}

export { ALG };
