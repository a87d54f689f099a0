import * as tf from "@tensorflow/tfjs";
import assert from "node:assert/strict";
import { alignedFloat32 } from "./aligned.ts";
import { NATIVE_BACKEND, type NativeBackend } from "./backend.ts";
import { toBf16 } from "./bf16.ts";
import { ALG, Dnnl } from "./dnnl.ts";
import { binary } from "./eltwise.ts";
import {
  nativeKernelProfile,
  nativePrimitiveProfile,
  nativeThreadWaitMs,
  processCpuNs,
  profileNativeKernels,
  profileNativePrimitives,
  profileNativeThreads,
  threadCpuNs,
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

Deno.test({
  name: "thread times: a primitive's critical path is its busiest thread's CPU time",
  ignore: skipReason !== undefined,
  fn() {
    // a JS loop runs on the main thread alone: its CPU time shows on the thread clock
    const t0 = threadCpuNs();
    const p0 = processCpuNs();
    let acc = 0;
    const end = performance.now() + 30;
    while (performance.now() < end) acc += Math.sqrt(acc + 1);
    assert.ok(acc > 0);
    const main = (threadCpuNs() - t0) / 1e6;
    assert.ok(main > 1, `main thread ran ${main} ms`);
    assert.ok(processCpuNs() - p0 >= threadCpuNs() - t0, "the process clock covers the thread's");

    const loaded = (tf.findBackend(NATIVE_BACKEND) as unknown as NativeBackend).dnnl;
    const d = new Dnnl(loaded.lib, { threads: 2, setThreads: (n) => loaded.useThreads(n) });
    const n = 1 << 20;
    const a = new Float32Array(n).fill(1.5),
      b = new Float32Array(n).fill(2),
      y = new Float32Array(n);
    const small = new Float32Array(1024);
    try {
      profileNativePrimitives(true);
      profileNativeThreads(true);
      nativePrimitiveProfile(true);
      nativeThreadWaitMs(true);
      for (let i = 0; i < 5; i++) {
        binary(d, ALG.binaryAdd, [n], [n], a, b, y);
        binary(d, ALG.binaryAdd, [1024], [1024], small, small, small);
      }
      const rows = [...nativePrimitiveProfile(true)].map(([, v]) => v);
      const two = rows.find((v) => v.threads === 2)!;
      const one = rows.find((v) => v.threads === 1)!;
      assert.ok(two && one, "a two-thread and a one-thread row");
      assert.equal(y[n - 1], 3.5);
      // two threads: the critical path is the busier of the main thread and the other one
      assert.ok(two.critMs >= two.mainMs - 1e-9, `crit ${two.critMs} >= main ${two.mainMs}`);
      assert.ok(two.critMs > 0);
      // one thread: the main thread is the critical path, and nothing waited on another thread
      assert.ok(Math.abs(one.critMs - one.mainMs) < 1e-9, `${one.critMs} vs ${one.mainMs}`);
      const waited = nativeThreadWaitMs(true);
      assert.ok(
        Math.abs(waited - (two.critMs - two.mainMs)) < 1e-6,
        `waits ${waited} = the two-thread row's crit - main (${two.critMs - two.mainMs})`,
      );
      profileNativeThreads(false);
      binary(d, ALG.binaryAdd, [n], [n], a, b, y);
      const off = nativePrimitiveProfile(true).map(([, v]) => v);
      assert.deepEqual(off.map((v) => v.critMs), [0], "thread times off: no critical path");
    } finally {
      profileNativeThreads(false);
      profileNativePrimitives(false);
    }
  },
});
