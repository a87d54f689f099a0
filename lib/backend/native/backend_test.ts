import * as tf from "@tensorflow/tfjs";
import assert from "node:assert/strict";
import { buildWrn, paperBatchNorm } from "../../models/wrn.ts";
import { categoricalCrossEntropy } from "../../train/loss.ts";
import { NATIVE_BACKEND, type NativeBackend } from "./backend.ts";
import { misalignment } from "./aligned.ts";
import { loadDnnl } from "./ffi.ts";
import { BATCH_NORM_TRAIN, GRAD_KERNELS } from "./kernels_eltwise.ts";
import { nativeBackendInfo, nativeKernelStats, registerNativeBackend } from "./register.ts";
import { randomTensor, relativeError, skipReason } from "./testing.ts";

const ignore = skipReason !== undefined;

Deno.test("loadDnnl() returns a reason instead of throwing when the library is missing", () => {
  const r = loadDnnl({ path: "/nonexistent/libdnnl.so.2" });
  assert.equal(r.ok, false);
  if (!r.ok) assert.match(r.reason, /FFI not permitted|cannot open \/nonexistent\/libdnnl\.so\.2/);
});

Deno.test("registerNativeBackend() resolves to the reason when the library is missing", async () => {
  const why = await registerNativeBackend({ path: "/nonexistent/libdnnl.so.2" });
  assert.match(why ?? "", /FFI not permitted|cannot open/);
  // the process keeps working on the reference backend
  await tf.setBackend("cpu");
  assert.equal(tf.add(tf.scalar(1), tf.scalar(2)).dataSync()[0], 3);
});

Deno.test({
  name: "registerNativeBackend() reports oneDNN 2.x and the kernels it serves",
  ignore,
  fn() {
    const info = nativeBackendInfo()!;
    assert.equal(info.name, NATIVE_BACKEND);
    assert.match(info.dnnlVersion, /^2\.\d+\.\d+$/);
    for (const k of [tf.Conv2D, tf.Conv2DBackpropInput, tf.Conv2DBackpropFilter, tf.FusedConv2D]) {
      assert.ok(info.kernels.includes(k), `${k} is native`);
    }
    assert.ok(tf.engine().registryFactory[NATIVE_BACKEND] !== undefined);
  },
});

/**
 * A small pre-activation residual net with every layer kind of the WRN (conv 3x3 and 1x1
 * shortcut, stride 2, BN-ReLU, add, average pooling, dense softmax, L2 losses) on 16x16 inputs:
 * the cpu reference (whose Conv2DBackpropFilter takes ~0.4 us per multiply-add) stays fast,
 * while the first group's activations are above the native size threshold.
 */
function miniResNet(seed: number): tf.LayersModel {
  const he = () => tf.initializers.heNormal({ seed: seed++ });
  const l2 = () => tf.regularizers.l2({ l2: 2.5e-4 });
  type Sym = tf.SymbolicTensor;
  const conv = (filters: number, k: number, strides: number) =>
    tf.layers.conv2d({
      filters,
      kernelSize: k,
      strides,
      padding: "same",
      useBias: false,
      kernelInitializer: he(),
      kernelRegularizer: l2(),
    });
  const bnRelu = (t: Sym) => tf.layers.reLU().apply(paperBatchNorm().apply(t) as Sym) as Sym;
  const input = tf.input({ shape: [16, 16, 3] });
  let x = conv(16, 3, 1).apply(input) as Sym;
  for (const [cout, stride] of [[32, 1], [48, 2]] as const) {
    const pre = bnRelu(x);
    const out = conv(cout, 3, 1).apply(bnRelu(conv(cout, 3, stride).apply(pre) as Sym)) as Sym;
    x = tf.layers.add().apply([out, conv(cout, 1, stride).apply(pre) as Sym]) as Sym;
  }
  x = tf.layers.averagePooling2d({ poolSize: 8 }).apply(bnRelu(x)) as Sym;
  const probs = tf.layers.dense({
    units: 72,
    activation: "softmax",
    kernelInitializer: tf.initializers.glorotUniform({ seed: seed++ }),
    kernelRegularizer: l2(),
    biasRegularizer: l2(),
  }).apply(tf.layers.flatten().apply(x)) as Sym;
  return tf.model({ inputs: input, outputs: probs });
}

function lossAndGrads(model: tf.LayersModel, x: tf.Tensor, y: tf.Tensor) {
  const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
  return tf.variableGrads(() => {
    const probs = model.apply(x, { training: true }) as tf.Tensor;
    return tf.addN([categoricalCrossEntropy(y, probs), ...model.calculateLosses()]) as tf.Scalar;
  }, vars);
}

Deno.test({
  name: "a full training step's loss and gradients on native equal cpu within 1e-4",
  ignore,
  async fn() {
    await tf.setBackend("cpu");
    const model = miniResNet(3);
    const x = randomTensor([2, 16, 16, 3], 90);
    const y = tf.oneHot(tf.tensor1d([9, 71], "int32"), 72);
    const read = (r: { value: tf.Scalar; grads: tf.NamedTensorMap }) => {
      const names = Object.keys(r.grads).sort();
      const out = {
        loss: r.value.dataSync()[0]!,
        names,
        grads: names.map((n) => r.grads[n]!.dataSync().slice()),
      };
      tf.dispose([r.value, ...Object.values(r.grads)]);
      return out;
    };
    const ref = read(lossAndGrads(model, x, y));
    await tf.setBackend(NATIVE_BACKEND);
    nativeKernelStats(true);
    const got = read(lossAndGrads(model, x, y));
    const stats = nativeKernelStats();
    for (
      const k of [
        tf.FusedConv2D,
        tf.Conv2DBackpropInput,
        tf.Conv2DBackpropFilter,
        BATCH_NORM_TRAIN,
        GRAD_KERNELS.batchNormTrainGrad,
        GRAD_KERNELS.reluGrad,
      ]
    ) {
      assert.ok((stats[k]?.native ?? 0) > 0, `${k} ran natively`);
    }
    assert.ok(
      Math.abs(got.loss - ref.loss) <= 1e-4 * Math.abs(ref.loss),
      `loss ${got.loss} vs ${ref.loss}`,
    );
    assert.deepEqual(got.names, ref.names);
    ref.grads.forEach((r, i) => {
      const err = relativeError(got.grads[i]!, r);
      assert.ok(err <= 1e-4, `gradient of ${ref.names[i]}: relative error ${err.toExponential(2)}`);
    });
    tf.dispose([x, y]);
    model.dispose();
  },
});

Deno.test({
  name: "native training steps leak no tensors and reuse pooled buffers",
  ignore,
  async fn() {
    await tf.setBackend(NATIVE_BACKEND);
    const model = buildWrn({ depth: 10, widen: 1, inputShape: [32, 32, 1], nClasses: 72, seed: 4 });
    const optimizer = tf.train.adam(1e-3);
    const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
    const x = randomTensor([8, 32, 32, 1], 91);
    const y = tf.oneHot(tf.tensor1d([1, 2, 3, 4, 5, 6, 7, 8], "int32"), 72);
    const step = () =>
      tf.tidy(() => {
        optimizer.minimize(
          () => {
            const probs = model.apply(x, { training: true }) as tf.Tensor;
            return tf.addN([
              categoricalCrossEntropy(y, probs),
              ...model.calculateLosses(),
            ]) as tf.Scalar;
          },
          false,
          vars,
        );
      });
    step();
    const tensors = tf.memory().numTensors;
    const backend = tf.backend() as NativeBackend;
    const before = backend.poolStats();
    step();
    step();
    assert.equal(tf.memory().numTensors, tensors);
    const after = backend.poolStats();
    assert.ok(after.reused > before.reused, "pooled buffers were reused");
    tf.dispose([x, y]);
    optimizer.dispose();
    model.dispose();
  },
});

Deno.test({
  name: "pooled kernel outputs are 64-byte aligned and go back to the pool when disposed",
  ignore,
  async fn() {
    await tf.setBackend(NATIVE_BACKEND);
    const backend = tf.backend() as NativeBackend;
    backend.clearPool();
    // sizes that malloc places anywhere on a 16-byte grid once large blocks have been freed
    for (let k = 0; k < 12; k++) {
      const n = (1 << 16) + k * 1000 + 4;
      const a = randomTensor([n], k), b = randomTensor([n], 100 + k);
      const output = () => {
        const out = tf.add(a, b);
        const values = backend.data.get(out.dataId)!.values as Float32Array;
        assert.equal(misalignment(values), 0, `${n} elements: not on a 64-byte boundary`);
        out.dispose();
        return values.buffer;
      };
      const before = backend.poolStats().reused;
      const first = output();
      assert.equal(output(), first, `${n} elements: the output's buffer was not reused`);
      assert.equal(backend.poolStats().reused, before + 1);
      tf.dispose([a, b]);
      new Float32Array(1 << 22).fill(1); // a large block freed between sizes
    }
  },
});

Deno.test({
  name: "native training is deterministic: same seed, same weights after two Adam steps",
  ignore,
  async fn() {
    await tf.setBackend(NATIVE_BACKEND);
    const x = randomTensor([8, 16, 16, 3], 94);
    const y = tf.oneHot(tf.tensor1d([0, 1, 2, 3, 4, 5, 6, 7], "int32"), 72);
    const train = () => {
      const model = miniResNet(5);
      const optimizer = tf.train.adam(1e-3);
      const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
      for (let i = 0; i < 2; i++) {
        tf.tidy(() => {
          optimizer.minimize(
            () => {
              const probs = model.apply(x, { training: true }) as tf.Tensor;
              return categoricalCrossEntropy(y, probs);
            },
            false,
            vars,
          );
        });
      }
      const w = vars.map((v) => Float32Array.from(v.dataSync() as Float32Array));
      optimizer.dispose();
      model.dispose();
      return w;
    };
    const [a, b] = [train(), train()];
    assert.equal(a.length, b.length);
    a.forEach((w, i) => {
      let differing = 0;
      for (let j = 0; j < w.length; j++) if (!Object.is(w[j], b[i]![j])) differing++;
      assert.equal(differing, 0, `weight ${i}: ${differing} of ${w.length} values differ`);
    });
    tf.dispose([x, y]);
  },
});

Deno.test({
  name: "values read with dataSync are never recycled by the buffer pool",
  ignore,
  async fn() {
    await tf.setBackend(NATIVE_BACKEND);
    const a = randomTensor([64, 32, 32, 4], 92);
    const b = randomTensor([64, 32, 32, 4], 93);
    const sum = tf.add(a, b);
    const held = sum.dataSync();
    const copy = held.slice();
    sum.dispose();
    for (let i = 0; i < 4; i++) tf.dispose(tf.mul(a, b)); // same size: would take a freed buffer
    assert.deepEqual(held, copy);
    // a user's array given to tf.tensor is never pooled either
    const mine = new Float32Array(64 * 32 * 32 * 4).fill(3);
    tf.tensor(mine, [64, 32, 32, 4]).dispose();
    for (let i = 0; i < 4; i++) tf.dispose(tf.mul(a, b));
    assert.ok(mine.every((v) => v === 3));
    tf.dispose([a, b]);
  },
});

/** Runs `fn` on native in bf16, then back to fp32. */
async function inBf16<T>(fn: (b: NativeBackend) => Promise<T> | T): Promise<T> {
  await tf.setBackend(NATIVE_BACKEND);
  const b = tf.backend() as unknown as NativeBackend;
  b.precision = "bf16";
  try {
    return await fn(b);
  } finally {
    b.precision = "fp32";
  }
}

/**
 * Loss and gradients of one WRN-10-`widen` training step on native in the backend's precision
 * (with bf16-primary results or not, and residual sums rounded to bf16 or kept float32).
 */
function wrnStep(
  b: NativeBackend,
  widen: number,
  primary: boolean,
  residual = false,
): { loss: number; grads: Float32Array[] } {
  b.bf16.primary = primary;
  b.bf16.residual = residual;
  try {
    const model = buildWrn({ depth: 10, widen, inputShape: [32, 32, 1], nClasses: 72, seed: 5 });
    const x = randomTensor([8, 32, 32, 1], 92);
    const y = tf.tidy(() => tf.oneHot(tf.tensor1d([1, 2, 3, 4, 5, 6, 7, 8], "int32"), 72));
    const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
    const r = tf.variableGrads(() => {
      const probs = model.apply(x, { training: true }) as tf.Tensor;
      return tf.addN([categoricalCrossEntropy(y, probs), ...model.calculateLosses()]) as tf.Scalar;
    }, vars);
    const names = vars.map((v) => v.name); // in layer order (names differ between builds)
    const out = {
      loss: r.value.dataSync()[0]!,
      grads: names.map((n) => r.grads[n]!.dataSync().slice() as Float32Array),
    };
    tf.dispose([r.value, ...Object.values(r.grads), x, y]);
    model.dispose();
    return out;
  } finally {
    b.bf16.primary = true;
    b.bf16.residual = true;
  }
}

// With float32 residual sums (`Bf16Cache.residual` off), where a result is kept moves no
// rounding but one. WRN-10-2 has a 1x1 convolution on every shortcut (as WRN-10-4, the paper's): the same
// roundings happen, only where they happen moves (a batch norm rounds its own output and input
// gradient instead of the next convolution rounding them), so the step is the same but for
// float32 summation order inside the batch-norm kernels. WRN-10-1's first block has an identity
// shortcut: the input gradient of its first batch norm is summed with the shortcut's before the
// stem convolution reads it, and the bf16 backward pass rounds that part before the sum (as
// PyTorch's autocast does), a relative change of order 2^-8 to the stem's filter gradient alone.
for (const [widen, tol] of [[2, 1e-6], [1, 1e-2]] as const) {
  Deno.test({
    name: `a bf16 WRN-10-${widen} training step with bf16-primary activations and float32 ` +
      `residual sums matches widening every result within ${tol}`,
    ignore,
    async fn() {
      await inBf16((b) => {
        const eager = wrnStep(b, widen, false);
        const before = { ...b.bf16.stats };
        const tensors = tf.memory().numTensors;
        const lazy = wrnStep(b, widen, true);
        assert.equal(tf.memory().numTensors, tensors, "no tensor leaked");
        const adopted = b.bf16.stats.adopted - before.adopted;
        const widened = b.bf16.stats.widened - before.widened;
        assert.ok(adopted > 0, "results were left bf16-primary");
        assert.ok(widened < adopted / 2, `most stayed bf16 (${widened} of ${adopted} widened)`);
        assert.ok(
          Math.abs(lazy.loss - eager.loss) <= 1e-6 * Math.abs(eager.loss),
          `loss ${lazy.loss} vs ${eager.loss}`,
        );
        eager.grads.forEach((g, i) => {
          const err = relativeError(lazy.grads[i]!, g);
          assert.ok(err <= tol, `gradient ${i}: relative error ${err.toExponential(2)}`);
        });
      });
    },
  });
}

/** Conversions (f32 -> bf16 and widenings) during `f`. */
function conversions<T>(
  b: NativeBackend,
  f: () => T,
): { value: T; narrowed: number; widened: number } {
  const before = { ...b.bf16.stats };
  const value = f();
  return {
    value,
    narrowed: b.bf16.stats.converted - before.converted,
    widened: b.bf16.stats.widened - before.widened,
  };
}

const mean = (v: number[]) => v.reduce((s, x) => s + x, 0) / v.length;

// A bf16 residual stream (as PyTorch's autocast keeps it) rounds each residual sum, and each
// input gradient summed over a tensor's two consumers, to bf16 once (2^-8 relative): one more
// rounding per block and pass on top of the many of the bf16 convolutions and batch norms. At
// initialisation with 8 images the gradients are small differences, so a bf16 step's differ
// from fp32's by 7-24% (max-norm relative) either way; the rounding of the sums must not make
// that worse by more than the spread between layers (x2 for any one gradient, x1.25 on
// average). In return, only the input (read twice: no generation to cache it by) and the final
// batch norm around the float32 pool are converted: 5 conversions per step instead of 15.
Deno.test({
  name: "a bf16 WRN-10-2 step with a bf16 residual stream converts only around the input and " +
    "the pool, and is as close to fp32 as with float32 residual sums",
  ignore,
  async fn() {
    await inBf16((b) => {
      b.precision = "fp32";
      const ref = wrnStep(b, 2, true);
      b.precision = "bf16";
      const f32Sums = conversions(b, () => wrnStep(b, 2, true, false));
      const tensors = tf.memory().numTensors;
      const bf16Sums = conversions(b, () => wrnStep(b, 2, true, true));
      assert.equal(tf.memory().numTensors, tensors, "no tensor leaked");
      assert.deepEqual(
        [f32Sums.narrowed, f32Sums.widened],
        [8, 7],
        "float32 sums: each Add widens one operand, forward and backward",
      );
      assert.deepEqual(
        [bf16Sums.narrowed, bf16Sums.widened],
        [3, 2],
        "bf16 sums: the input twice, the final batch norm's output and input gradient",
      );
      const [on, off] = [bf16Sums.value, f32Sums.value];
      assert.ok(
        Math.abs(on.loss - ref.loss) <= 2 ** -8 * Math.abs(ref.loss),
        `loss ${on.loss} vs fp32 ${ref.loss}`,
      );
      const errOn = ref.grads.map((g, i) => relativeError(on.grads[i]!, g));
      const errOff = ref.grads.map((g, i) => relativeError(off.grads[i]!, g));
      errOn.forEach((e, i) => {
        assert.ok(e <= 2 * errOff[i]!, `gradient ${i}: ${e} against ${errOff[i]} (f32 sums)`);
      });
      assert.ok(
        mean(errOn) <= 1.25 * mean(errOff),
        `mean error ${mean(errOn)} against ${mean(errOff)} (f32 sums)`,
      );
      const moved = on.grads.filter((g, i) => relativeError(g, off.grads[i]!) > 0).length;
      assert.equal(moved, on.grads.length, "every gradient changed with the rounded sums");
    });
  },
});
