/**
 * bf16-primary activations on the native backend: a bf16 convolution leaves its float32 output
 * unwritten; kernels that read float32 see it written (exactly the widened bf16 values), and the
 * bf16-aware batch normalisation and Add read the bf16 values directly. Tolerances: a bf16
 * batch normalisation computes in float32 and rounds its output once (half an ulp of an 8-bit
 * significand, 2^-8 relative), like the float32 one followed by a conversion; the Add of two
 * bf16 operands rounds the float32 sum once (the same bound, and bit for bit the sum rounded to
 * nearest even); the Add of a bf16 and a float32 operand is exact.
 */
import * as tf from "@tensorflow/tfjs";
import assert from "node:assert/strict";
import { NATIVE_BACKEND, type NativeBackend } from "./backend.ts";
import { ALG } from "./dnnl.ts";
import { binary } from "./eltwise.ts";
import { BATCH_NORM_RELU, BATCH_NORM_TRAIN, GRAD_KERNELS } from "./kernels_eltwise.ts";
import { nativeKernelStats } from "./register.ts";
import { randomTensor, relativeError, skipReason } from "./testing.ts";

const ignore = skipReason !== undefined;
/** Rounding a result to bf16: half an ulp of an 8-bit significand. */
const BF16_ROUNDING = 2 ** -8;

function native(): NativeBackend {
  return tf.findBackend(NATIVE_BACKEND) as unknown as NativeBackend;
}

/** Runs `fn` on native in bf16 (inside a tidy scope the caller ends by disposing). */
async function inBf16<T>(fn: (b: NativeBackend) => Promise<T> | T): Promise<T> {
  await tf.setBackend(NATIVE_BACKEND);
  const b = native();
  b.precision = "bf16";
  try {
    return await fn(b);
  } finally {
    b.precision = "fp32";
  }
}

/** The storage array of `t` as it is (pending values left unwritten). */
function rawValues(b: NativeBackend, t: tf.Tensor): Float32Array {
  return b.raw(() => b.data.get(t.dataId)!.values as Float32Array);
}

/** A [n, 8, 8, c] bf16 convolution output: bf16-primary, not written yet. */
function convOutput(seed: number, n = 4, c = 32): tf.Tensor4D {
  const x = randomTensor([n, 8, 8, 16], seed) as tf.Tensor4D;
  const f = randomTensor([3, 3, 16, c], seed + 1, -0.2, 0.2) as tf.Tensor4D;
  const y = tf.conv2d(x, f, 1, "same");
  tf.dispose([x, f]);
  return y;
}

/** A float32 tensor with `t`'s values that is not bf16-primary. */
function plainCopy(t: tf.Tensor): tf.Tensor {
  return tf.tensor(Float32Array.from(t.dataSync() as Float32Array), t.shape);
}

Deno.test({
  name: "a bf16 convolution's output stays bf16 until a float32 kernel or a read needs it",
  ignore,
  async fn() {
    await inBf16((b) => {
      const y = convOutput(1);
      const raw = rawValues(b, y);
      assert.ok(b.bf16.pending(raw), "the output is pending after the convolution");
      const y16 = b.bf16.exact(raw)!;
      // Multiply runs natively in float32: it must see the widened values
      const twice = tf.mul(y, 2);
      assert.ok(!b.bf16.pending(raw), "written for the float32 kernel");
      const want = new Float32Array(new Uint32Array(Array.from(y16, (h) => h << 16)).buffer);
      assert.deepEqual(raw, want, "written values are the bf16 result widened");
      assert.deepEqual(twice.dataSync(), want.map((v) => 2 * v));
      // a cpu-only kernel and dataSync on a fresh output
      const z = convOutput(1);
      assert.ok(b.bf16.pending(rawValues(b, z)));
      const s = tf.sin(z);
      assert.deepEqual(s.dataSync(), want.map(Math.fround).map((v) => Math.fround(Math.sin(v))));
      const w = convOutput(1);
      assert.deepEqual(w.dataSync(), want);
      // reshape and identity share the storage without writing it
      const v = convOutput(1);
      const r = tf.reshape(v, [-1]);
      assert.ok(b.bf16.pending(rawValues(b, r)), "reshape leaves it pending");
      assert.deepEqual(r.dataSync(), want);
      tf.dispose([y, twice, z, s, w, v, r]);
    });
  },
});

Deno.test({
  name: "a convolution in fp32 reads a pending bf16 output's widened values",
  ignore,
  async fn() {
    await tf.setBackend(NATIVE_BACKEND);
    const b = native();
    b.precision = "bf16";
    const y = convOutput(3);
    b.precision = "fp32";
    assert.ok(b.bf16.pending(rawValues(b, y)));
    const f = randomTensor([3, 3, 32, 8], 5) as tf.Tensor4D;
    const got = tf.conv2d(y, f, 1, "same");
    const ref = tf.conv2d(plainCopy(y) as tf.Tensor4D, f, 1, "same");
    assert.deepEqual(got.dataSync(), ref.dataSync(), "fp32 convolution of the same values");
    tf.dispose([y, f, got, ref]);
  },
});

/** float32 values rounded to bf16 (round to nearest even), as float32. */
function roundBf16(x: Float32Array): Float32Array {
  const bits = new Uint32Array(Float32Array.from(x).buffer);
  for (let i = 0; i < bits.length; i++) {
    const u = bits[i]!;
    bits[i] = ((u + 0x7fff + ((u >>> 16) & 1)) >>> 0) & 0xffff0000;
  }
  return new Float32Array(bits.buffer);
}

Deno.test({
  name: "Add of two bf16-primary operands rounds their float32 sum to bf16 once, writing none",
  ignore,
  async fn() {
    await inBf16((b) => {
      const p = convOutput(10, 8);
      const q = convOutput(20, 8);
      nativeKernelStats(true);
      const sum = tf.add(p, q);
      assert.equal(nativeKernelStats()[tf.Add]?.native, 1, "native Add");
      assert.ok(b.bf16.pending(rawValues(b, p)), "first operand not written");
      assert.ok(b.bf16.pending(rawValues(b, q)), "second operand not written");
      assert.ok(b.bf16.pending(rawValues(b, sum)), "the sum is bf16-primary");
      const exact = tf.add(plainCopy(p), plainCopy(q));
      const ref = exact.dataSync() as Float32Array;
      const got = sum.dataSync() as Float32Array;
      assert.deepEqual(got, roundBf16(ref), "the float32 sum rounded to nearest even");
      let rounded = 0;
      for (let i = 0; i < ref.length; i++) {
        const err = Math.abs(got[i]! - ref[i]!);
        assert.ok(err <= BF16_ROUNDING * Math.abs(ref[i]!), `element ${i}: ${got[i]} vs ${ref[i]}`);
        if (err > 0) rounded++;
      }
      assert.ok(rounded > ref.length / 4, `the sum was rounded (${rounded} of ${ref.length})`);
      // a batch norm after it reads it as bf16 (no conversion), like a convolution's output
      const before = { ...b.bf16.stats };
      const y = bnCase(BATCH_NORM_RELU, sum, 32);
      assert.ok(b.bf16.pending(rawValues(b, y[0]!)), "the batch norm ran in bf16");
      assert.equal(b.bf16.stats.widened, before.widened, "nothing widened");
      assert.equal(b.bf16.stats.converted, before.converted, "nothing narrowed");
      // with the bf16 residual stream off, the sum is the exact float32 one
      b.bf16.residual = false;
      try {
        const p2 = convOutput(10, 8);
        const q2 = convOutput(20, 8);
        const f = tf.add(p2, q2);
        assert.ok(!b.bf16.pending(rawValues(b, f)), "float32 sum");
        assert.deepEqual(f.dataSync(), ref);
        tf.dispose([p2, q2, f]);
      } finally {
        b.bf16.residual = true;
      }
      tf.dispose([p, q, sum, exact, ...y]);
    });
  },
});

Deno.test({
  name: "binary() refuses the operand mixes oneDNN has only a reference loop for",
  ignore,
  async fn() {
    await tf.setBackend(NATIVE_BACKEND);
    const d = native().dnnl;
    const [f, h] = [new Float32Array(16), new Uint16Array(16)];
    const message = /bf16 operands are src1 alone, or src0, src1 and dst together/;
    const add = (a: Float32Array | Uint16Array, b: Float32Array | Uint16Array, c: typeof a) =>
      binary(d, ALG.binaryAdd, [16], [16], a, b, c);
    assert.throws(() => add(h, h, f), message);
    assert.throws(() => add(h, f, h), message);
    assert.throws(() => add(f, f, h), message);
    add(h, h, h);
    add(f, h, f);
  },
});

Deno.test({
  name: "Add of a bf16-primary and a float32 operand is the exact float32 Add, writing neither",
  ignore,
  async fn() {
    await inBf16((b) => {
      const p = convOutput(10, 8);
      const q = convOutput(20, 8);
      const plain = randomTensor(p.shape, 30);
      const cases: Array<[string, tf.Tensor, tf.Tensor]> = [
        ["bf16 + f32", p, plain],
        ["f32 + bf16", plain, q],
      ];
      for (const [label, a, c] of cases) {
        nativeKernelStats(true);
        const sum = tf.add(a, c);
        assert.equal(nativeKernelStats()[tf.Add]?.native, 1, `${label}: native Add`);
        assert.ok(!b.bf16.pending(rawValues(b, sum)), `${label}: float32 sum`);
        const bf16Operand = a === plain ? c : a;
        assert.ok(b.bf16.pending(rawValues(b, bf16Operand)), `${label}: bf16 operand not written`);
        const ref = tf.add(plainCopy(a), plainCopy(c));
        assert.deepEqual(sum.dataSync(), ref.dataSync(), label);
        tf.dispose([sum, ref]);
      }
      tf.dispose([p, q, plain]);
    });
  },
});

/** Batch normalisation (+ ReLU) outputs on a bf16-primary input and on its float32 copy. */
function bnCase(kernel: string, x: tf.Tensor, c: number): tf.Tensor[] {
  const inputs: tf.NamedTensorMap = {
    x,
    scale: randomTensor([c], 41, 0.5, 1.5),
    offset: randomTensor([c], 42, -0.5, 0.5),
  };
  const train = kernel === BATCH_NORM_TRAIN;
  if (!train) {
    inputs.mean = randomTensor([c], 43, -0.3, 0.3);
    inputs.variance = randomTensor([c], 44, 0.2, 2);
  }
  const attrs: tf.NamedAttrMap = train
    ? { varianceEpsilon: 1e-5, relu: true }
    : { varianceEpsilon: 1e-5 };
  const out = tf.engine().runKernel(kernel, inputs, attrs);
  tf.dispose(Object.values(inputs).filter((t) => t !== x));
  return Array.isArray(out) ? out as tf.Tensor[] : [out as tf.Tensor];
}

for (const kernel of [BATCH_NORM_TRAIN, BATCH_NORM_RELU]) {
  Deno.test({
    name: `${kernel} on a bf16-primary input runs in bf16: within half a bf16 ulp of float32`,
    ignore,
    async fn() {
      await inBf16((b) => {
        const c = 32;
        const x = convOutput(50, 8, c);
        const xCopy = plainCopy(x);
        const x2 = convOutput(50, 8, c); // the same values, pending, for the bf16 run
        assert.ok(b.bf16.pending(rawValues(b, x2)));
        const got = bnCase(kernel, x2, c);
        const yRaw = rawValues(b, got[0]!);
        assert.ok(b.bf16.pending(yRaw), "the output is bf16-primary");
        assert.ok(b.bf16.pending(rawValues(b, x2)), "the input was read as bf16");
        const ref = bnCase(kernel, xCopy, c);
        assert.ok(!b.bf16.pending(rawValues(b, ref[0]!)), "a float32 input: float32 path");
        const gy = got[0]!.dataSync() as Float32Array;
        const ry = ref[0]!.dataSync() as Float32Array;
        const bits = new Uint32Array(gy.buffer, gy.byteOffset, gy.length);
        assert.ok(bits.every((v) => (v & 0xffff) === 0), "y holds bf16 values");
        let zeros = 0;
        for (let i = 0; i < ry.length; i++) {
          const err = Math.abs(gy[i]! - ry[i]!);
          assert.ok(
            err <= BF16_ROUNDING * Math.abs(ry[i]!) + 1e-6,
            `element ${i}: ${gy[i]} vs float32 ${ry[i]}`,
          );
          if (ry[i] === 0) zeros++, assert.equal(gy[i], 0, `ReLU zero at ${i}`);
        }
        assert.ok(zeros > 0 && zeros < ry.length, "the ReLU clipped some values");
        const loose = relativeError(gy, ry);
        assert.ok(loose > 0, "bf16 rounding shows");
        if (kernel === BATCH_NORM_TRAIN) {
          // batch statistics in float32 from the same values
          for (const k of [1, 2]) {
            const err = relativeError(got[k]!.dataSync(), ref[k]!.dataSync());
            assert.ok(err <= 1e-5, `statistic ${k}: ${err}`);
          }
          // the bf16 run's ReLU mask drives the float32 gradient like the float32 run's
          const dy = randomTensor(x.shape, 60);
          const grad = (outs: tf.Tensor[], xx: tf.Tensor, dd = dy) =>
            tf.engine().runKernel(GRAD_KERNELS.batchNormTrainGrad, {
              x: xx,
              dy: dd,
              mean: outs[1]!,
              variance: outs[2]!,
              scale: tf.ones([c]),
              offset: tf.zeros([c]),
              workspace: outs[3]!,
            }, { varianceEpsilon: 1e-5 }) as tf.Tensor[];
          const g1 = grad(got, x2);
          const g2 = grad(ref, xCopy);
          for (let k = 0; k < 3; k++) {
            const err = relativeError(g1[k]!.dataSync(), g2[k]!.dataSync());
            assert.ok(err <= 1e-4, `gradient ${k}: ${err}`);
          }
          // with a bf16-primary dy too (a convolution's input gradient) the backward pass runs
          // in bf16: dx is bf16-primary, within half a bf16 ulp of float32's
          const dy16 = convOutput(70, 8, c);
          const dyCopy = plainCopy(convOutput(70, 8, c));
          const g3 = grad(got, x2, dy16);
          assert.ok(b.bf16.pending(rawValues(b, g3[0]!)), "dx is bf16-primary");
          assert.ok(b.bf16.pending(rawValues(b, dy16)), "dy was read as bf16");
          const g4 = grad(ref, xCopy, dyCopy);
          const d3 = g3[0]!.dataSync() as Float32Array;
          const d4 = g4[0]!.dataSync() as Float32Array;
          for (let i = 0; i < d4.length; i++) {
            const err = Math.abs(d3[i]! - d4[i]!);
            assert.ok(
              err <= BF16_ROUNDING * Math.abs(d4[i]!) + 1e-6,
              `dx ${i}: ${d3[i]} vs ${d4[i]}`,
            );
          }
          assert.ok(relativeError(d3, d4) > 0, "dx rounded to bf16");
          for (let k = 1; k < 3; k++) {
            const err = relativeError(g3[k]!.dataSync(), g4[k]!.dataSync());
            assert.ok(err <= 1e-4, `bf16 gradient ${k}: ${err}`);
          }
          tf.dispose([dy, ...g1, ...g2, dy16, dyCopy, ...g3, ...g4]);
        }
        tf.dispose([x, xCopy, x2, ...got, ...ref]);
      });
    },
  });
}
