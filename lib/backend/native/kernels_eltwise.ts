/**
 * tfjs kernels for memory-bound work on large float32 tensors: Add/Sub/Multiply/RealDiv/
 * Maximum/Minimum with broadcasting, unary ops, Sum/Mean/Max/Min reductions, Tile and
 * FusedBatchNorm; plus the gradient helper kernels that `grads.ts` calls. Small tensors, other
 * dtypes and unsupported broadcasts return undefined (the cpu kernel runs).
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import {
  f32,
  type KernelArgs,
  type NativeBackend,
  type NativeKernelFunc,
  output,
  sizeOf,
} from "./backend.ts";
import { widenBf16 } from "./bf16.ts";
import { ALG } from "./dnnl.ts";
import {
  batchNormBackward,
  batchNormForward,
  batchNormTrainForward,
  batchNormTrainWorkspaceBytes,
  binary,
  type PostOp,
  unary,
  unaryBackward,
} from "./eltwise.ts";

/** Tensors with fewer elements than this stay on the cpu kernels (FFI + dispatch overhead). */
export const NATIVE_MIN_ELEMENTS = 16384;

const NEGATE: PostOp = { alg: ALG.eltwiseLinear, alpha: -1, beta: 0 };

function padShape(shape: readonly number[], rank: number): number[] {
  return [...new Array<number>(rank - shape.length).fill(1), ...shape];
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

/** How a binary op maps onto oneDNN when the full-size operand is the second one. */
type Swap = "commute" | "negate" | "none";

function binaryKernel(alg: number, swap: Swap): NativeKernelFunc {
  return ({ inputs, backend }: KernelArgs) => {
    const a = f32(backend, inputs.a);
    const b = f32(backend, inputs.b);
    if (!a || !b) return undefined;
    const sa = inputs.a!.shape;
    const sb = inputs.b!.shape;
    const outShape = tf.backend_util.assertAndGetBroadcastShape(sa, sb);
    const n = sizeOf(outShape);
    if (n < NATIVE_MIN_ELEMENTS) return undefined;
    const pa = padShape(sa, outShape.length);
    const pb = padShape(sb, outShape.length);
    const out = backend.alloc(n);
    if (sameShape(pa, outShape)) {
      binary(backend.dnnl, alg, outShape, pb, a, b, out);
    } else if (sameShape(pb, outShape) && swap !== "none") {
      binary(backend.dnnl, alg, outShape, pa, b, a, out, swap === "negate" ? NEGATE : undefined);
    } else {
      return undefined;
    }
    return output(backend, outShape, out);
  };
}

function unaryKernel(alg: number, alpha = 0, beta = 0): NativeKernelFunc {
  return ({ inputs, backend }: KernelArgs) => {
    const x = f32(backend, inputs.x);
    if (!x || x.length < NATIVE_MIN_ELEMENTS) return undefined;
    const out = backend.alloc(x.length);
    unary(backend.dnnl, alg, alpha, beta, x, out);
    return output(backend, inputs.x!.shape, out);
  };
}

let ones = new Float32Array(0);

function onesOf(n: number): Float32Array {
  if (ones.length < n) ones = new Float32Array(Math.max(n, 2 * ones.length)).fill(1);
  return ones.subarray(0, n);
}

/**
 * Sums (or averages) `x` of `shape` over the contiguous run of axes `axes` (sorted, no gaps)
 * with oneDNN's sgemm against a vector of ones. Returns false for other axis sets.
 */
export function sumAxes(
  backend: NativeBackend,
  x: Float32Array,
  shape: readonly number[],
  axes: readonly number[],
  out: Float32Array,
  mean: boolean,
): boolean {
  const first = axes[0]!;
  const last = axes[axes.length - 1]!;
  if (last - first + 1 !== axes.length) return false;
  const outer = sizeOf(shape.slice(0, first));
  const mid = sizeOf(shape.slice(first, last + 1));
  const inner = sizeOf(shape.slice(last + 1));
  const alpha = mean ? 1 / mid : 1;
  const d = backend.dnnl;
  if (inner === 1) {
    // [outer, mid] x ones[mid, 1]
    d.sgemm(false, false, outer, 1, mid, x, onesOf(mid), out, { alpha });
    return true;
  }
  for (let o = 0; o < outer; o++) {
    // ones[1, mid] x X_o[mid, inner]
    const xo = outer === 1 ? x : x.subarray(o * mid * inner, (o + 1) * mid * inner);
    const yo = outer === 1 ? out : out.subarray(o * inner, (o + 1) * inner);
    d.sgemm(false, false, 1, inner, mid, onesOf(mid), xo, yo, { alpha });
  }
  return true;
}

function reduceKernel(mean: boolean): NativeKernelFunc {
  return ({ inputs, backend, attrs }: KernelArgs) => {
    const x = f32(backend, inputs.x);
    if (!x || x.length < NATIVE_MIN_ELEMENTS) return undefined;
    const shape = inputs.x!.shape;
    const a = attrs as unknown as { axis: number | number[] | null; keepDims: boolean };
    const axes = tf.util.parseAxisParam(a.axis ?? (null as unknown as number[]), shape).sort((
      p,
      q,
    ) => p - q);
    if (axes.length === 0) return undefined;
    const kept = shape.map((d, i) => (axes.includes(i) ? 1 : d));
    const out = backend.alloc(sizeOf(kept));
    if (!sumAxes(backend, x, shape, axes, out, mean)) return undefined;
    const outShape = a.keepDims ? kept : shape.filter((_, i) => !axes.includes(i));
    return output(backend, outShape, out);
  };
}

/** Repeats `x` (of `shape`) `reps[i]` times along each axis, by block copies. */
export function tileInto(
  x: Float32Array,
  shape: readonly number[],
  reps: readonly number[],
  out: Float32Array,
): void {
  let cur = x;
  let curShape = [...shape];
  for (let axis = shape.length - 1; axis >= 0; axis--) {
    const r = reps[axis]!;
    if (r === 1) continue;
    const outer = sizeOf(curShape.slice(0, axis));
    const inner = sizeOf(curShape.slice(axis));
    const nextShape = curShape.map((d, i) => (i === axis ? d * r : d));
    const next = sizeOf(nextShape) === out.length ? out : new Float32Array(sizeOf(nextShape));
    for (let o = 0; o < outer; o++) {
      const block = cur.subarray(o * inner, (o + 1) * inner);
      const base = o * inner * r;
      next.set(block, base);
      // double the filled run until the r copies are written
      let filled = 1;
      while (filled < r) {
        const m = Math.min(filled, r - filled);
        next.copyWithin(base + filled * inner, base, base + m * inner);
        filled += m;
      }
    }
    cur = next;
    curShape = nextShape;
  }
  if (cur !== out) out.set(cur);
}

const tileKernel: NativeKernelFunc = ({ inputs, backend, attrs }: KernelArgs) => {
  const x = f32(backend, inputs.x);
  if (!x) return undefined;
  const { reps } = attrs as unknown as { reps: number[] };
  const shape = inputs.x!.shape;
  const outShape = shape.map((d, i) => d * reps[i]!);
  const n = sizeOf(outShape);
  if (n < NATIVE_MIN_ELEMENTS) return undefined;
  const out = backend.alloc(n);
  tileInto(x, shape, reps, out);
  return output(backend, outShape, out);
};

/** Per-channel vector of length c from an optional tensor of c elements (or a fill value). */
function channelVector(
  backend: NativeBackend,
  t: tf.TensorInfo | undefined,
  c: number,
  fill: number,
): Float32Array | undefined {
  if (!t) return new Float32Array(c).fill(fill);
  const v = f32(backend, t);
  return v && v.length === c ? v : undefined;
}

interface BnInputs {
  x: Float32Array;
  rows: number;
  c: number;
  mean: Float32Array;
  variance: Float32Array;
  scale: Float32Array;
  shift: Float32Array;
}

function bnInputs(backend: NativeBackend, inputs: tf.NamedTensorInfoMap): BnInputs | undefined {
  const x = f32(backend, inputs.x);
  const shape = inputs.x?.shape;
  if (!x || !shape || shape.length < 2 || x.length < NATIVE_MIN_ELEMENTS) return undefined;
  const c = shape[shape.length - 1]!;
  const mean = channelVector(backend, inputs.mean, c, NaN);
  const variance = channelVector(backend, inputs.variance, c, NaN);
  const scale = channelVector(backend, inputs.scale, c, 1);
  const shift = channelVector(backend, inputs.offset, c, 0);
  if (!inputs.mean || !inputs.variance || !mean || !variance || !scale || !shift) return undefined;
  return { x, rows: x.length / c, c, mean, variance, scale, shift };
}

const fusedBatchNorm: NativeKernelFunc = ({ inputs, backend, attrs }: KernelArgs) => {
  const p = bnInputs(backend, inputs);
  if (!p) return undefined;
  const epsilon = (attrs as unknown as { varianceEpsilon: number }).varianceEpsilon;
  const y = backend.alloc(p.x.length);
  batchNormForward(backend.dnnl, p.rows, p.c, p.x, { ...p, epsilon }, y);
  return output(backend, inputs.x!.shape, y);
};

/** Custom kernel names used by the native gradients (registered for `native` only). */
export const GRAD_KERNELS = {
  reluGrad: "GeomadNativeReluGrad",
  squareGrad: "GeomadNativeSquareGrad",
  batchNormGrad: "GeomadNativeBatchNormGrad",
  batchNormTrainGrad: "GeomadNativeBatchNormTrainGrad",
} as const;

/** Training-mode batch normalisation in one kernel (batch statistics computed inside). */
export const BATCH_NORM_TRAIN = "GeomadNativeBatchNormTrain";
/** Batch normalisation with given statistics, then ReLU, in one pass (inference). */
export const BATCH_NORM_RELU = "GeomadNativeBatchNormRelu";

/** dx = dy where x > 0, else 0. Inputs {dy, x}. */
const reluGrad: NativeKernelFunc = ({ inputs, backend }: KernelArgs) => {
  const dy = f32(backend, inputs.dy)!;
  const x = f32(backend, inputs.x)!;
  const out = backend.alloc(x.length);
  unaryBackward(backend.dnnl, ALG.eltwiseRelu, 0, x, dy, out);
  return output(backend, inputs.x!.shape, out);
};

/** dx = dy * 2x. Inputs {dy, x} of the same shape. */
const squareGrad: NativeKernelFunc = ({ inputs, backend }: KernelArgs) => {
  const dy = f32(backend, inputs.dy)!;
  const x = f32(backend, inputs.x)!;
  const out = backend.alloc(x.length);
  const shape = inputs.x!.shape;
  binary(backend.dnnl, ALG.binaryMul, shape, shape, dy, x, out, {
    alg: ALG.eltwiseLinear,
    alpha: 2,
    beta: 0,
  });
  return output(backend, shape, out);
};

/**
 * All five FusedBatchNorm input gradients in one oneDNN pass. Inputs {x, dy, mean, variance,
 * scale?}; attrs {varianceEpsilon}. Outputs [dx, dMean, dVariance, dScale, dOffset], the
 * statistics treated as independent inputs exactly as tfjs's own gradient does.
 */
const batchNormGrad: NativeKernelFunc = ({ inputs, backend, attrs }: KernelArgs) => {
  const p = bnInputs(backend, { ...inputs, offset: undefined } as tf.NamedTensorInfoMap)!;
  const dy = f32(backend, inputs.dy)!;
  const epsilon = (attrs as unknown as { varianceEpsilon: number }).varianceEpsilon;
  const c = p.c;
  const grads = {
    dx: backend.alloc(p.x.length),
    dScale: new Float32Array(c),
    dShift: new Float32Array(c),
  };
  batchNormBackward(backend.dnnl, p.rows, c, p.x, dy, { ...p, epsilon }, grads);
  const dMean = new Float32Array(c);
  const dVar = new Float32Array(c);
  for (let i = 0; i < c; i++) {
    const r = 1 / Math.sqrt(p.variance[i]! + epsilon);
    // dShift = sum(dy); dScale = r * sum(dy (x - mean))
    dMean[i] = -p.scale[i]! * r * grads.dShift[i]!;
    dVar[i] = -0.5 * p.scale[i]! * r * r * grads.dScale[i]!;
  }
  const cShape = inputs.mean!.shape;
  return [
    output(backend, inputs.x!.shape, grads.dx),
    output(backend, cShape, dMean),
    output(backend, cShape, dVar),
    output(backend, cShape, grads.dScale),
    output(backend, cShape, grads.dShift),
  ];
};

/**
 * Batch normalisation with the batch's own statistics. Inputs {x, scale, offset} (x [..., C],
 * channels last); attrs {varianceEpsilon, relu}. Outputs [y, mean, variance, workspace]: biased
 * variance, as `tf.moments`; with `relu`, y = max(0, normalised) and the workspace holds
 * oneDNN's ReLU mask for the gradient (opaque bytes; one unused element without `relu`).
 */
const batchNormTrain: NativeKernelFunc = ({ inputs, backend, attrs }: KernelArgs) => {
  const x = f32(backend, inputs.x)!;
  const shape = inputs.x!.shape;
  const c = shape[shape.length - 1]!;
  const a = attrs as unknown as { varianceEpsilon: number; relu?: boolean };
  const s = {
    mean: new Float32Array(c),
    variance: new Float32Array(c),
    scale: channelVector(backend, inputs.scale, c, 1)!,
    shift: channelVector(backend, inputs.offset, c, 0)!,
    epsilon: a.varianceEpsilon,
  };
  const rows = x.length / c;
  const relu = a.relu === true;
  const y = backend.alloc(x.length);
  const io = bnData(backend, x, y);
  const bf16 = io.x instanceof Uint16Array;
  // 64-byte aligned (aligned.ts): oneDNN reads and writes the ReLU mask in cache lines; from
  // the pool, as the outputs are: a fresh mask of 0.25-1 MiB costs its page faults every step
  const wsn = Math.ceil(batchNormTrainWorkspaceBytes(backend.dnnl, rows, c, s.epsilon, bf16) / 4);
  const workspace = relu ? backend.allocAligned(wsn) : new Float32Array(1);
  batchNormTrainForward(backend.dnnl, rows, c, io.x, s, io.y, { relu, workspace });
  return [
    output(backend, shape, y),
    output(backend, [c], s.mean),
    output(backend, [c], s.variance),
    output(backend, [workspace.length], workspace),
  ];
};

/**
 * Gradient of {@linkcode batchNormTrain} with respect to x (through the batch statistics, and
 * the ReLU when a workspace is given), scale and offset. Inputs {x, dy, mean, variance, scale,
 * offset, workspace?}; outputs [dx, dScale, dOffset].
 */
const batchNormTrainGrad: NativeKernelFunc = ({ inputs, backend, attrs }: KernelArgs) => {
  const x = f32(backend, inputs.x)!;
  const dy = f32(backend, inputs.dy)!;
  const shape = inputs.x!.shape;
  const c = shape[shape.length - 1]!;
  const s = {
    mean: f32(backend, inputs.mean)!,
    variance: f32(backend, inputs.variance)!,
    scale: channelVector(backend, inputs.scale, c, 1)!,
    shift: channelVector(backend, inputs.offset, c, 0)!,
    epsilon: (attrs as unknown as { varianceEpsilon: number }).varianceEpsilon,
  };
  const dx = backend.alloc(x.length);
  const grads = {
    dx: dx as Float32Array | Uint16Array,
    dScale: new Float32Array(c),
    dShift: new Float32Array(c),
  };
  // bf16 when x and dy both hold bf16 values exactly (a convolution's output and the next
  // convolution's input gradient): no conversion either way, dx bf16-primary for the
  // convolution gradients that read it (they would round it to bf16 themselves).
  const cache = backend.bf16;
  const x16 = backend.precision === "bf16" ? cache.exact(x) : undefined;
  const dy16 = x16 ? cache.exact(dy) : undefined;
  const dx16 = dy16 ? cache.adopt(dx) : undefined;
  let xs: Float32Array | Uint16Array = x, dys: Float32Array | Uint16Array = dy;
  if (x16 && dy16 && dx16) {
    [xs, dys, grads.dx] = [x16, dy16, dx16];
  } else {
    backend.materialise(x);
    backend.materialise(dy);
  }
  const reluWorkspace = inputs.workspace ? f32(backend, inputs.workspace) : undefined;
  batchNormBackward(backend.dnnl, x.length / c, c, xs, dys, s, grads, {
    batchStats: true,
    ...(reluWorkspace ? { reluWorkspace } : {}),
  });
  return [
    output(backend, shape, dx),
    output(backend, [c], grads.dScale),
    output(backend, [c], grads.dShift),
  ];
};

/** max(0, FusedBatchNorm): inputs {x, mean, variance, scale?, offset?}, attrs {varianceEpsilon}. */
const batchNormRelu: NativeKernelFunc = ({ inputs, backend, attrs }: KernelArgs) => {
  const p = bnInputs(backend, inputs)!;
  const epsilon = (attrs as unknown as { varianceEpsilon: number }).varianceEpsilon;
  const y = backend.alloc(p.x.length);
  const io = bnData(backend, p.x, y);
  batchNormForward(backend.dnnl, p.rows, p.c, io.x, { ...p, epsilon }, io.y, { relu: true });
  return output(backend, inputs.x!.shape, y);
};

/**
 * What a batch normalisation kernel (run inside `NativeBackend.raw`) reads and writes for input
 * `x` and output `y`: in bf16, when `x` holds bf16 values exactly (a bf16 kernel made it), its
 * bf16 copy and a bf16-primary `y` (the next convolution reads it without a conversion; PyTorch's
 * autocast keeps these activations in bf16 too); else float32 (`x` written first if pending).
 */
function bnData(
  backend: NativeBackend,
  x: Float32Array,
  y: Float32Array,
): { x: Float32Array | Uint16Array; y: Float32Array | Uint16Array } {
  const x16 = backend.precision === "bf16" ? backend.bf16.exact(x) : undefined;
  const y16 = x16 ? backend.bf16.adopt(y) : undefined;
  if (x16 && y16) return { x: x16, y: y16 };
  backend.materialise(x);
  return { x, y };
}

/**
 * Add of two same-shaped float32 tensors (run inside `NativeBackend.raw`) that reads bf16
 * copies where operands hold bf16 values exactly.
 *
 * - Both bf16 (two convolution outputs, a residual sum and its shortcut, two input gradients
 *   of a tensor with two consumers): the sum is computed in float32 and rounded to bf16 once,
 *   and the result is bf16-primary, as PyTorch's autocast keeps the residual stream bf16 (the
 *   batch norm after the sum and the convolutions after that read it without a conversion).
 *   With `Bf16Cache.residual` off (or when the cache cannot adopt the output), the sum stays
 *   float32 as in the next case.
 * - One bf16: a = widen(a16) is written into the output and b16 added in place, so the sum
 *   stays float32, equal to the float32 Add of the widened operands, and neither operand's
 *   float32 values are written.
 * - Anything else: the float32 Add.
 */
const add: NativeKernelFunc = (args: KernelArgs) => {
  const { inputs, backend } = args;
  const a = f32(backend, inputs.a);
  const b = f32(backend, inputs.b);
  const bf16 = backend.precision === "bf16";
  if (
    !a || !b || !bf16 || a.length < NATIVE_MIN_ELEMENTS ||
    !sameShape(inputs.a!.shape, inputs.b!.shape)
  ) {
    if (a) backend.materialise(a);
    if (b) backend.materialise(b);
    return addF32(args);
  }
  const cache = backend.bf16;
  const shape = inputs.a!.shape;
  const [a16, b16] = [cache.exact(a), cache.exact(b)];
  if (!a16 && !b16) {
    backend.materialise(a);
    backend.materialise(b);
    return addF32(args);
  }
  const out = backend.alloc(a.length);
  const out16 = a16 && b16 && cache.residual ? cache.adopt(out) : undefined;
  if (out16) {
    binary(backend.dnnl, ALG.binaryAdd, shape, shape, a16!, b16!, out16);
    return output(backend, shape, out);
  }
  // float32 sum: start from the operand that is pending (its float32 values are not written),
  // widened into the output, and add the other's bf16 copy (or its float32 values) in place
  let [p, q, q16] = [a, b, b16];
  if (!q16 || (cache.pending(p) && !cache.pending(q))) [p, q, q16] = [b, a, a16];
  const p16 = cache.pending(p) ? cache.exact(p) : undefined;
  if (p16) {
    widenBf16(backend.dnnl, p16, out);
    cache.stats.widened++;
  }
  binary(backend.dnnl, ALG.binaryAdd, shape, shape, p16 ? out : p, q16!, out);
  return output(backend, shape, out);
};

const addF32 = binaryKernel(ALG.binaryAdd, "commute");

/** Native elementwise, reduction and normalisation kernels by tfjs kernel name. */
export const ELTWISE_KERNELS: Record<string, NativeKernelFunc> = {
  [tf.Add]: add,
  [tf.Sub]: binaryKernel(ALG.binarySub, "negate"),
  [tf.Multiply]: binaryKernel(ALG.binaryMul, "commute"),
  [tf.RealDiv]: binaryKernel(ALG.binaryDiv, "none"),
  [tf.Maximum]: binaryKernel(ALG.binaryMax, "commute"),
  [tf.Minimum]: binaryKernel(ALG.binaryMin, "commute"),
  [tf.Relu]: unaryKernel(ALG.eltwiseRelu),
  [tf.Relu6]: unaryKernel(ALG.eltwiseClip, 0, 6),
  [tf.Square]: unaryKernel(ALG.eltwiseSquare),
  [tf.Sqrt]: unaryKernel(ALG.eltwiseSqrt),
  [tf.Neg]: unaryKernel(ALG.eltwiseLinear, -1, 0),
  [tf.Abs]: unaryKernel(ALG.eltwiseAbs),
  [tf.Exp]: unaryKernel(ALG.eltwiseExp),
  [tf.Sigmoid]: unaryKernel(ALG.eltwiseLogistic),
  [tf.Tanh]: unaryKernel(ALG.eltwiseTanh),
  [tf.Sum]: reduceKernel(false),
  [tf.Mean]: reduceKernel(true),
  [tf.Tile]: tileKernel,
  [tf.FusedBatchNorm]: fusedBatchNorm,
};

/**
 * The kernels here that read bf16 copies of their inputs where those exist, so that they run
 * inside `NativeBackend.raw` (every other kernel sees pending values written first).
 */
export const BF16_AWARE_ELTWISE_KERNELS: readonly string[] = [
  tf.Add,
  BATCH_NORM_TRAIN,
  BATCH_NORM_RELU,
  GRAD_KERNELS.batchNormTrainGrad,
];

/** Kernels that exist only on `native` (no cpu counterpart), called by `grads.ts`. */
export const NATIVE_ONLY_KERNELS: Record<string, NativeKernelFunc> = {
  [GRAD_KERNELS.reluGrad]: reluGrad,
  [GRAD_KERNELS.squareGrad]: squareGrad,
  [GRAD_KERNELS.batchNormGrad]: batchNormGrad,
  [GRAD_KERNELS.batchNormTrainGrad]: batchNormTrainGrad,
  [BATCH_NORM_TRAIN]: batchNormTrain,
  [BATCH_NORM_RELU]: batchNormRelu,
};
