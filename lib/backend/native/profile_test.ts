import * as tf from "@tensorflow/tfjs";
import assert from "node:assert/strict";
import { alignedFloat32 } from "./aligned.ts";
import { NATIVE_BACKEND, type NativeBackend } from "./backend.ts";
import { toBf16 } from "./bf16.ts";
import {
  nativeKernelProfile,
  nativePrimitiveProfile,
  profileNativeKernels,
  profileNativePrimitives,
} from "./profile.ts";
import { randomTensor, skipReason } from "./testing.ts";

Deno.test({
  name: "the per-primitive profile splits a bf16 convolution from its conversions, when on",
  ignore: skipReason !== undefined,
  async fn() {
    await tf.setBackend(NATIVE_BACKEND);
    const b = tf.backend() as unknown as NativeBackend;
    const x = randomTensor([2, 32, 32, 64], 1) as tf.Tensor4D;
    const f = randomTensor([3, 3, 64, 64], 2) as tf.Tensor4D;
    const conv = () => tf.tidy(() => tf.conv2d(x, f, 1, "same").dataSync());
    b.precision = "bf16";
    try {
      nativePrimitiveProfile(true);
      conv();
      assert.deepEqual(nativePrimitiveProfile(true), [], "off by default");
      profileNativePrimitives(true);
      profileNativeKernels(true);
      conv();
      conv();
      const rows = new Map(nativePrimitiveProfile(true));
      const kernels = new Map(nativeKernelProfile(true));
      const keys = [...rows.keys()];
      const convKey = keys.find((k) => k.startsWith("convolution "));
      assert.ok(convKey, `a convolution row among ${keys.join("; ")}`);
      // x (f32) is narrowed, the output widened when dataSync reads it
      assert.ok(keys.some((k) => k.startsWith("f32 to bf16 ")), "the narrowing of x");
      assert.ok(keys.some((k) => k.startsWith("bf16 to f32 ")), "the widening for dataSync");
      assert.match(convKey, / 262144\/73728\/262144$/, "argument bytes: bf16 src, filter, dst");
      assert.equal(rows.get(convKey)!.calls, 2);
      // bf16 src, filter and dst 64-byte aligned: the AMX kernels run up to 2.5x slower on V8's
      // 16-byte-aligned buffers
      assert.equal(rows.get(convKey)!.misalignedCalls, 0, "aligned arguments");
      const total = [...rows.values()].reduce((s, v) => s + v.calls, 0);
      assert.ok(total >= 6, `${total} primitive calls`);
      assert.equal(kernels.get(tf.Conv2D)?.calls, 2, "kernel totals as before");
    } finally {
      profileNativePrimitives(false);
      profileNativeKernels(false);
      b.precision = "fp32";
      tf.dispose([x, f]);
    }
  },
});

Deno.test({
  name: "the per-primitive profile counts calls with a large argument off a 64-byte boundary",
  ignore: skipReason !== undefined,
  fn() {
    const d = (tf.findBackend(NATIVE_BACKEND) as unknown as NativeBackend).dnnl;
    const big = alignedFloat32(1 << 15); // 128 KiB
    const misaligned = new Float32Array(big.buffer, big.byteOffset + 16, (1 << 15) - 4);
    const small = new Float32Array(big.buffer, big.byteOffset + 16, 64);
    try {
      profileNativePrimitives(true);
      nativePrimitiveProfile(true);
      toBf16(d, big);
      toBf16(d, misaligned);
      toBf16(d, misaligned);
      toBf16(d, small);
      const rows = new Map(nativePrimitiveProfile(true));
      assert.equal(rows.get(`f32 to bf16 jit:uni ${4 << 15}/${2 << 15}`)?.misalignedCalls, 0);
      const off = rows.get(`f32 to bf16 jit:uni ${(4 << 15) - 16}/${(2 << 15) - 8}`);
      assert.deepEqual([off?.calls, off?.misalignedCalls], [2, 2]);
      assert.equal(
        rows.get("f32 to bf16 jit:uni 256/128")?.misalignedCalls,
        0,
        "small: not counted",
      );
    } finally {
      profileNativePrimitives(false);
    }
  },
});
