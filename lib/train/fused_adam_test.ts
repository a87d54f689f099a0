import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { nativeBackendInfo, registerNativeBackend } from "../backend/native/register.ts";
import { isaHasBf16 } from "../backend/precision.ts";
import {
  denseUniform,
  heNormal,
  l2,
  SeedStream,
  WEIGHT_DECAY,
  weightDecayTerms,
} from "../models/init.ts";
import { paperBatchNorm } from "../models/wrn.ts";
import { Rng } from "../util/rng.ts";
import { FusedAdamOptimizer } from "./fused_adam.ts";
import { penaltySum } from "./adam_simd.ts";
import { flips4, tinyImages, tinyModel } from "./testdata/tiny.ts";
import { trainTransformClassifier } from "./trainer.ts";

const nativeReason = await registerNativeBackend();

function randomArray(rng: Rng, n: number, scale: number): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = (rng.next() * 2 - 1) * scale;
  return a;
}

/** Runs `steps` Adam steps on two identical weight sets: tfjs's Adam and the fused one. */
async function compare(backend: string, steps: number, scalar = false): Promise<void> {
  await tf.setBackend(backend);
  const rng = new Rng(7);
  // one large weight (pooled buffers on native) and small ones, with tiny and huge values
  const shapes = [[3, 3, 64, 64], [64], [7, 5], [1]];
  const init = shapes.map((s) => randomArray(rng, s.reduce((a, b) => a * b), 0.5));
  const make = (tag: string) =>
    shapes.map((s, i) => tf.variable(tf.tensor(init[i]!, s), true, `${backend}-${tag}-${i}`));
  const plainVars = make("plain"), fusedVars = make("fused");
  const plain = tf.train.adam(1e-3, 0.9, 0.999, 1e-7);
  const fused = new FusedAdamOptimizer(1e-3, 0.9, 0.999, 1e-7, { scalar });
  for (let step = 0; step < steps; step++) {
    const grads = shapes.map((s, i) => {
      const scale = i === 3 ? 1e-9 : i === 2 ? 1e3 : 1;
      return tf.tensor(randomArray(rng, s.reduce((a, b) => a * b), scale), s);
    });
    plain.applyGradients(plainVars.map((v, i) => ({ name: v.name, tensor: grads[i]! })));
    fused.applyGradients(
      // the map form, as tf.variableGrads gives it
      Object.fromEntries(fusedVars.map((v, i) => [v.name, grads[i]!])) as unknown as Parameters<
        typeof fused.applyGradients
      >[0],
    );
    tf.dispose(grads);
  }
  for (let i = 0; i < shapes.length; i++) {
    const a = plainVars[i]!.dataSync(), b = fusedVars[i]!.dataSync();
    assert.deepEqual(
      new Uint32Array(b.buffer, b.byteOffset, b.length),
      new Uint32Array(a.buffer, a.byteOffset, a.length),
      `${backend}: weight ${i} differs after ${steps} steps`,
    );
  }
  const state = async (o: tf.Optimizer) => (await o.getWeights()).map((w) => w.tensor.dataSync());
  const [p, q] = [await state(plain), await state(fused)];
  assert.equal(q.length, p.length);
  p.forEach((x, i) => assert.deepEqual([...q[i]!], [...x], `${backend}: optimiser state ${i}`));
  assert.equal(fused.fusedStats.fused, steps * shapes.length);
  assert.equal(fused.fusedStats.kernels, 0);
  tf.dispose([...plainVars, ...fusedVars]);
  plain.dispose();
  fused.dispose();
}

Deno.test("fused Adam equals tfjs's Adam bit for bit on the cpu backend (weights and state)", async () => {
  await compare("cpu", 6);
});

Deno.test("fused Adam's JavaScript loop equals tfjs's Adam bit for bit on the cpu backend", async () => {
  await compare("cpu", 6, true);
});

Deno.test({
  name: "fused Adam equals tfjs's Adam bit for bit on the native backend (weights and state)",
  ignore: nativeReason !== undefined,
  async fn() {
    await compare("native", 6);
    await compare("native", 3, true);
  },
});

// ---- the models' L2 terms inside the update (minimizeWithWeightDecay) ----

/**
 * A small residual net with the WRN's layer kinds, built with models/init.ts's `l2` (kernels,
 * the dense bias, every batch norm's gamma and beta): conv 3x3 (stride 1 and 2), the fused BN +
 * ReLU, a 1x1 shortcut, an add, average pooling, dense softmax. At `width` 64 the 64->64
 * filter (36,864 weights) and the activations are above the native kernels' size threshold; the
 * cpu backend's convolutions run narrower ones (its filter gradient is slow).
 */
function l2Net(seed: number, width = 64): tf.LayersModel {
  type Sym = tf.SymbolicTensor;
  const seeds = new SeedStream(seed);
  const conv = (filters: number, k: number, strides: number, cin: number) =>
    tf.layers.conv2d({
      filters,
      kernelSize: k,
      strides,
      padding: "same",
      useBias: false,
      kernelInitializer: heNormal(k * k * cin, seeds),
      kernelRegularizer: l2(),
    });
  const bnRelu = (t: Sym) => paperBatchNorm({ relu: true }).apply(t) as Sym;
  const input = tf.input({ shape: [8, 8, 3] });
  const x0 = conv(16, 3, 1, 3).apply(input) as Sym;
  const pre = bnRelu(x0);
  const a = bnRelu(conv(width, 3, 2, 16).apply(pre) as Sym);
  const b = conv(width, 3, 1, width).apply(a) as Sym;
  const x = tf.layers.add().apply([b, conv(width, 1, 2, 16).apply(pre) as Sym]) as Sym;
  const pooled = tf.layers.averagePooling2d({ poolSize: 4 }).apply(bnRelu(x)) as Sym;
  const probs = tf.layers.dense({
    units: 4,
    activation: "softmax",
    kernelInitializer: denseUniform(width, seeds),
    kernelRegularizer: l2(),
    biasRegularizer: l2(),
  }).apply(tf.layers.flatten().apply(pooled)) as Sym;
  return tf.model({ inputs: input, outputs: probs });
}

/** Trains l2Net for 2 epochs with the trainer; its weights' bits, losses and fused-step count. */
async function trainL2Net(fused: boolean, width: number) {
  const model = l2Net(5, width);
  const proto = FusedAdamOptimizer.prototype;
  const original = proto.minimizeWithWeightDecay;
  let fusedSteps = 0;
  proto.minimizeWithWeightDecay = function (...args) {
    fusedSteps++;
    return original.apply(this, args);
  };
  try {
    const rec = await trainTransformClassifier(model, tinyImages(12, 4, 8, 3), {
      transforms: flips4(),
      epochs: 2,
      batchSize: 16,
      seed: 1,
      quiet: true,
      fusedWeightDecay: fused,
    });
    // every weight, the batch norms' moving statistics too
    const weights = model.getWeights().map((w) => bitsOf(w.dataSync() as Float32Array));
    model.dispose();
    return { weights, losses: rec.lossHistory, fusedSteps };
  } finally {
    proto.minimizeWithWeightDecay = original;
  }
}

const bitsOf = (a: Float32Array) => Array.from(new Uint32Array(a.buffer, a.byteOffset, a.length));

async function compareL2Paths(backend: string, precision?: "fp32" | "bf16"): Promise<void> {
  await tf.setBackend(backend);
  const b = tf.backend() as unknown as { precision?: string };
  if (precision) b.precision = precision;
  try {
    const before = tf.memory().numTensors;
    const width = backend === "cpu" ? 24 : 64;
    const old = await trainL2Net(false, width);
    const fused = await trainL2Net(true, width);
    assert.equal(tf.memory().numTensors, before, "no tensors left behind");
    assert.equal(old.fusedSteps, 0);
    assert.equal(fused.fusedSteps, 2 * 3, "every step (3 per epoch) took the fused path");
    assert.equal(fused.weights.length, old.weights.length);
    fused.weights.forEach((w, i) => assert.deepEqual(w, old.weights[i], `weight ${i} differs`));
    // the loss values sum each L2 term in float64 (penaltySum), tfjs in float32: equal to within
    // float32 rounding of the terms (a few units in the last place of the loss)
    assert.equal(fused.losses.length, old.losses.length);
    fused.losses.forEach((l, i) =>
      assert.ok(Math.abs(l - old.losses[i]!) <= 1e-6 * Math.abs(old.losses[i]!), `loss ${i}`)
    );
    // not vacuous: the L2 terms matter to these weights and losses
    assert.ok(old.losses[0]! > 0 && Number.isFinite(old.losses[1]));
  } finally {
    if (precision) b.precision = "fp32";
  }
}

Deno.test("weightDecayTerms() finds every L2 term of a model built with init.ts's l2, in order", () => {
  const model = l2Net(5);
  const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const terms = weightDecayTerms(model, vars)!;
  // 4 conv kernels, 3 batch norms' gamma and beta, the dense kernel and bias
  assert.equal(terms.length, 4 + 3 * 2 + 2);
  for (const t of terms) assert.equal(t.factor, WEIGHT_DECAY);
  // the same values as calculateLosses(), in its order
  const want = model.calculateLosses().map((s) => s.dataSync()[0]!);
  const got = terms.map((t) =>
    tf.sum(tf.mul(t.factor, tf.mul(t.variable, t.variable))).dataSync()[0]!
  );
  assert.deepEqual(got, want);
  // a stock regulariser is not one it can fuse; nor are variables outside the list
  assert.equal(weightDecayTerms(model, vars.slice(1)), undefined);
  const stock = tinyModel(1);
  const stockVars = stock.trainableWeights.map((w) => w.read() as tf.Variable);
  assert.equal(weightDecayTerms(stock, stockVars), undefined);
  model.dispose();
  stock.dispose();
});

Deno.test("L2 terms inside Adam's update: same weights and losses as through autograd (cpu)", async () => {
  await compareL2Paths("cpu");
});

Deno.test({
  name: "L2 terms inside Adam's update: same weights and losses as through autograd (native fp32)",
  ignore: nativeReason !== undefined,
  async fn() {
    await compareL2Paths("native", "fp32");
  },
});

Deno.test({
  name: "L2 terms inside Adam's update: same weights and losses as through autograd (native bf16)",
  ignore: nativeReason !== undefined || !isaHasBf16(nativeBackendInfo()?.isa ?? ""),
  async fn() {
    await compareL2Paths("native", "bf16");
  },
});

Deno.test("L2 terms inside the update: a weight with no loss gradient, and the scalar loop", async () => {
  for (const backend of nativeReason === undefined ? ["cpu", "native"] : ["cpu"]) {
    await tf.setBackend(backend);
    for (const scalar of [false, true]) {
      const rng = new Rng(9);
      const shapes = [[3, 3, 64, 64], [7, 5], [130]];
      const init = shapes.map((s) => randomArray(rng, s.reduce((a, b) => a * b), 0.5));
      const target = randomArray(rng, 7 * 5, 1);
      const make = (tag: string) =>
        shapes.map((s, i) =>
          tf.variable(tf.tensor(init[i]!, s), true, `l2-${backend}-${scalar}-${tag}-${i}`)
        );
      const oldVars = make("old"), newVars = make("new");
      const factors = [2.5e-4, 1e-2, 3e-3];
      // the loss reaches weights 0 and 1; weight 2 has only its L2 term
      const lossOf = (vs: tf.Variable[]) => () =>
        tf.add(
          tf.mean(tf.square(tf.sub(vs[1]!, tf.tensor(target, [7, 5])))),
          tf.mean(vs[0]!),
        ) as tf.Scalar;
      const old = new FusedAdamOptimizer(1e-3, 0.9, 0.999, 1e-7, { scalar });
      const neu = new FusedAdamOptimizer(1e-3, 0.9, 0.999, 1e-7, { scalar });
      const terms = newVars.map((variable, i) => ({ variable, factor: factors[i]! }));
      const regs = factors.map((l2) => tf.regularizers.l2({ l2 }));
      for (let step = 0; step < 4; step++) {
        const a = tf.tidy(() =>
          old.minimize(
            () =>
              tf.addN([
                lossOf(oldVars)(),
                ...oldVars.map((v, i) => regs[i]!.apply(v)),
              ]) as tf.Scalar,
            true,
            oldVars,
          )!
        );
        // the fused loss: the loss plus each term's penaltySum on the weights before the step,
        // added in float32 in order; tfjs sums each term's n elements in float32, which can be
        // off by up to n float32 roundings of the term (and the total by a few of its own)
        let want = tf.tidy(() => lossOf(newVars)().dataSync()[0]!);
        let bound = 4 * 2 ** -24 * Math.abs(want);
        newVars.forEach((v, i) => {
          const w = v.dataSync() as Float32Array;
          const term = penaltySum(w, Math.fround(factors[i]!));
          want = Math.fround(want + term);
          bound += w.length * 2 ** -24 * term + 4 * 2 ** -24 * want;
        });
        const b = tf.tidy(() => neu.minimizeWithWeightDecay(lossOf(newVars), terms, newVars));
        assert.ok(Object.is(b.dataSync()[0], want), `loss, step ${step}`);
        const tfjs = a.dataSync()[0]!;
        assert.ok(Math.abs(want - tfjs) <= bound, `loss ${want} vs ${tfjs} (bound ${bound})`);
        tf.dispose([a, b]);
      }
      oldVars.forEach((v, i) =>
        assert.deepEqual(
          bitsOf(newVars[i]!.dataSync() as Float32Array),
          bitsOf(v.dataSync() as Float32Array),
          `${backend}: weight ${i}`,
        )
      );
      assert.equal(neu.fusedStats.weightDecay, 4 * 3);
      // the term-only weight moved
      assert.ok(newVars[2]!.dataSync().some((x, j) => x !== init[2]![j]));
      tf.dispose([...oldVars, ...newVars]);
      old.dispose();
      neu.dispose();
    }
  }
});
