import assert from "node:assert/strict";
import { Rng } from "../../util/rng.ts";
import { toBf16, widenBf16 } from "./bf16.ts";
import { ALG, Dnnl, PARALLEL_FROM } from "./dnnl.ts";
import { batchNormForward, binary, unary, unaryBackward } from "./eltwise.ts";
import { type DnnlLib, loadDnnl } from "./ffi.ts";
import { poolBackward, poolForward, type PoolGeom } from "./pool.ts";

const loaded = loadDnnl();
const bf16Isa = loaded.ok && /amx|avx512_core_bf16/.test(loaded.isa);

/**
 * A Dnnl on 2 OpenMP threads (`parallelFrom` as given) that records, for each primitive
 * execution, the thread count set at that moment.
 */
function recording(parallelFrom?: number): { d: Dnnl; threads: number[] } {
  if (!loaded.ok) throw new Error("oneDNN not loaded");
  let now = 0;
  const threads: number[] = [];
  const real = loaded.lib.symbols;
  const symbols = {
    ...real,
    dnnl_primitive_execute: (...args: Parameters<typeof real.dnnl_primitive_execute>) => {
      threads.push(now);
      return real.dnnl_primitive_execute(...args);
    },
  };
  const lib = Object.create(loaded.lib, { symbols: { value: symbols } }) as DnnlLib;
  const d = new Dnnl(lib, {
    threads: 2,
    setThreads: (n) => {
      now = n;
      loaded.setThreads?.(n);
    },
  });
  if (parallelFrom !== undefined) d.parallelFrom = parallelFrom;
  return { d, threads };
}

function random(n: number, seed: number, lo = -2, hi = 2): Float32Array {
  const rng = new Rng(seed);
  return Float32Array.from({ length: n }, () => lo + (hi - lo) * rng.next());
}

function bytes(a: ArrayBufferView): Uint8Array {
  return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
}

/** NHWC activations of 2^20 elements (at the threshold) and a small tensor below it. */
const BIG = [64, 32, 32, 16];
const SMALL = [2, 8, 8, 16];
const size = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);

/** Each memory-bound pass, run on `d`, returning its outputs. */
function passes(d: Dnnl, shape: number[]): Record<string, ArrayBufferView[]> {
  const n = size(shape);
  const c = shape[3]!;
  const a = random(n, 1);
  const b = random(n, 2);
  const ch = random(c, 3);
  const out: Record<string, ArrayBufferView[]> = {};
  const add = new Float32Array(n);
  binary(d, ALG.binaryAdd, shape, shape, a, b, add);
  const mul = new Float32Array(n);
  binary(d, ALG.binaryMul, shape, [1, 1, 1, c], a, ch, mul, {
    alg: ALG.eltwiseLinear,
    alpha: -1,
    beta: 0,
  });
  out.binary = [add, mul];
  const relu = new Float32Array(n);
  unary(d, ALG.eltwiseRelu, 0, 0, a, relu);
  const reluGrad = new Float32Array(n);
  unaryBackward(d, ALG.eltwiseRelu, 0, a, b, reluGrad);
  out.eltwise = [relu, reluGrad];
  const stats = {
    mean: random(c, 4, -0.5, 0.5),
    variance: random(c, 5, 0.5, 2),
    scale: random(c, 6, 0.5, 1.5),
    shift: random(c, 7),
    epsilon: 1e-3,
  };
  const bn = new Float32Array(n);
  batchNormForward(d, n / c, c, a, stats, bn, { relu: true });
  out.batchNorm = [bn];
  const g: PoolGeom = {
    batch: shape[0]!,
    inH: shape[1]!,
    inW: shape[2]!,
    channels: c,
    outH: shape[1]! / 2,
    outW: shape[2]! / 2,
    fh: 2,
    fw: 2,
    strideH: 2,
    strideW: 2,
    padT: 0,
    padL: 0,
  };
  const pooled = new Float32Array(n / 4);
  poolForward(d, g, "avg", a, pooled);
  const dx = new Float32Array(n);
  poolBackward(d, g, "avg", a, pooled, dx);
  // max pooling over overlapping 3x3 windows: its gradient sums where windows share a maximum
  const g3 = { ...g, fh: 3, fw: 3, padT: 1, padL: 1 };
  const maxed = new Float32Array(n / 4);
  poolForward(d, g3, "max", a, maxed);
  const dxMax = new Float32Array(n);
  poolBackward(d, g3, "max", a, maxed, dxMax);
  out.pooling = [pooled, dx, maxed, dxMax];
  if (bf16Isa) {
    const a16 = toBf16(d, a);
    const b16 = toBf16(d, b);
    const sum16 = new Uint16Array(n);
    binary(d, ALG.binaryAdd, shape, shape, a16, b16, sum16);
    const bn16 = new Uint16Array(n);
    batchNormForward(d, n / c, c, a16, stats, bn16, { relu: true });
    out.bf16 = [a16, sum16, bn16, widenBf16(d, bn16)];
  }
  return out;
}

Deno.test({
  name: "memory-bound primitives run on every thread from PARALLEL_FROM elements, one below",
  ignore: !loaded.ok,
  fn() {
    assert.equal(size(BIG), PARALLEL_FROM);
    for (const [shape, want] of [[BIG, 2], [SMALL, 1]] as const) {
      const { d, threads } = recording();
      const out = passes(d, [...shape]);
      // binary x2, eltwise x2, batch norm, pooling 2 + 3 (max: forward, and forward with its
      // workspace then backward), and (bf16) 2 conversions, add, bn, widen
      assert.equal(threads.length, bf16Isa ? 15 : 10);
      assert.deepEqual(threads, threads.map(() => want), `${shape}: threads ${threads}`);
      assert.ok(Object.keys(out).length >= 4);
    }
  },
});

Deno.test({
  name: "memory-bound primitives give the same bytes on two threads as on one",
  ignore: !loaded.ok,
  fn() {
    const two = recording();
    const one = recording(Infinity);
    const par = passes(two.d, [...BIG]);
    const ser = passes(one.d, [...BIG]);
    assert.ok(two.threads.every((t) => t === 2), `two threads: ${two.threads}`);
    assert.ok(one.threads.every((t) => t === 1), `one thread: ${one.threads}`);
    for (const [name, outs] of Object.entries(par)) {
      outs.forEach((o, i) => {
        assert.deepEqual(bytes(o), bytes(ser[name]![i]!), `${name} output ${i}`);
      });
    }
    // the comparison is not vacuous: the passes wrote non-zero results
    assert.ok(par.binary![0]!.byteLength > 0);
    assert.ok((par.binary![0] as Float32Array).some((v) => v !== 0));
  },
});

Deno.test({
  name: "Dnnl.parallelFor: never with one thread, from parallelFrom elements with more",
  ignore: !loaded.ok,
  fn() {
    if (!loaded.ok) return;
    const { d } = recording();
    assert.equal(d.parallelFor(PARALLEL_FROM - 1), false);
    assert.equal(d.parallelFor(PARALLEL_FROM), true);
    d.parallelFrom = Infinity;
    assert.equal(d.parallelFor(1e12), false);
    const single = new Dnnl(loaded.lib, { threads: 1, setThreads: loaded.setThreads });
    assert.equal(single.parallelFor(1e12), false);
  },
});
