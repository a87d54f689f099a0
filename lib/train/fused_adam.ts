/**
 * Adam in one pass per weight: tfjs's `AdamOptimizer` with its update done by a loop over the
 * float32 arrays instead of 13 tensor kernels per weight (about 500 small kernel calls and 20
 * full passes over every weight per WRN-10-4 step).
 *
 * The loop repeats tfjs-core 4.x's update operation for operation, each rounded to float32
 * (`Math.fround`), so the result is the same bit for bit: every step of tfjs's update is one
 * IEEE operation (add, multiply, divide, square root) rounded to float32, and a double-precision
 * operation rounded once to float32 gives that same correctly rounded value. The state (moments,
 * iterations, the accumulated beta powers) lives in the same variables as tfjs's, so checkpoints
 * save and restore it unchanged. The loop runs in WebAssembly SIMD where the engine has it
 * (`adam_simd.ts`: float32 operations four lanes at a time, the same bits, about 2.5x less CPU
 * time), else in JavaScript ({@linkcode adamScalar}). On backends whose tensors are not float32 arrays in JS memory
 * (wasm, webgl, webgpu, tensorflow) it is tfjs's own update.
 *
 * The models' L2 terms can go inside the same pass ({@linkcode FusedAdamOptimizer.minimizeWithWeightDecay}):
 * instead of tfjs-layers' regulariser ops and their gradients through autograd (about 14 kernel
 * calls and 10 full passes per weight), the loop adds each term's gradient to the loss's gradient
 * with the float32 operations autograd performs, so weights and optimiser state keep their bits
 * (`fused_adam_test.ts`); it also sums each term's elements for the loss value, in float64
 * ({@linkcode penaltySum}), which replaces a Sum kernel, an Add and a Reshape per term (about 3 ms
 * per WRN-10-4 step: oneDNN's sgemm against a vector of ones is slow at one output).
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import type { WeightDecayTerm } from "../models/init.ts";
import { type AdamConstants, AdamSimd, penaltySum, type WeightDecayArgs } from "./adam_simd.ts";

/** Backends whose float32 tensors are Float32Arrays the update can read directly. */
const ARRAY_BACKENDS = new Set(["cpu", "native"]);

/** tfjs-core 4.x AdamOptimizer's private state. */
interface AdamState {
  accBeta1: tf.Variable;
  accBeta2: tf.Variable;
  accumulatedFirstMoment: Array<{ originalName: string; variable: tf.Variable } | null>;
  accumulatedSecondMoment: Array<{ originalName: string; variable: tf.Variable } | null>;
}

/** The backend storage a cpu-like backend keeps per tensor. */
interface ArrayBackend {
  data: { get(id: object): { values?: unknown } | undefined };
  makeTensorInfo(shape: number[], dtype: "float32", values: Float32Array): tf.TensorInfo;
  alloc?: (n: number) => Float32Array;
}

function values(backend: ArrayBackend, t: tf.Tensor): Float32Array | undefined {
  if (t.dtype !== "float32") return undefined;
  const v = backend.data.get(t.dataId)?.values;
  return v instanceof Float32Array ? v : undefined;
}

/** A weight's L2 factor (float32) and, after the update, its term's value. */
interface TermState {
  factor: number;
  penalty?: number;
}

/** Adam whose update is one fused loop per weight on the cpu and native backends. */
export class FusedAdamOptimizer extends tf.AdamOptimizer {
  /**
   * Weight updates done by the fused loop and by tfjs's kernels, and how many of the fused ones
   * added an L2 term's gradient, for tests.
   */
  readonly fusedStats = { fused: 0, kernels: 0, weightDecay: 0 };
  /** The WebAssembly SIMD update: null until first use, undefined for the scalar loop. */
  #simd: AdamSimd | null | undefined = null;
  /** The L2 terms of the update under way, by variable name. */
  #terms: Map<string, TermState> | undefined;

  /**
   * Same arguments as tfjs's AdamOptimizer; `options.scalar` runs the JavaScript loop instead
   * of the WebAssembly SIMD update (the two give the same bits; for tests and comparisons).
   */
  constructor(
    learningRate: number,
    beta1: number,
    beta2: number,
    epsilon?: number,
    options: { scalar?: boolean } = {},
  ) {
    super(learningRate, beta1, beta2, epsilon);
    if (options.scalar) this.#simd = undefined;
  }

  /**
   * Whether {@linkcode minimizeWithWeightDecay} can run on the active backend (cpu and native,
   * whose float32 tensors the loop reads directly).
   */
  fusesWeightDecay(): boolean {
    return ARRAY_BACKENDS.has(tf.getBackend());
  }

  /**
   * One step on `f() + sum of the terms` over `varList`: the same weights and optimiser state,
   * bit for bit, as `minimize(() => tf.addN([f(), ...model.calculateLosses()]), true, varList)`
   * for the model the terms come from. The loss's gradient comes from autograd, each term's is
   * added inside the update as tfjs's autograd forms it (t = factor * w; g_loss + (t + t)). The
   * loss value adds each term, factor * sum(w * w) on the weights before the update, in float32
   * as `tf.addN` does; each term is its float32 elements (the regulariser's) summed in float64
   * inside the update ({@linkcode penaltySum}), so it can differ from tfjs's float32 Sum kernel in
   * the last bits (it is the more accurate of the two). Every term's variable must be in
   * `varList`, once. Returns the loss, which the caller disposes.
   */
  minimizeWithWeightDecay(
    f: () => tf.Scalar,
    terms: readonly WeightDecayTerm[],
    varList: tf.Variable[],
  ): tf.Scalar {
    if (!this.fusesWeightDecay()) {
      throw new Error(`FusedAdamOptimizer: no fused L2 terms on backend ${tf.getBackend()}`);
    }
    const names = new Set(varList.map((v) => v.name));
    const states = new Map<string, TermState>();
    for (const t of terms) {
      const name = t.variable.name;
      if (!names.has(name) || states.has(name)) {
        throw new Error(`FusedAdamOptimizer: L2 term of ${name} is not one of the variables, once`);
      }
      states.set(name, { factor: Math.fround(t.factor) });
    }
    const { value, grads } = this.computeGradients(f, varList);
    this.#terms = states;
    try {
      this.applyGradients(varList.map((v) => ({ name: v.name, tensor: grads[v.name]! })));
    } finally {
      this.#terms = undefined;
      tf.dispose(grads);
    }
    if (terms.length === 0) return value;
    // tfjs-layers adds the loss and the terms with addN: float32 sums in order
    let total = Math.fround(value.dataSync()[0]!);
    for (const { variable } of terms) {
      total = Math.fround(total + states.get(variable.name)!.penalty!);
    }
    value.dispose();
    return tf.scalar(total);
  }

  override applyGradients(
    variableGradients: Parameters<tf.AdamOptimizer["applyGradients"]>[0],
  ): void {
    const backend = tf.backend() as unknown as ArrayBackend;
    if (!ARRAY_BACKENDS.has(tf.getBackend())) {
      this.fusedStats.kernels++;
      return super.applyGradients(variableGradients);
    }
    const s = this as unknown as AdamState;
    const list = Array.isArray(variableGradients)
      ? variableGradients.map((v) => ({ name: v.name, grad: v.tensor as tf.Tensor | undefined }))
      : Object.keys(variableGradients).map((name) => ({
        name,
        grad: variableGradients[name] as tf.Tensor | undefined,
      }));
    const f = Math.fround;
    const b1 = f(this.beta1), b2 = f(this.beta2);
    const acc1 = values(backend, s.accBeta1)![0]!, acc2 = values(backend, s.accBeta2)![0]!;
    const c: AdamConstants = {
      beta1: b1,
      oneMinusBeta1: f(1 - this.beta1),
      beta2: b2,
      oneMinusBeta2: f(1 - this.beta2),
      oneMinusAcc1: f(1 - acc1),
      oneMinusAcc2: f(1 - acc2),
      epsilon: f(this.epsilon),
      negLr: f(-this.learningRate),
    };
    const simd = this.#simd === undefined ? undefined : (this.#simd ??= AdamSimd.create());
    tf.tidy(() => {
      list.forEach(({ name, grad }, i) => {
        const value = tf.engine().registeredVariables[name]!;
        s.accumulatedFirstMoment[i] ??= {
          originalName: `${name}/m`,
          variable: tf.tidy(() => tf.zerosLike(value).variable(false)),
        };
        s.accumulatedSecondMoment[i] ??= {
          originalName: `${name}/v`,
          variable: tf.tidy(() => tf.zerosLike(value).variable(false)),
        };
        const term = this.#terms?.get(name);
        if (grad == null && !term) return;
        const mVar = s.accumulatedFirstMoment[i]!.variable;
        const vVar = s.accumulatedSecondMoment[i]!.variable;
        const w = values(backend, value), m = values(backend, mVar), v = values(backend, vVar);
        const alloc = (k: number) => backend.alloc?.(k) ?? new Float32Array(k);
        // a weight whose only gradient is its L2 term's: that gradient alone, as autograd has it
        const g = grad == null ? w && termOnlyGradient(w, term!.factor) : values(backend, grad);
        if (!w || !g || !m || !v || g.length !== w.length) {
          throw new Error(`FusedAdamOptimizer: ${name} is not a float32 array on this backend`);
        }
        const n = w.length;
        const out = { w: alloc(n), m: alloc(n), v: alloc(n) };
        const l2 = term && grad != null ? { factor: term.factor } : undefined;
        const sum = simd ? simd.update(g, m, v, w, out, c, l2) : adamScalar(g, m, v, w, out, c, l2);
        if (term) {
          term.penalty = l2 ? sum : penaltySum(w, term.factor);
          this.fusedStats.weightDecay++;
        }
        const shape = [...value.shape];
        const { m: m1, v: v1, w: w1 } = out;
        const wrap = (a: Float32Array) =>
          tf.engine().makeTensorFromTensorInfo(backend.makeTensorInfo(shape, "float32", a));
        mVar.assign(wrap(m1));
        vVar.assign(wrap(v1));
        value.assign(wrap(w1));
        this.fusedStats.fused++;
      });
      s.accBeta1.assign(tf.scalar(f(acc1 * b1)));
      s.accBeta2.assign(tf.scalar(f(acc2 * b2)));
    });
    this.incrementIterations();
  }
}

/** The gradient of factor * sum(w * w) as tfjs's autograd forms it: t = factor * w; t + t. */
function termOnlyGradient(w: Float32Array, factor: number): Float32Array {
  const f = Math.fround, g = new Float32Array(w.length);
  for (let j = 0; j < w.length; j++) {
    const t = f(factor * w[j]!);
    g[j] = f(t + t);
  }
  return g;
}

/**
 * One Adam update of a weight in JavaScript: each operation in double precision rounded to
 * float32 (`Math.fround`), in tfjs's order. Writes the new moments and weights into `out`. With
 * `l2`, adds the gradient of the weight's L2 term to g first, as tfjs's autograd does
 * (t = factor * w; g + (t + t)), and returns the term's value ({@linkcode penaltySum}), else NaN.
 */
export function adamScalar(
  g: Float32Array,
  m: Float32Array,
  v: Float32Array,
  w: Float32Array,
  out: { m: Float32Array; v: Float32Array; w: Float32Array },
  c: AdamConstants,
  l2?: WeightDecayArgs,
): number {
  if (l2) {
    const f = Math.fround, { factor } = l2, gl = new Float32Array(g.length);
    for (let j = 0; j < g.length; j++) {
      const t = f(factor * w[j]!);
      gl[j] = f(g[j]! + f(t + t));
    }
    g = gl;
  }
  const f = Math.fround;
  const { beta1: b1, oneMinusBeta1: c1, beta2: b2, oneMinusBeta2: c2, epsilon: eps } = c;
  const { oneMinusAcc1: omAcc1, oneMinusAcc2: omAcc2, negLr } = c;
  const { m: m1, v: v1, w: w1 } = out;
  const n = w.length;
  for (let j = 0; j < n; j++) {
    const gj = g[j]!;
    const mj = f(f(m[j]! * b1) + f(gj * c1));
    const vj = f(f(v[j]! * b2) + f(f(gj * gj) * c2));
    const mHat = f(mj / omAcc1), vHat = f(vj / omAcc2);
    const step = f(f(mHat / f(f(Math.sqrt(vHat)) + eps)) * negLr);
    m1[j] = mj;
    v1[j] = vj;
    w1[j] = f(step + w[j]!);
  }
  return l2 ? penaltySum(w, l2.factor) : NaN;
}

/** `tf.train.adam` with the fused update ({@linkcode FusedAdamOptimizer}). */
export function fusedAdam(
  learningRate = 0.001,
  beta1 = 0.9,
  beta2 = 0.999,
  epsilon?: number,
): FusedAdamOptimizer {
  return new FusedAdamOptimizer(learningRate, beta1, beta2, epsilon);
}
