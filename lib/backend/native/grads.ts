/**
 * Leaner gradients for Relu, Square, Mean, Sum and FusedBatchNorm, used only while the active
 * backend is `native` (on any other backend the stock tfjs gradient runs, unchanged).
 *
 * tfjs's stock versions cost many full-size passes (Relu: step, cast, multiply; Mean/Sum:
 * a JS-allocated `ones(x.shape)` then multiply and divide; FusedBatchNorm: tile plus about ten
 * elementwise ops). These compute the same values in one or two native passes. Mean/Sum/Relu/
 * Square give bit-identical results; FusedBatchNorm sums in a different order (~1e-7 relative).
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { NATIVE_BACKEND } from "./backend.ts";
import { BATCH_NORM_TRAIN, GRAD_KERNELS, NATIVE_MIN_ELEMENTS } from "./kernels_eltwise.ts";

type GradFunc = tf.GradConfig["gradFunc"];
type Saved = tf.Tensor[];

function big(t: tf.Tensor | undefined): t is tf.Tensor {
  return t !== undefined && t.dtype === "float32" && t.size >= NATIVE_MIN_ELEMENTS;
}

function run(name: string, inputs: tf.NamedTensorMap, attrs: tf.NamedAttrMap = {}) {
  return tf.engine().runKernel(name, inputs, attrs);
}

const reluGrad = (dy: tf.Tensor, [x]: Saved) =>
  big(x) && dy.dtype === "float32"
    ? { x: () => run(GRAD_KERNELS.reluGrad, { dy, x }) as tf.Tensor }
    : undefined;

const squareGrad = (dy: tf.Tensor, [x]: Saved) =>
  big(x) && dy.dtype === "float32" && tf.util.arraysEqual(dy.shape, x.shape)
    ? { x: () => run(GRAD_KERNELS.squareGrad, { dy, x }) as tf.Tensor }
    : undefined;

function reduceGrad(divide: boolean) {
  return (dy: tf.Tensor, [x]: Saved, attrs: tf.NamedAttrMap) => {
    if (!big(x)) return undefined;
    return {
      x: () => {
        const axes = tf.util.parseAxisParam(attrs.axis as number[], x.shape);
        const expanded = x.shape.map((d, i) => (axes.includes(i) ? 1 : d));
        let g = tf.reshape(dy, expanded);
        if (divide) {
          const n = axes.reduce((p, a) => p * x.shape[a]!, 1);
          g = tf.div(g, n);
        }
        return tf.broadcastTo(g, x.shape);
      },
    };
  };
}

const batchNormGrad = (dy: tf.Tensor, saved: Saved, attrs: tf.NamedAttrMap) => {
  const [x, mean, variance, scale] = saved;
  if (!big(x) || !mean || !variance || mean.rank !== 1 || variance.rank !== 1) return undefined;
  const c = x.shape[x.rank - 1];
  if (mean.size !== c || variance.size !== c || (scale && scale.size !== c)) return undefined;
  const inputs: tf.NamedTensorMap = { x, dy, mean, variance };
  if (scale) inputs.scale = scale;
  const [dx, dMean, dVar, dScale, dOffset] = run(GRAD_KERNELS.batchNormGrad, inputs, {
    varianceEpsilon: attrs.varianceEpsilon as number,
  }) as tf.Tensor[];
  return {
    x: () => dx!,
    mean: () => dMean!,
    variance: () => dVar!,
    scale: () => dScale!,
    offset: () => dOffset!,
  };
};

const NATIVE_GRADS: Record<
  string,
  (dy: tf.Tensor, saved: Saved, attrs: tf.NamedAttrMap) => ReturnType<GradFunc> | undefined
> = {
  [tf.Relu]: reluGrad,
  [tf.Square]: squareGrad,
  [tf.Mean]: reduceGrad(true),
  [tf.Sum]: reduceGrad(false),
  [tf.FusedBatchNorm]: batchNormGrad,
};

/**
 * Gradients OF the native gradient kernels, so that second-order differentiation (ADGAN's
 * gradient penalty, DSEBM's score matching) works on `native`. Built from ordinary ops.
 * reluGrad(dy, x) = dy * step(x); squareGrad(dy, x) = 2 * dy * x.
 */
const SECOND_ORDER: tf.GradConfig[] = [
  {
    // not second order: the gradient of the native-only training batch norm; the mean and
    // variance outputs carry none (they feed only the moving averages)
    kernelName: BATCH_NORM_TRAIN,
    inputsToSave: ["x", "scale", "offset"],
    outputsToSave: [false, true, true, true],
    gradFunc: (dys, [x, scale, offset, mean, variance, workspace], attrs) => {
      const dy = (Array.isArray(dys) ? dys[0] : dys)!;
      const inputs: tf.NamedTensorMap = {
        x: x!,
        dy,
        mean: mean!,
        variance: variance!,
        scale: scale!,
        offset: offset!,
      };
      if (attrs.relu) inputs.workspace = workspace!;
      const [dx, dScale, dOffset] = run(GRAD_KERNELS.batchNormTrainGrad, inputs, {
        varianceEpsilon: attrs.varianceEpsilon as number,
      }) as tf.Tensor[];
      return { x: () => dx!, scale: () => dScale!, offset: () => dOffset! };
    },
  },
  {
    kernelName: GRAD_KERNELS.reluGrad,
    inputsToSave: ["dy", "x"],
    gradFunc: (g, [, x]) => ({
      dy: () => tf.mul(g as tf.Tensor, tf.step(x!)),
      x: () => tf.zerosLike(x!),
    }),
  },
  {
    kernelName: GRAD_KERNELS.squareGrad,
    inputsToSave: ["dy", "x"],
    gradFunc: (g, [dy, x]) => ({
      dy: () => tf.mul(tf.mul(g as tf.Tensor, x!), 2),
      x: () => tf.mul(tf.mul(g as tf.Tensor, dy!), 2),
    }),
  },
];

let installed = false;

/** Kernel names whose gradient has a native path. */
export const NATIVE_GRADIENT_KERNELS = Object.keys(NATIVE_GRADS);

/**
 * Wraps the registered gradients of Relu, Square, Mean, Sum and FusedBatchNorm so that, while
 * `native` is the active backend, they take the native path; otherwise the stock gradient runs.
 */
export function installNativeGradients(): void {
  if (installed) return;
  installed = true;
  for (const config of SECOND_ORDER) tf.registerGradient(config);
  for (const [name, fast] of Object.entries(NATIVE_GRADS)) {
    const stock = tf.getGradient(name);
    if (!stock) continue;
    const gradFunc: GradFunc = (dy, saved, attrs) => {
      if (tf.getBackend() === NATIVE_BACKEND && !Array.isArray(dy)) {
        const g = fast(dy, saved, attrs);
        if (g) return g;
      }
      return stock.gradFunc(dy, saved, attrs);
    };
    tf.registerGradient({ ...stock, gradFunc });
  }
}
