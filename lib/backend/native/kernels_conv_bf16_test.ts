/**
 * The bf16 convolutions against f32 references. Tolerances follow from bf16's 8-bit mantissa:
 * rounding each factor costs at most 2^-8 relative, a product at most about 2^-7, so every
 * output element lies within 2^-7 * (the same convolution of absolute values) of the f32 result,
 * plus f32 accumulation error. Forward outputs and input gradients are rounded to bf16 once more
 * (half an ulp: 2^-8 relative), filter gradients are not. Against the f32 convolution of the
 * bf16-ROUNDED inputs the only difference left is f32 accumulation order (and that output
 * rounding), so that comparison is tight and shows the kernel really rounded its inputs to bf16
 * (it does not match the unrounded f32 result that well).
 */
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { Rng } from "../../util/rng.ts";
import { misalignment } from "./aligned.ts";
import { NATIVE_BACKEND, type NativeBackend } from "./backend.ts";
import { convGeom, convPrimitive } from "./conv.ts";
import {
  CONV_CASES,
  type ConvCase,
  randomTensor,
  relativeError,
  roundToBf16,
  runOn,
  skipReason,
} from "./testing.ts";

const ignore = skipReason !== undefined;
const BF16_PRODUCT = 2 ** -7;
/** Rounding a result to bf16: half an ulp of an 8-bit significand. */
const BF16_ROUNDING = 2 ** -8;

type Pass = "forward" | "backward-data" | "backward-filter";

function run(pass: Pass, c: ConvCase, a: tf.Tensor, b: tf.Tensor): tf.Tensor {
  const attrs = { strides: c.s, pad: c.pad, dataFormat: "NHWC" };
  if (pass === "forward") return tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, c.s, c.pad);
  if (pass === "backward-data") {
    return tf.engine().runKernel(tf.Conv2DBackpropInput, { dy: a, filter: b }, {
      ...attrs,
      inputShape: c.x,
    }) as tf.Tensor;
  }
  return tf.engine().runKernel(tf.Conv2DBackpropFilter, { x: a, dy: b }, {
    ...attrs,
    filterShape: c.f,
  }) as tf.Tensor;
}

/** The two operands of a pass: (x, filter), (dy, filter) or (x, dy). */
function operands(pass: Pass, c: ConvCase, seed: number): [tf.Tensor, tf.Tensor] {
  const x = randomTensor(c.x, seed);
  const f = randomTensor(c.f, seed + 1);
  const yShape = tf.tidy(() => tf.conv2d(x as tf.Tensor4D, f as tf.Tensor4D, c.s, c.pad).shape);
  const dy = randomTensor(yShape, seed + 2);
  if (pass === "forward") return tf.dispose(dy), [x, f];
  if (pass === "backward-data") return tf.dispose(x), [dy, f];
  return tf.dispose(f), [x, dy];
}

async function values(backend: string, fn: () => tf.Tensor): Promise<Float32Array> {
  return (await runOn(backend, fn)).values[0]!;
}

async function onNativeBf16(fn: () => tf.Tensor): Promise<Float32Array> {
  const native = tf.findBackend(NATIVE_BACKEND) as unknown as NativeBackend;
  native.precision = "bf16";
  try {
    return await values(NATIVE_BACKEND, fn);
  } finally {
    native.precision = "fp32";
  }
}

for (const pass of ["forward", "backward-data", "backward-filter"] as const) {
  Deno.test({
    name: `native bf16 ${pass} convolution is within bf16's bound of f32, and exact on bf16 inputs`,
    ignore,
    async fn() {
      let loose = 0;
      for (const [i, c] of CONV_CASES.entries()) {
        const label = `${pass} x${c.x.join("x")} f${c.f.join("x")} s${c.s.join("x")} ${c.pad}`;
        const [a, b] = operands(pass, c, 100 + 10 * i);
        const got = await onNativeBf16(() => run(pass, c, a, b));
        const ref = await values("cpu", () => run(pass, c, a, b));
        const bound = await values("cpu", () => run(pass, c, tf.abs(a), tf.abs(b)));
        const rounded = pass !== "backward-filter";
        const rounding = rounded ? BF16_ROUNDING : 0;
        for (let j = 0; j < ref.length; j++) {
          const err = Math.abs(got[j]! - ref[j]!);
          assert.ok(
            err <= BF16_PRODUCT * bound[j]! + rounding * Math.abs(ref[j]!) + 1e-5,
            `${label}: element ${j} off by ${err} > 2^-7 * ${bound[j]} + 2^-8 * |${ref[j]}|`,
          );
        }
        if (rounded) {
          const bits = new Uint32Array(got.buffer, got.byteOffset, got.length);
          assert.ok(bits.every((b) => (b & 0xffff) === 0), `${label}: result not rounded to bf16`);
        }
        const ra = tf.tensor(roundToBf16(a.dataSync() as Float32Array), a.shape);
        const rb = tf.tensor(roundToBf16(b.dataSync() as Float32Array), b.shape);
        const exact = await values("cpu", () => run(pass, c, ra, rb));
        for (let j = 0; j < exact.length; j++) {
          const err = Math.abs(got[j]! - exact[j]!);
          assert.ok(
            err <= rounding * Math.abs(exact[j]!) + 1e-4 * bound[j]! + 1e-6,
            `${label}: element ${j} off by ${err} from f32 on bf16 inputs (${exact[j]})`,
          );
        }
        const err = relativeError(got, exact);
        const tight = rounded ? 2 * BF16_ROUNDING : 1e-4;
        assert.ok(err <= tight, `${label}: ${err.toExponential(2)} from f32 on bf16 inputs`);
        loose = Math.max(loose, relativeError(got, ref));
        tf.dispose([a, b, ra, rb]);
      }
      assert.ok(loose > 1e-4, `${pass}: no case differs from f32 (${loose}): did bf16 run?`);
    },
  });
}

/** `bytes` starting `offset` bytes past a 64-byte boundary, holding `fill`'s bytes. */
function placed(fill: Uint8Array, offset: number): Uint8Array {
  const buf = new ArrayBuffer(fill.byteLength + 128);
  const misaligned = misalignment(new Uint8Array(buf));
  const out = new Uint8Array(buf, (64 - misaligned) % 64 + offset, fill.byteLength);
  out.set(fill);
  return out;
}

Deno.test({
  name: "a bf16 convolution pass gives the same bytes on 64-byte-aligned and misaligned buffers",
  ignore,
  fn() {
    const d = (tf.findBackend(NATIVE_BACKEND) as unknown as NativeBackend).dnnl;
    const rng = new Rng(11);
    for (const [inC, outC, hw, k, stride] of [[64, 64, 8, 3, 1], [32, 64, 8, 3, 2]]) {
      const info = tf.backend_util.computeConv2DInfo(
        [4, hw!, hw!, inC!],
        [k!, k!, inC!, outC!],
        stride!,
        1,
        "same",
      );
      const g = convGeom(info);
      for (const pass of ["forward", "backward-data", "backward-weights"] as const) {
        const { primitive, bf16, args } = convPrimitive(d, g, pass, true);
        assert.ok(bf16 || !primitive.impl.includes("amx"), "an AMX machine runs these in bf16");
        // the result: dst (forward), diff src (backward data), diff weights (backward weights)
        const out = pass === "forward" ? 2 : pass === "backward-data" ? 0 : 1;
        const operands = args.map((a, i) => {
          const bytes = new Uint8Array(primitive.argBytes(a));
          if (i !== out) {
            // small bf16 values (for an f32 diff weights buffer this is never read)
            const u = new Uint16Array(bytes.buffer);
            for (let j = 0; j < u.length; j++) u[j] = 0x3c00 + rng.int(0x400) | rng.int(2) << 15;
          }
          return bytes;
        });
        const results = [0, 16, 48].map((offset) => {
          const bound = args.map((a, i) =>
            [a, placed(operands[i]!, offset)] as [number, Uint8Array]
          );
          primitive.exec(bound);
          return bound[out]![1];
        });
        const label = `${inC}->${outC} ${k}x${k}/${stride} ${pass}`;
        assert.ok(results[0]!.some((b) => b !== 0), `${label}: a result was written`);
        assert.deepEqual(results[1], results[0], `${label}: +16 bytes`);
        assert.deepEqual(results[2], results[0], `${label}: +48 bytes`);
      }
    }
  },
});
