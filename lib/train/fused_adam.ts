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
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { type AdamConstants, AdamSimd } from "./adam_simd.ts";

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

/** Adam whose update is one fused loop per weight on the cpu and native backends. */
export class FusedAdamOptimizer extends tf.AdamOptimizer {
  /** Weight updates done by the fused loop and by tfjs's kernels, for tests. */
  readonly fusedStats = { fused: 0, kernels: 0 };
  /** The WebAssembly SIMD update: null until first use, undefined for the scalar loop. */
  #simd: AdamSimd | null | undefined = null;

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
        if (grad == null) return;
        const mVar = s.accumulatedFirstMoment[i]!.variable;
        const vVar = s.accumulatedSecondMoment[i]!.variable;
        const w = values(backend, value), g = values(backend, grad);
        const m = values(backend, mVar), v = values(backend, vVar);
        if (!w || !g || !m || !v || g.length !== w.length) {
          throw new Error(`FusedAdamOptimizer: ${name} is not a float32 array on this backend`);
        }
        const n = w.length;
        const alloc = (k: number) => backend.alloc?.(k) ?? new Float32Array(k);
        const out = { w: alloc(n), m: alloc(n), v: alloc(n) };
        if (simd) simd.update(g, m, v, w, out, c);
        else adamScalar(g, m, v, w, out, c);
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

/**
 * One Adam update of a weight in JavaScript: each operation in double precision rounded to
 * float32 (`Math.fround`), in tfjs's order. Writes the new moments and weights into `out`.
 */
export function adamScalar(
  g: Float32Array,
  m: Float32Array,
  v: Float32Array,
  w: Float32Array,
  out: { m: Float32Array; v: Float32Array; w: Float32Array },
  c: AdamConstants,
): void {
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
