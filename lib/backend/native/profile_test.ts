import * as tf from "@tensorflow/tfjs";
import assert from "node:assert/strict";
import { NATIVE_BACKEND, type NativeBackend } from "./backend.ts";
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
      // bf16 src, filter and bf16 dst, each 64-byte aligned (no `@offset`): the AMX kernels
      // run up to 2.5x slower on V8's 16-byte-aligned buffers
      assert.match(convKey, / 262144\/73728\/262144$/, "argument bytes: bf16 src, filter, dst");
      assert.equal(rows.get(convKey)!.calls, 2);
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
