/**
 * Benchmark of geomad's wasm replacement kernels (lib/backend/wasm_kernels): each kernel's
 * time and GFLOP/s with the stock tfjs-wasm kernel and with geomad's, on the shapes of the
 * quick preset's small CNN at batch 128; then full training steps (forward + backward +
 * Adam, the GEOM trainer's loss) and inference of that model, in images/s, with a kernel
 * profile of one step. Writes results/bench/wasm_kernels.json atomically.
 *
 * Stock wasm cannot train a conv net (no Conv2DBackpropFilter), so the "stock" training
 * figure keeps geomad's Conv2DBackpropFilter and stock everything else.
 *
 * Usage:
 *   deno run --allow-read --allow-write=results/bench --allow-env=GEOMAD_DEBUG --allow-sys=loadavg \
 *     bench/wasm_kernels.ts [--quick] [--model cnn|wrn] [--batch N] [--steps N] [--out FILE]
 *
 * `--quick` (CI): batch 16, 2 timed steps, one repetition per kernel. `--skip-stock` skips the
 * slow stock training run, `--skip-kernels` the per-kernel table. Wall-clock rates depend on what else runs on the machine; the
 * process CPU time per step (`trainImgPerCpuS`) is also recorded, with the load average.
 * @module
 */
import process from "node:process";
import * as tf from "@tensorflow/tfjs";
import { initBackend } from "../lib/backend/select.ts";
import {
  registerWasmKernels,
  restoreStockKernels,
  WASM_KERNEL_NAMES,
  WASM_KERNELS_EXTENSION,
} from "../lib/backend/wasm_kernels/mod.ts";
import { buildSmallCnn } from "../lib/models/small_cnn.ts";
import { buildWrn } from "../lib/models/wrn.ts";
import { countMacs } from "../lib/models/count.ts";
import { categoricalCrossEntropy } from "../lib/train/loss.ts";
import { writeJsonAtomic } from "../lib/util/atomic.ts";
import { type CommandSpec, intFlag, parseCommand, runCli } from "../lib/util/cli.ts";
import { UsageError } from "../lib/util/errors.ts";

type Shape4 = [number, number, number, number];

/** One kernel call to time. */
interface KernelCase {
  kernel: string;
  label: string;
  inputs: Record<string, number[]>;
  attrs: Record<string, unknown>;
  /** Floating-point operations of one call (0 for data movement). */
  flops: number;
  /** Bytes read + written by one call (for data-movement kernels). */
  bytes: number;
}

/** Timing of one kernel under one implementation. */
interface Timing {
  bestMs: number;
  medianMs: number;
  /** Process CPU time of the fastest repetition (robust on a shared, loaded machine). */
  bestCpuMs: number;
  reps: number;
  gflops: number | null;
  gbPerS: number | null;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function conv(label: string, x: Shape4, f: Shape4, stride: number, batch: number): KernelCase[] {
  const xs: Shape4 = [batch, x[1], x[2], x[3]];
  const info = tf.backend_util.computeConv2DInfo(xs, f, stride, 1, "same");
  const flops = 2 * batch * info.outHeight * info.outWidth * f[0] * f[1] * f[2] * f[3];
  const dy = info.outShape;
  return [
    {
      kernel: "Conv2DBackpropFilter",
      label,
      inputs: { x: xs, dy },
      attrs: { strides: stride, pad: "same", dataFormat: "NHWC", filterShape: f },
      flops,
      bytes: 0,
    },
    {
      kernel: "Conv2DBackpropInput",
      label,
      inputs: { dy, filter: f },
      attrs: { strides: stride, pad: "same", dataFormat: "NHWC", inputShape: xs },
      flops,
      bytes: 0,
    },
  ];
}

/** The kernel cases: the small CNN's conv gradients and its other slow training kernels. */
function kernelCases(b: number): KernelCase[] {
  const act = 4 * b * 32 * 32 * 32;
  return [
    ...conv("cnn conv1 32x32x3->32", [b, 32, 32, 3], [3, 3, 3, 32], 1, b).slice(0, 1),
    ...conv("cnn conv2 16x16x32->64", [b, 16, 16, 32], [3, 3, 32, 64], 1, b),
    ...conv("cnn conv3 8x8x64->128", [b, 8, 8, 64], [3, 3, 64, 128], 1, b),
    ...conv("wrn-like 16x16x64->128 stride 2", [b, 16, 16, 64], [3, 3, 64, 128], 2, b),
    {
      kernel: "BatchMatMul",
      label: "dense dW = x^T dy (transposeA) 2048->72",
      inputs: { a: [b, 2048], b: [b, 72] },
      attrs: { transposeA: true, transposeB: false },
      flops: 2 * b * 2048 * 72,
      bytes: 0,
    },
    {
      kernel: "BatchMatMul",
      label: "dense dx = dy W^T (transposeB) 72->2048",
      inputs: { a: [b, 72], b: [2048, 72] },
      attrs: { transposeA: false, transposeB: true },
      flops: 2 * b * 2048 * 72,
      bytes: 0,
    },
    {
      kernel: "Sum",
      label: "BN sum over [0,1,2] of [b,32,32,32]",
      inputs: { x: [b, 32, 32, 32] },
      attrs: { axis: [0, 1, 2], keepDims: false },
      flops: 0,
      bytes: act,
    },
    {
      kernel: "Mean",
      label: "BN mean over [0,1,2] of [b,32,32,32]",
      inputs: { x: [b, 32, 32, 32] },
      attrs: { axis: [0, 1, 2], keepDims: true },
      flops: 0,
      bytes: act,
    },
    {
      kernel: "Tile",
      label: "BN grad tile [1,1,1,32] -> [b,32,32,32]",
      inputs: { x: [1, 1, 1, 32] },
      attrs: { reps: [b, 32, 32, 1] },
      flops: 0,
      bytes: act,
    },
    {
      kernel: "FusedBatchNorm",
      label: "BN forward [b,32,32,32]",
      inputs: { x: [b, 32, 32, 32], mean: [32], variance: [32], offset: [32], scale: [32] },
      attrs: { varianceEpsilon: 1e-5 },
      flops: 0,
      bytes: 2 * act,
    },
    {
      kernel: "MaxPoolGrad",
      label: "2x2 max pool grad [b,32,32,32]",
      inputs: { dy: [b, 16, 16, 32], input: [b, 32, 32, 32], output: [b, 16, 16, 32] },
      attrs: { filterSize: 2, strides: 2, pad: "valid" },
      flops: 0,
      bytes: act * 2.5,
    },
    {
      kernel: "AvgPoolGrad",
      label: "2x2 avg pool grad [b,8,8,128]",
      inputs: { dy: [b, 4, 4, 128], input: [b, 8, 8, 128] },
      attrs: { filterSize: 2, strides: 2, pad: "valid" },
      flops: 0,
      bytes: act * 1.25 / 4,
    },
    {
      kernel: "Identity",
      label: "clone of a saved activation [b,32,32,32]",
      inputs: { x: [b, 32, 32, 32] },
      attrs: {},
      flops: 0,
      bytes: 2 * act,
    },
  ];
}

/** Times one kernel case with whatever is registered now; at most ~`budgetMs` of reps. */
function timeKernel(c: KernelCase, maxReps: number, budgetMs: number): Timing | null {
  if (!tf.getKernel(c.kernel, "wasm")) return null;
  const inputs: tf.NamedTensorMap = {};
  for (const [k, shape] of Object.entries(c.inputs)) {
    inputs[k] = k === "variance"
      ? tf.randomUniform(shape, 0.5, 1.5, "float32", 1)
      : tf.randomNormal(shape, 0, 1, "float32", k.length);
  }
  const run = () => {
    const out = tf.engine().runKernel(c.kernel, inputs, c.attrs as tf.NamedAttrMap);
    tf.dispose(out as tf.Tensor);
  };
  const times: number[] = [];
  const cpuTimes: number[] = [];
  const start = performance.now();
  run(); // warm-up
  const warm = performance.now() - start;
  const reps = Math.max(1, Math.min(maxReps, Math.floor(budgetMs / Math.max(warm, 1e-3))));
  for (let i = 0; i < reps; i++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    run();
    times.push(performance.now() - t0);
    cpuTimes.push(cpuMs(process.cpuUsage(c0)));
  }
  tf.dispose(Object.values(inputs));
  const best = Math.min(...times);
  return {
    bestMs: round(best),
    medianMs: round(median(times)),
    bestCpuMs: round(Math.min(...cpuTimes)),
    reps,
    gflops: c.flops ? round(c.flops / best / 1e6) : null,
    gbPerS: c.bytes ? round(c.bytes / best / 1e6) : null,
  };
}

function cpuMs(usage: { user: number; system: number }): number {
  return (usage.user + usage.system) / 1000;
}

function round(x: number, digits = 3): number {
  const p = 10 ** digits;
  return Math.round(x * p) / p;
}

/** The model to train. */
function buildModel(kind: string): tf.LayersModel {
  if (kind === "cnn") return buildSmallCnn({ inputShape: [32, 32, 3], nClasses: 72, seed: 1 });
  return buildWrn({ depth: 10, widen: 4, inputShape: [32, 32, 3], nClasses: 72, seed: 1 });
}

/** Trains `steps` timed steps (after 2 warm-up steps) and predicts; returns rates. */
async function trainAndInfer(model: tf.LayersModel, batch: number, steps: number) {
  const optimizer = tf.train.adam(1e-3);
  const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const x = tf.randomNormal([batch, 32, 32, 3], 0, 1, "float32", 3);
  const y = tf.oneHot(tf.randomUniform([batch], 0, 72, "int32", 4) as tf.Tensor1D, 72);
  const step = () =>
    tf.tidy(() =>
      optimizer.minimize(
        () => {
          const probs = model.apply(x, { training: true }) as tf.Tensor;
          return tf.addN([categoricalCrossEntropy(y, probs), ...model.calculateLosses()]);
        },
        true,
        vars,
      )!
    );
  const losses: number[] = [];
  for (let i = 0; i < 2; i++) {
    const l = step();
    losses.push((await l.data())[0]!);
    l.dispose();
  }
  const tensorsBefore = tf.memory().numTensors;
  const times: number[] = [];
  const cpuTimes: number[] = [];
  for (let i = 0; i < steps; i++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    const l = step();
    losses.push((await l.data())[0]!);
    l.dispose();
    times.push(performance.now() - t0);
    cpuTimes.push(cpuMs(process.cpuUsage(c0)));
  }
  const leaked = tf.memory().numTensors - tensorsBefore;
  const profile = await tf.profile(() => {
    const l = step();
    l.dispose();
  });
  const byKernel = new Map<string, number>();
  let profiled = 0;
  for (const k of profile.kernels) {
    const ms = await (k.kernelTimeMs as number | Promise<number>);
    if (typeof ms !== "number" || k.name.endsWith("__op")) continue;
    profiled += ms;
    byKernel.set(k.name, (byKernel.get(k.name) ?? 0) + ms);
  }
  const inferTimes: number[] = [];
  tf.tidy(() => model.predict(x) as tf.Tensor).dispose();
  for (let i = 0; i < Math.max(2, steps); i++) {
    const t0 = performance.now();
    const p = model.predict(x) as tf.Tensor;
    await p.data();
    p.dispose();
    inferTimes.push(performance.now() - t0);
  }
  optimizer.dispose();
  tf.dispose([x, y]);
  const stepMs = median(times);
  const stepCpuMs = median(cpuTimes);
  return {
    stepMsMedian: round(stepMs, 1),
    stepMsBest: round(Math.min(...times), 1),
    stepCpuMsMedian: round(stepCpuMs, 1),
    trainImgPerS: round(batch / stepMs * 1000, 1),
    trainImgPerSBest: round(batch / Math.min(...times) * 1000, 1),
    trainImgPerCpuS: round(batch / stepCpuMs * 1000, 1),
    inferImgPerS: round(batch / median(inferTimes) * 1000, 1),
    losses: losses.map((l) => round(l, 4)),
    tensorsLeakedPerStep: leaked / steps,
    profileTotalMs: round(profiled, 1),
    profileTopKernelsMs: Object.fromEntries(
      [...byKernel].sort((a, b) => b[1] - a[1]).slice(0, 12).map(([k, v]) => [k, round(v, 1)]),
    ),
  };
}

function loadavg(): number[] | null {
  try {
    return Deno.loadavg().map((v) => round(v, 2));
  } catch {
    return null;
  }
}

/** The benchmark's command line (`--help` prints it). */
const COMMAND = {
  command: "deno task bench:wasm",
  usage: "[--quick] [--model cnn|wrn] [--batch N] [--steps N] [--skip-stock] [--skip-kernels] " +
    "[--out FILE]",
  about: "geomad's wasm replacement kernels against the stock tfjs-wasm ones (time, GFLOP/s), " +
    "then whole training steps and inference; writes results/bench/wasm_kernels.json.",
  flags: {
    quick: {
      type: "boolean",
      help: "CI size: batch 16, 2 timed steps, one repetition per kernel",
      example: "--quick",
    },
    model: {
      type: "string",
      arg: "NAME",
      kind: "cnn|wrn",
      help: "model whose shapes are timed",
      defaultText: "cnn",
      example: "--model wrn",
    },
    batch: {
      type: "string",
      arg: "N",
      kind: "integer >= 1",
      help: "batch size",
      defaultText: "128 (--quick: 16)",
      example: "--batch 64",
    },
    steps: {
      type: "string",
      arg: "N",
      kind: "integer >= 1",
      help: "timed training steps",
      defaultText: "6 (--quick: 2)",
      example: "--steps 3",
    },
    out: {
      type: "string",
      arg: "FILE",
      kind: "path of a .json file under results/bench/",
      help: "where the figures go",
      defaultText: "results/bench/wasm_kernels.json",
      example: "--out results/bench/wasm-2.json",
    },
    "skip-stock": {
      type: "boolean",
      help: "skip the slow stock training run",
      example: "--skip-stock",
    },
    "skip-kernels": {
      type: "boolean",
      help: "skip the per-kernel table",
      example: "--skip-kernels",
    },
  },
} as const satisfies CommandSpec;

async function main() {
  const parsed = parseCommand(COMMAND, Deno.args);
  if (!parsed) return;
  const { values } = parsed;
  const quick = values.quick ?? false;
  const modelKind = values.model ?? "cnn";
  if (!["cnn", "wrn"].includes(modelKind)) {
    throw new UsageError(`--model must be cnn or wrn, got '${modelKind}'`);
  }
  const batch = intFlag("batch", values.batch, quick ? 16 : 128, { min: 1 });
  const steps = intFlag("steps", values.steps, quick ? 2 : 6, { min: 1 });
  const out = values.out ?? "results/bench/wasm_kernels.json";
  const maxReps = quick ? 1 : 5;
  const budgetMs = quick ? 200 : 3000;

  const info = await initBackend("wasm");
  const loadStart = loadavg();
  const started = new Date().toISOString();
  const kernels = [];
  for (const c of values["skip-kernels"] ? [] : kernelCases(batch)) {
    restoreStockKernels();
    const stock = c.kernel === "Conv2DBackpropFilter" ? null : timeKernel(c, maxReps, budgetMs);
    registerWasmKernels();
    const geomad = timeKernel(c, maxReps, budgetMs);
    const speedup = stock && geomad ? round(stock.bestMs / geomad.bestMs, 1) : null;
    kernels.push({ kernel: c.kernel, label: c.label, flops: c.flops, stock, geomad, speedup });
    const fmt = (t: Timing | null) =>
      t
        ? `${t.bestMs.toFixed(2)} ms (cpu ${t.bestCpuMs.toFixed(2)})` +
          (t.gflops ? ` ${t.gflops.toFixed(1)} GFLOP/s` : "")
        : "n/a";
    console.log(
      `${c.kernel.padEnd(21)} ${c.label.padEnd(42)} stock ${fmt(stock).padEnd(38)} ` +
        `geomad ${fmt(geomad).padEnd(38)} x${speedup ?? "-"}`,
    );
  }

  const model = buildModel(modelKind);
  const macsPerImage = countMacs(model);
  registerWasmKernels();
  const geomad = await trainAndInfer(model, batch, steps);
  console.log(
    `train ${modelKind} batch ${batch} geomad: ${geomad.trainImgPerS} img/s ` +
      `(best step ${geomad.trainImgPerSBest}; per CPU-second ${geomad.trainImgPerCpuS}), ` +
      `infer ${geomad.inferImgPerS} img/s`,
  );
  let stock = null;
  if (!values["skip-stock"]) {
    restoreStockKernels();
    stock = await trainAndInfer(model, batch, Math.min(steps, quick ? 1 : 2));
    registerWasmKernels();
    console.log(
      `train ${modelKind} batch ${batch} stock (+ geomad Conv2DBackpropFilter): ` +
        `${stock.trainImgPerS} img/s (per CPU-second ${stock.trainImgPerCpuS}), ` +
        `infer ${stock.inferImgPerS} img/s`,
    );
  }
  model.dispose();

  const record = {
    schema: "geomad.bench.wasm_kernels/v1",
    started,
    finished: new Date().toISOString(),
    mode: quick ? "quick" : "full",
    backend: { ...info, extensions: [WASM_KERNELS_EXTENSION] },
    replacedKernels: WASM_KERNEL_NAMES,
    deno: Deno.version.deno,
    host: { cpus: navigator.hardwareConcurrency, loadavgStart: loadStart, loadavgEnd: loadavg() },
    kernels,
    train: {
      model: modelKind === "cnn" ? "small-cnn (quick preset), 32x32x3, 72 classes" : "WRN-10-4",
      macsPerImage,
      batch,
      steps,
      optimizer: "adam 1e-3",
      loss: "categorical cross-entropy + L2",
      geomad: {
        ...geomad,
        gflopsTrain: round(3 * 2 * macsPerImage * geomad.trainImgPerS / 1e9, 2),
      },
      stockWithGeomadBackpropFilter: stock,
    },
  };
  await writeJsonAtomic(out, record);
  console.log(`wrote ${out}`);
}

if (import.meta.main) runCli("bench/wasm_kernels", main);
