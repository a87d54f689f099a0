/**
 * tfjs BatchMatMul and _FusedMatMul (dense layers and their gradients) on oneDNN's sgemm, with
 * batch broadcasting when one side's batch is 1. Bias and activation of the fused kernel are
 * applied in JS on the (small) output.
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { f32, type KernelArgs, type NativeKernelFunc, output, sizeOf } from "./backend.ts";

/** Multiply-adds above which sgemm runs on all threads. */
const PARALLEL_MACS = 4e6;

interface MatMulAttrs {
  transposeA: boolean;
  transposeB: boolean;
}

/** Computes a (batched) matrix product into a new output; undefined if not supported. */
function matmul({ inputs, backend, attrs }: KernelArgs) {
  const a = f32(backend, inputs.a);
  const b = f32(backend, inputs.b);
  if (!a || !b) return undefined;
  const { transposeA, transposeB } = attrs as unknown as MatMulAttrs;
  const sa = inputs.a!.shape;
  const sb = inputs.b!.shape;
  if (sa.length < 2 || sa.length !== sb.length) return undefined;
  const r = sa.length;
  const m = transposeA ? sa[r - 1]! : sa[r - 2]!;
  const k = transposeA ? sa[r - 2]! : sa[r - 1]!;
  const kb = transposeB ? sb[r - 1]! : sb[r - 2]!;
  const n = transposeB ? sb[r - 2]! : sb[r - 1]!;
  if (k !== kb) return undefined;
  const batchA = sizeOf(sa.slice(0, -2));
  const batchB = sizeOf(sb.slice(0, -2));
  if (batchA !== batchB && batchA !== 1 && batchB !== 1) return undefined;
  const batchShape = tf.backend_util.assertAndGetBroadcastShape(sa.slice(0, -2), sb.slice(0, -2));
  const batch = sizeOf(batchShape);
  if (batch !== Math.max(batchA, batchB)) return undefined;
  const out = backend.alloc(batch * m * n);
  const threads = m * n * k >= PARALLEL_MACS ? backend.dnnl.maxThreads : 1;
  for (let i = 0; i < batch; i++) {
    const ai = batchA === 1 ? 0 : i;
    const bi = batchB === 1 ? 0 : i;
    backend.dnnl.sgemm(
      transposeA,
      transposeB,
      m,
      n,
      k,
      batch === 1 ? a : a.subarray(ai * m * k, (ai + 1) * m * k),
      batch === 1 ? b : b.subarray(bi * k * n, (bi + 1) * k * n),
      batch === 1 ? out : out.subarray(i * m * n, (i + 1) * m * n),
      { threads },
    );
  }
  return { out, shape: [...batchShape, m, n] };
}

const batchMatMul: NativeKernelFunc = (args: KernelArgs) => {
  const r = matmul(args);
  return r ? output(args.backend, r.shape, r.out) : undefined;
};

/** Applies a tfjs fused activation in place; false if it is not one of the plain ones. */
export function applyActivation(v: Float32Array, activation: string, alpha: number): boolean {
  const n = v.length;
  switch (activation) {
    case "linear":
      return true;
    case "relu":
      for (let i = 0; i < n; i++) if (v[i]! < 0) v[i] = 0;
      return true;
    case "relu6":
      for (let i = 0; i < n; i++) v[i] = Math.min(Math.max(v[i]!, 0), 6);
      return true;
    case "elu":
      for (let i = 0; i < n; i++) if (v[i]! < 0) v[i] = Math.exp(v[i]!) - 1;
      return true;
    case "sigmoid":
      for (let i = 0; i < n; i++) v[i] = 1 / (1 + Math.exp(-v[i]!));
      return true;
    case "leakyrelu":
      for (let i = 0; i < n; i++) if (v[i]! < 0) v[i] = alpha * v[i]!;
      return true;
    default:
      return false;
  }
}

const fusedMatMul: NativeKernelFunc = (args: KernelArgs) => {
  const { inputs, backend, attrs } = args;
  const a = attrs as unknown as MatMulAttrs & { activation?: string; leakyreluAlpha?: number };
  const activation = a.activation ?? "linear";
  if (
    inputs.preluActivationWeights ||
    !["linear", "relu", "relu6", "elu", "sigmoid", "leakyrelu"].includes(activation)
  ) {
    return undefined;
  }
  let bias: Float32Array | undefined;
  if (inputs.bias) {
    bias = f32(backend, inputs.bias);
    if (!bias) return undefined;
  }
  const r = matmul(args);
  if (!r) return undefined;
  const n = r.shape[r.shape.length - 1]!;
  if (bias) {
    if (bias.length === n) {
      for (let i = 0; i < r.out.length; i += n) {
        for (let j = 0; j < n; j++) r.out[i + j]! += bias[j]!;
      }
    } else if (bias.length === 1) {
      const v = bias[0]!;
      for (let i = 0; i < r.out.length; i++) r.out[i]! += v;
    } else {
      return undefined;
    }
  }
  applyActivation(r.out, activation, a.leakyreluAlpha ?? 0.2);
  return output(backend, r.shape, r.out);
};

/** Native matrix-product kernels by tfjs kernel name. */
export const MATMUL_KERNELS: Record<string, NativeKernelFunc> = {
  [tf.BatchMatMul]: batchMatMul,
  [tf._FusedMatMul]: fusedMatMul,
};
