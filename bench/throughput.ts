/**
 * Side-by-side throughput: geomad's models (WRN-10-4 and the quick preset's small CNN, 72
 * classes, batch 128) trained and scored on every available tfjs backend (`native` = oneDNN
 * through FFI, `wasm` with geomad's gradient kernels, optionally `cpu`), and the same
 * architectures in PyTorch CPU (bench/torch_wrn.py, Debian python3-torch) when installed, all
 * with the same number of threads. Training = forward + backward + Adam on the GEOM trainer's
 * loss, cross-entropy plus the models' L2 terms (2.5e-4 * sum of squares of every weight), in
 * both frameworks (bench/torch_wrn.py adds the same terms, in f32, unless run with `--no-l2`);
 * scoring = softmax outputs in inference mode. Prints a table with geomad / PyTorch
 * ratios and writes results/bench/throughput.json atomically.
 *
 * The machine is shared: wall-clock rates move with other people's load, so every row also
 * records process CPU seconds per batch and the load average, and the PyTorch and geomad runs
 * of one configuration are measured back to back.
 *
 * Usage:
 *   deno run --allow-ffi --allow-read --allow-write=results/bench --allow-run=/usr/bin/python3 \
 *     --allow-sys=loadavg bench/throughput.ts [--quick] [--models wrn,cnn] [--channels 3,1] \
 *     [--backends native,wasm] [--batch 128] [--steps 5] [--warmup 2] [--infer-batches 5] \
 *     [--threads 2] [--precisions fp32,bf16] [--no-torch] [--torch-stock-only] [--kernels]
 *     [--repeat N] [--out FILE]
 *
 * `--quick` (CI): batch 16, 1 warm-up and 1 timed step/batch, WRN and CNN on 3 channels.
 * PyTorch runs twice per configuration, as Debian ships it and with glibc malloc tuned
 * (`TORCH_MALLOC_ENV`); ratios use the faster of the two (`--torch-stock-only` skips the second).
 * `--kernels` adds GFLOP/s of each WRN-10-4 convolution (forward, backward data, backward filter)
 * on the native backend at the same batch size.
 * Every configuration runs in each of `--precisions` (default fp32 and bf16): bf16 rows are
 * geomad's bf16 convolutions on native (skipped where the CPU lacks AMX / AVX512-BF16) and
 * PyTorch's bf16 autocast (channels-last); ratios compare rows of the same precision.
 * `--repeat N` measures every configuration N times in interleaved rounds (PyTorch, then geomad,
 * then again), so drift in the machine's speed reaches both frameworks alike; the table and
 * `rows` give each row's median over the rounds (ratios of medians), `runs` every measurement.
 * @module
 */
import process from "node:process";
import * as tf from "@tensorflow/tfjs";
import { initBackend } from "../lib/backend/mod.ts";
import { NATIVE_BACKEND, type NativeBackend } from "../lib/backend/native/backend.ts";
import { parsePrecision, type Precision, resolvePrecision } from "../lib/backend/precision.ts";
import { nativeBackendInfo, registerNativeBackend } from "../lib/backend/native/register.ts";
import {
  convBackwardData,
  convBackwardFilter,
  convForward,
  type ConvGeom,
} from "../lib/backend/native/conv.ts";
import { Bf16Cache } from "../lib/backend/native/bf16.ts";
import { countMacs } from "../lib/models/count.ts";
import { buildSmallCnn } from "../lib/models/small_cnn.ts";
import { buildWrn } from "../lib/models/wrn.ts";
import { writeJsonAtomic } from "../lib/util/atomic.ts";
import { medianRows, type ModelName, type Row } from "./throughput_rows.ts";
import { trainStep } from "./train_step.ts";
import {
  type CommandSpec,
  intFlag,
  intListFlag,
  listFlag,
  parseCommand,
  runCli,
} from "../lib/util/cli.ts";
import { UsageError } from "../lib/util/errors.ts";
import { Rng } from "../lib/util/rng.ts";

const MODELS = ["wrn", "cnn"] as const;
const PYTHON = "/usr/bin/python3";
const TORCH_SCRIPT = new URL("./torch_wrn.py", import.meta.url).pathname;
/**
 * glibc malloc settings that keep PyTorch's large activations on the heap instead of a fresh
 * mmap per tensor: on these VMs every first touch of a page costs a hypervisor page fault and
 * stock PyTorch spends a third of its time in the kernel. Measured with and without.
 */
const TORCH_MALLOC_ENV = {
  MALLOC_MMAP_THRESHOLD_: "33554432",
  MALLOC_TRIM_THRESHOLD_: "68719476736",
  MALLOC_TOP_PAD_: "1073741824",
};

function loadavg(): number[] | null {
  try {
    return Deno.loadavg().map((x) => Math.round(x * 100) / 100);
  } catch {
    return null;
  }
}

function cpuSeconds(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

function build(model: ModelName, channels: number): tf.LayersModel {
  const inputShape = [32, 32, channels] as const;
  return model === "wrn"
    ? buildWrn({ depth: 10, widen: 4, inputShape, nClasses: 72, seed: 1 })
    : buildSmallCnn({ inputShape, nClasses: 72, seed: 1 });
}

interface Sizes {
  batch: number;
  steps: number;
  warmup: number;
  inferBatches: number;
}

/** Trains and scores one model on the active tfjs backend. */
async function measureTfjs(
  model: ModelName,
  channels: number,
  s: Sizes,
  precision: Precision,
): Promise<Row> {
  const net = build(model, channels);
  const macs = countMacs(net);
  const rng = new Rng(7);
  const data = Float32Array.from(
    { length: s.batch * 32 * 32 * channels },
    () => 2 * rng.next() - 1,
  );
  const labels = Int32Array.from({ length: s.batch }, () => rng.int(72));
  const x = tf.tensor4d(data, [s.batch, 32, 32, channels]);
  const y = tf.oneHot(tf.tensor1d(labels, "int32"), 72);
  const steps = trainStep(net, x, y);
  const step = async () => {
    const loss = await steps.run();
    if (!Number.isFinite(loss)) throw new Error(`Cannot benchmark: loss is ${loss}`);
  };

  const score = async () => {
    const p = tf.tidy(() => net.apply(x, { training: false }) as tf.Tensor);
    await p.data();
    p.dispose();
  };
  const timed = async (f: () => Promise<void>, n: number) => {
    const c0 = cpuSeconds();
    const t0 = performance.now();
    for (let i = 0; i < n; i++) await f();
    return { wall: (performance.now() - t0) / 1000, cpu: cpuSeconds() - c0 };
  };
  try {
    for (let i = 0; i < s.warmup; i++) await step();
    const train = await timed(step, s.steps);
    for (let i = 0; i < Math.max(1, s.warmup); i++) await score();
    const infer = await timed(score, s.inferBatches);
    const trainIps = (s.steps * s.batch) / train.wall;
    const inferIps = (s.inferBatches * s.batch) / infer.wall;
    return {
      framework: "geomad",
      backend: tf.getBackend(),
      precision,
      model,
      channels,
      batch: s.batch,
      threads: tf.getBackend() === NATIVE_BACKEND ? (nativeBackendInfo()?.threads ?? 0) : 1,
      macsPerImage: macs,
      trainImagesPerSec: trainIps,
      inferImagesPerSec: inferIps,
      trainCpuSecPerBatch: train.cpu / s.steps,
      inferCpuSecPerBatch: infer.cpu / s.inferBatches,
      trainGflops: (trainIps * macs * 6) / 1e9,
      inferGflops: (inferIps * macs * 2) / 1e9,
      loadavg: loadavg(),
    };
  } finally {
    tf.dispose([x, y]);
    steps.dispose();
    net.dispose();
  }
}

/** Runs bench/torch_wrn.py; undefined when python3 or torch is missing. */
async function measureTorch(
  model: ModelName,
  channels: number,
  s: Sizes,
  threads: number,
  tunedMalloc: boolean,
  precision: Precision,
): Promise<Row | undefined> {
  let out: Deno.CommandOutput;
  try {
    out = await new Deno.Command(PYTHON, {
      env: tunedMalloc ? TORCH_MALLOC_ENV : {},
      args: [
        TORCH_SCRIPT,
        `--model=${model}`,
        `--channels=${channels}`,
        `--batch=${s.batch}`,
        `--steps=${s.steps}`,
        `--warmup=${s.warmup}`,
        `--infer-batches=${s.inferBatches}`,
        `--threads=${threads}`,
        `--precision=${precision}`,
      ],
      stdout: "piped",
      stderr: "piped",
    }).output();
  } catch {
    return undefined; // no python3 (or not permitted to run it)
  }
  const text = new TextDecoder().decode(out.stdout).trim();
  let j: Record<string, unknown>;
  try {
    j = JSON.parse(text.split("\n").pop() ?? "");
  } catch {
    const err = new TextDecoder().decode(out.stderr).trim().split("\n").pop();
    throw new Error(`Cannot run ${TORCH_SCRIPT}: ${err || text || `exit ${out.code}`}`);
  }
  if (typeof j.error === "string") return undefined; // torch not installed
  return {
    framework: "pytorch",
    backend: `torch-${j.version}${tunedMalloc ? "+malloc" : ""}`,
    precision,
    model,
    channels,
    batch: s.batch,
    threads: j.threads as number,
    macsPerImage: j.macsPerImage as number,
    trainImagesPerSec: j.trainImagesPerSec as number,
    inferImagesPerSec: j.inferImagesPerSec as number,
    trainCpuSecPerBatch: j.trainCpuSecPerBatch as number,
    inferCpuSecPerBatch: j.inferCpuSecPerBatch as number,
    trainGflops: j.trainGflops as number,
    inferGflops: j.inferGflops as number,
    loadavg: j.loadavg as number[],
  };
}

async function activate(
  backend: string,
  threads: number,
  precision: Precision = "fp32",
): Promise<string | undefined> {
  if (backend === NATIVE_BACKEND) {
    const why = await registerNativeBackend({ threads });
    if (why) return why;
    if (!(await tf.setBackend(NATIVE_BACKEND))) return "native: did not initialise";
    try {
      const p = resolvePrecision(precision, { backend, isa: nativeBackendInfo()?.isa });
      (tf.backend() as unknown as NativeBackend).precision = p;
    } catch (err) {
      return err instanceof Error ? err.message : String(err);
    }
    return undefined;
  }
  if (precision !== "fp32") return "fp32 only";
  try {
    await initBackend(backend as Parameters<typeof initBackend>[0]);
    // initBackend remembers its first choice; switch back explicitly after `native` ran
    if (tf.getBackend() !== backend) await tf.setBackend(backend);
    return tf.getBackend() === backend ? undefined : `${backend}: got ${tf.getBackend()}`;
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
}

/** WRN-10-4's convolutions at 32x32: [input size, in, out, kernel, stride]. */
const WRN_CONVS: Array<[number, number, number, number, number]> = [
  [32, 3, 16, 3, 1],
  [32, 16, 64, 3, 1],
  [32, 64, 64, 3, 1],
  [32, 16, 64, 1, 1],
  [32, 64, 128, 3, 2],
  [16, 128, 128, 3, 1],
  [32, 64, 128, 1, 2],
  [16, 128, 256, 3, 2],
  [8, 256, 256, 3, 1],
  [16, 128, 256, 1, 2],
];

/** One convolution's rates: GFLOP per wall second and per process CPU second. */
interface KernelRow {
  conv: string;
  precision: Precision;
  pass: "forward" | "backward-data" | "backward-filter";
  ms: number;
  gflops: number;
  gflopsPerCpuS: number;
}

/** Times the native convolutions of WRN-10-4 (tfjs 'same' padding, NHWC) at `batch`. */
function measureConvKernels(batch: number, reps: number, precision: Precision): KernelRow[] {
  const backend = tf.findBackend(NATIVE_BACKEND) as unknown as {
    dnnl: Parameters<typeof convForward>[0];
  };
  const d = backend.dnnl;
  // bf16: activations converted once (as a training step mostly does), filters every call
  const bf16 = precision === "bf16" ? new Bf16Cache(d, { generation: () => 1 }) : undefined;
  const rng = new Rng(11);
  const rand = (n: number) => Float32Array.from({ length: n }, () => rng.next() - 0.5);
  const rows: KernelRow[] = [];
  for (const [h, cin, cout, k, s] of WRN_CONVS) {
    const oh = h / s;
    const total = Math.max((oh - 1) * s + k - h, 0);
    const pad = Math.floor(total / 2);
    const g: ConvGeom = {
      batch,
      inH: h,
      inW: h,
      inC: cin,
      outH: oh,
      outW: oh,
      outC: cout,
      fh: k,
      fw: k,
      strideH: s,
      strideW: s,
      dilH: 1,
      dilW: 1,
      padT: pad,
      padL: pad,
      padB: (oh - 1) * s + k - h - pad,
      padR: (oh - 1) * s + k - h - pad,
      channelsLast: true,
    };
    const x = rand(batch * h * h * cin);
    const w = rand(k * k * cin * cout);
    const dy = rand(batch * oh * oh * cout);
    const y = new Float32Array(dy.length);
    const dx = new Float32Array(x.length);
    const dw = new Float32Array(w.length);
    const flop = 2 * batch * oh * oh * cout * cin * k * k;
    const passes = [
      ["forward", () => convForward(d, g, x, w, { out: y, bf16 })],
      ["backward-data", () => convBackwardData(d, g, dy, w, { out: dx, bf16 })],
      ["backward-filter", () => convBackwardFilter(d, g, x, dy, { out: dw, bf16 })],
    ] as const;
    for (const [pass, run] of passes) {
      run();
      const c0 = cpuSeconds();
      const t0 = performance.now();
      for (let i = 0; i < reps; i++) run();
      const ms = (performance.now() - t0) / reps;
      const cpu = (cpuSeconds() - c0) / reps;
      rows.push({
        conv: `${h}x${h} ${cin}->${cout} k${k} s${s}`,
        precision,
        pass,
        ms,
        gflops: flop / ms / 1e6,
        gflopsPerCpuS: flop / cpu / 1e9,
      });
    }
  }
  return rows;
}

function fmt(v: number, digits = 1): string {
  return Number.isFinite(v) ? v.toFixed(digits) : "-";
}

/** The benchmark's command line (`--help` prints it; `deno task bench:ci` adds --quick). */
const COMMAND = {
  command: "deno task bench",
  usage: "[--quick] [--models wrn,cnn] [--channels 3,1] [--backends native,wasm] [--batch N] " +
    "[--steps N] [--warmup N] [--infer-batches N] [--threads N] [--no-torch] " +
    "[--torch-stock-only] [--kernels] [--precisions fp32,bf16] [--repeat N] [--out FILE]",
  about: "Training and scoring throughput of geomad's models on every tfjs backend and in " +
    "PyTorch CPU, with ratios; writes results/bench/throughput.json.",
  flags: {
    quick: {
      type: "boolean",
      help: "CI size: batch 16, 1 warm-up and 1 timed step, 3 channels",
      example: "--quick",
    },
    models: {
      type: "string",
      arg: "LIST",
      kind: "comma-separated: wrn, cnn",
      help: "models to time",
      defaultText: "wrn,cnn",
      example: "--models cnn",
    },
    channels: {
      type: "string",
      arg: "LIST",
      kind: "comma-separated integers >= 1",
      help: "input channels",
      defaultText: "3,1 (--quick: 3)",
      example: "--channels 3",
    },
    backends: {
      type: "string",
      arg: "LIST",
      kind: "comma-separated backend names",
      help: "tfjs backends to time",
      defaultText: "native,wasm",
      example: "--backends native",
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
      defaultText: "5 (--quick: 1)",
      example: "--steps 3",
    },
    warmup: {
      type: "string",
      arg: "N",
      kind: "integer >= 0",
      help: "untimed warm-up steps",
      defaultText: "2 (--quick: 1)",
      example: "--warmup 1",
    },
    "infer-batches": {
      type: "string",
      arg: "N",
      kind: "integer >= 1",
      help: "timed scoring batches",
      defaultText: "5 (--quick: 1)",
      example: "--infer-batches 2",
    },
    threads: {
      type: "string",
      arg: "N",
      kind: "integer >= 1",
      help: "threads for every backend and PyTorch",
      defaultText: "2",
      example: "--threads 1",
    },
    "no-torch": { type: "boolean", help: "skip PyTorch", example: "--no-torch" },
    "torch-stock-only": {
      type: "boolean",
      help: "time PyTorch only as Debian ships it (not with tuned malloc)",
      example: "--torch-stock-only",
    },
    kernels: {
      type: "boolean",
      help: "add GFLOP/s of each WRN-10-4 convolution on the native backend",
      example: "--kernels",
    },
    precisions: {
      type: "string",
      arg: "LIST",
      kind: "comma-separated: fp32, bf16",
      help: "arithmetic precisions of the native backend to time",
      defaultText: "fp32,bf16",
      example: "--precisions fp32",
    },
    repeat: {
      type: "string",
      arg: "N",
      kind: "integer >= 1",
      help: "rounds per configuration, interleaving the frameworks; rows are the medians",
      defaultText: "1",
      example: "--repeat 5",
    },
    out: {
      type: "string",
      arg: "FILE",
      kind: "path of a .json file under results/bench/",
      help: "where the figures go",
      defaultText: "results/bench/throughput.json",
      example: "--out results/bench/throughput-2.json",
    },
  },
} as const satisfies CommandSpec;

await runCli("bench/throughput", async () => {
  const parsed = parseCommand(COMMAND, Deno.args);
  if (!parsed) return;
  const f = parsed.values;
  const precisions = (listFlag(f.precisions, "precisions") ?? ["fp32", "bf16"]).map((p) => {
    const v = parsePrecision(p);
    if (v === "auto") throw new UsageError("--precisions takes fp32 and/or bf16");
    return v;
  });
  const quick = f.quick ?? false;
  const models = (listFlag(f.models, "models") ?? ["wrn", "cnn"]) as ModelName[];
  for (const m of models) {
    if (!MODELS.includes(m)) throw new UsageError(`unknown model '${m}' (choose from wrn, cnn)`);
  }
  const channels = intListFlag("channels", f.channels, { min: 1 }) ?? (quick ? [3] : [3, 1]);
  const backends = listFlag(f.backends, "backends") ?? ["native", "wasm"];
  const sizes: Sizes = {
    batch: intFlag("batch", f.batch, quick ? 16 : 128, { min: 1 }),
    steps: intFlag("steps", f.steps, quick ? 1 : 5, { min: 1 }),
    warmup: intFlag("warmup", f.warmup, quick ? 1 : 2, { min: 0 }),
    inferBatches: intFlag("infer-batches", f["infer-batches"], quick ? 1 : 5, { min: 1 }),
  };
  const threads = intFlag("threads", f.threads, 2, { min: 1 });
  const repeat = intFlag("repeat", f.repeat, 1, { min: 1 });
  const out = f.out ?? "results/bench/throughput.json";
  const runs: Row[] = [];
  const skipped: string[] = [];
  const startLoad = loadavg();
  for (const model of models) {
    for (const ch of channels) {
      const label = `${model} 32x32x${ch}`;
      for (const precision of precisions) {
        const tunings = f["no-torch"] ? [] : f["torch-stock-only"] ? [false] : [false, true];
        for (let round = 0; round < repeat; round++) {
          const of = repeat > 1 ? ` (round ${round + 1}/${repeat})` : "";
          for (const tuned of tunings) {
            console.error(
              `measuring ${label} ${precision} on pytorch${
                tuned ? " (tuned malloc)" : ""
              }${of} ...`,
            );
            const torch = await measureTorch(model, ch, sizes, threads, tuned, precision);
            if (torch) runs.push({ ...torch, round });
            else skipped.push(`pytorch: ${PYTHON} with torch not available`);
          }
          for (const backend of backends) {
            const why = await activate(backend, threads, precision);
            if (why) {
              skipped.push(`${backend} ${precision}: ${why}`);
              continue;
            }
            console.error(`measuring ${label} ${precision} on ${backend}${of} ...`);
            runs.push({ ...(await measureTfjs(model, ch, sizes, precision)), round });
            const b = tf.backend() as { clearPool?: () => void };
            b.clearPool?.();
          }
        }
      }
    }
  }
  const rows = medianRows(runs);
  // ratios are taken against the faster PyTorch run of the same configuration and precision
  const torchOf = (r: Row, key: "trainImagesPerSec" | "inferImagesPerSec") =>
    rows.filter((t) =>
      t.framework === "pytorch" && t.model === r.model && t.channels === r.channels &&
      t.precision === r.precision
    )
      .sort((a, b) => b[key] - a[key])[0];
  const info = nativeBackendInfo();
  if (info) {
    console.log(`native: oneDNN ${info.dnnlVersion}, ISA ${info.isa}, ${info.threads} threads`);
  }
  if (repeat > 1) console.log(`medians over ${repeat} interleaved rounds (runs: every round)`);
  console.log(
    "model        backend                 prec  train img/s  GFLOP/s  cpu-s/batch  score img/s" +
      "  GFLOP/s  train/torch  score/torch",
  );
  for (const r of rows) {
    const t = r.framework === "pytorch" ? undefined : torchOf(r, "trainImagesPerSec");
    const ti = r.framework === "pytorch" ? undefined : torchOf(r, "inferImagesPerSec");
    const tr = t ? fmt(r.trainImagesPerSec / t.trainImagesPerSec, 2) : "";
    const sr = ti ? fmt(r.inferImagesPerSec / ti.inferImagesPerSec, 2) : "";
    if (t && ti) {
      r.trainVsTorch = r.trainImagesPerSec / t.trainImagesPerSec;
      r.inferVsTorch = r.inferImagesPerSec / ti.inferImagesPerSec;
    }
    console.log(
      `${`${r.model} x${r.channels}`.padEnd(12)} ${r.backend.padEnd(23)} ${r.precision} ` +
        `${fmt(r.trainImagesPerSec).padStart(11)} ${fmt(r.trainGflops).padStart(8)} ` +
        `${fmt(r.trainCpuSecPerBatch, 2).padStart(12)} ${fmt(r.inferImagesPerSec).padStart(12)} ` +
        `${fmt(r.inferGflops).padStart(8)} ${tr.padStart(12)} ${sr.padStart(12)}`,
    );
  }
  for (const s of [...new Set(skipped)]) console.log(`skipped ${s}`);
  if (quick) {
    console.log("quick: one batch of 16 per figure; checks the bench runs, not a measurement");
  }
  const kernels: KernelRow[] = [];
  for (const precision of f.kernels ? precisions : []) {
    if ((await activate(NATIVE_BACKEND, threads, precision)) !== undefined) continue;
    console.error(`measuring WRN-10-4 convolutions on native in ${precision} ...`);
    kernels.push(...measureConvKernels(sizes.batch, Math.max(1, sizes.steps), precision));
  }
  if (kernels.length > 0) {
    console.log(
      "WRN-10-4 convolution (native)   prec  pass              ms  GFLOP/s  GFLOP/cpu-s",
    );
    for (const k of kernels) {
      console.log(
        `${k.conv.padEnd(32)} ${k.precision} ${k.pass.padEnd(15)} ${fmt(k.ms).padStart(6)} ` +
          `${fmt(k.gflops, 0).padStart(8)} ${fmt(k.gflopsPerCpuS, 0).padStart(12)}`,
      );
    }
  }
  const result = {
    schema: "geomad/bench-throughput@3",
    date: new Date().toISOString(),
    quick,
    sizes,
    threads,
    tfjs: tf.version.tfjs,
    native: nativeBackendInfo() ?? null,
    loadavg: { start: startLoad, end: loadavg() },
    skipped: [...new Set(skipped)],
    repeat,
    rows,
    runs,
    kernels,
  };
  await Deno.mkdir(out.split("/").slice(0, -1).join("/") || ".", { recursive: true });
  await writeJsonAtomic(out, result);
  console.log(`wrote ${out}`);
});
