import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { NATIVE_BACKEND, type NativeBackend } from "./backend.ts";
import { misalignment } from "./aligned.ts";
import { Bf16Cache, fromBf16, toBf16, widenBf16 } from "./bf16.ts";
import { roundToBf16, skipReason } from "./testing.ts";

const ignore = skipReason !== undefined;

function backend(): NativeBackend {
  return tf.findBackend(NATIVE_BACKEND) as unknown as NativeBackend;
}

Deno.test({
  name: "toBf16() rounds to nearest even like the bit-level reference, fromBf16() is exact",
  ignore,
  fn() {
    const x = new Float32Array([
      0,
      -0,
      1,
      -2.5,
      1 + 2 ** -8, // halfway between 1 and 1 + 2^-7: ties to even (1)
      1 + 3 * 2 ** -8, // halfway: ties to even (1 + 2^-6)
      1 + 2 ** -8 + 2 ** -20, // above halfway: rounds up
      3.4e38,
      Math.PI,
      -Math.E,
    ]);
    const d = backend().dnnl;
    const bits = toBf16(d, x);
    const back = fromBf16(bits);
    assert.deepEqual([...back], [...roundToBf16(x)]);
    assert.equal(back[4], 1);
    assert.equal(back[5], 1 + 2 ** -6);
    assert.equal(back[6], 1 + 2 ** -7);
    // denormals: AVX512-BF16's conversion flushes them to zero, software paths may not
    const denormal = fromBf16(toBf16(d, new Float32Array([1e-40])))[0];
    assert.ok(denormal === 0 || denormal === 9.183549615799121e-41, `${denormal}`);
    assert.deepEqual([...fromBf16(toBf16(d, back))], [...back], "bf16 values convert exactly");
    assert.throws(() => toBf16(d, x, new Uint16Array(3)), RangeError);
  },
});

Deno.test({
  name: "widenBf16() widens exactly like the bit-level decoder, at any size, into a given buffer",
  ignore,
  fn() {
    const d = backend().dnnl;
    for (const n of [1, 7, 1 << 19]) {
      const bits = new Uint16Array(n);
      for (let i = 0; i < n; i++) bits[i] = (i * 40503 + 12345) & 0xffff;
      const out = new Float32Array(n);
      assert.equal(widenBf16(d, bits, out), out);
      const want = fromBf16(bits);
      for (let i = 0; i < n; i++) {
        // NaN payloads may differ; every other pattern widens bit for bit
        if (Number.isNaN(want[i]!)) assert.ok(Number.isNaN(out[i]!));
        else assert.equal(out[i], want[i], `element ${i} of ${n}`);
      }
    }
    assert.throws(() => widenBf16(d, new Uint16Array(3), new Float32Array(2)), RangeError);
  },
});

Deno.test({
  name: "Bf16Cache converts an array once per generation and recycles the bf16 buffer",
  ignore,
  fn() {
    const gens = new Map<Float32Array, number>();
    const cache = new Bf16Cache(backend().dnnl, { generation: (a) => gens.get(a) });
    const a = new Float32Array([1, 2, 3]);
    const first = cache.convert(a);
    assert.notEqual(cache.convert(a), first, "untracked arrays convert on every call");
    gens.set(a, 1);
    const tracked = cache.convert(a);
    assert.equal(cache.convert(a), tracked, "same generation: the cached copy");
    a[0] = 5;
    gens.set(a, 2);
    const next = cache.convert(a);
    assert.equal(next, tracked, "a new generation reuses the buffer");
    assert.equal(fromBf16(next)[0], 5);
    assert.deepEqual(cache.stats, { converted: 4, reused: 1, adopted: 0, widened: 0 });
  },
});

Deno.test({
  name: "Bf16Cache.adopt leaves an array pending until materialise widens its bf16 values",
  ignore,
  fn() {
    const gens = new Map<Float32Array, number>();
    const cache = new Bf16Cache(backend().dnnl, { generation: (a) => gens.get(a) });
    const a = new Float32Array(4).fill(-7);
    assert.equal(cache.adopt(a), undefined, "an untracked array cannot be adopted");
    gens.set(a, 1);
    const a16 = cache.adopt(a)!;
    a16.set([0x3f80, 0xc040, 0x0000, 0x4049]); // 1, -3, 0, 3.140625
    assert.ok(cache.pending(a));
    assert.equal(cache.exact(a), a16);
    assert.equal(cache.convert(a), a16, "a conversion reads the adopted copy");
    assert.deepEqual([...a], [-7, -7, -7, -7], "nothing written before materialise");
    cache.materialise(a);
    assert.deepEqual([...a], [1, -3, 0, 3.140625]);
    assert.ok(!cache.pending(a));
    assert.equal(cache.exact(a), a16, "still exact once written");
    cache.materialise(a);
    assert.equal(cache.stats.widened, 1, "written once");
    // the pool hands `a` out again: its old copy no longer describes it
    gens.set(a, 2);
    assert.ok(!cache.pending(a));
    assert.equal(cache.exact(a), undefined);
    a.fill(2);
    assert.equal(fromBf16(cache.convert(a))[0], 2);
    assert.equal(cache.exact(a), undefined, "a rounded conversion is not exact");
    gens.set(a, 3);
    assert.equal(cache.adopt(a), a16, "a recycled array keeps its bf16 buffer");
  },
});

Deno.test({
  name:
    "bf16 copies and bf16-primary buffers start on a 64-byte boundary (AMX reads them 2x faster)",
  ignore,
  fn() {
    const d = backend().dnnl;
    const gens = new Map<Float32Array, number>();
    const cache = new Bf16Cache(d, { generation: (a) => gens.get(a) });
    for (const n of [1, 5, 1000]) {
      const x = new Float32Array(n).fill(1.5);
      assert.equal(misalignment(toBf16(d, x)), 0, `toBf16 of ${n}`);
      assert.equal(misalignment(cache.convert(x)), 0, `untracked convert of ${n}`);
      gens.set(x, 1);
      assert.equal(misalignment(cache.convert(x)), 0, `tracked convert of ${n}`);
      const y = new Float32Array(n);
      gens.set(y, 1);
      assert.equal(misalignment(cache.adopt(y)!), 0, `adopt of ${n}`);
    }
  },
});
