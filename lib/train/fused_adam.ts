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
 * save and restore it unchanged. On backends whose tensors are not float32 arrays in JS memory
 * (wasm, webgl, webgpu, tensorflow) it is tfjs's own update.
 * @module
 */
import * as tf from "@tensorflow/tfjs";

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
    const c1 = f(1 - this.beta1), c2 = f(1 - this.beta2);
    const eps = f(this.epsilon), negLr = f(-this.learningRate);
    const acc1 = values(backend, s.accBeta1)![0]!, acc2 = values(backend, s.accBeta2)![0]!;
    const omAcc1 = f(1 - acc1), omAcc2 = f(1 - acc2);
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
        const w1 = alloc(n), m1 = alloc(n), v1 = alloc(n);
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
        const shape = [...value.shape];
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

/** `tf.train.adam` with the fused update ({@linkcode FusedAdamOptimizer}). */
export function fusedAdam(
  learningRate = 0.001,
  beta1 = 0.9,
  beta2 = 0.999,
  epsilon?: number,
): FusedAdamOptimizer {
  return new FusedAdamOptimizer(learningRate, beta1, beta2, epsilon);
}
