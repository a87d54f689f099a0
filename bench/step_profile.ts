/**
 * Where a WRN-10-4 training step and a scoring batch spend their time on the native backend, per
 * tfjs kernel, in wall and process-CPU milliseconds, for each precision. CPU time is the figure to
 * compare on a shared machine (wall time includes waiting for a core).
 *
 *   deno task bench:step [--precisions fp32,bf16] [--channels 3] [--batch 128]
 *     [--score-batch 512] [--steps 4] [--threads N] [--top 12] [--primitives N] [--dnnl FILE]
 *     [--thread-times] [--serial-memory] [--autograd-l2]
 *
 * `--threads` sets oneDNN's OpenMP threads (default: OpenMP's, i.e. OMP_NUM_THREADS or all cores).
 * `--primitives N` also lists the N costliest oneDNN primitives (kind, implementation, argument
 * bytes) with the same clocks, e.g. a bf16 convolution apart from the conversions around it, and
 * `[misaligned N/M]` when N of its M calls had an argument of 64 KiB or more off a 64-byte
 * boundary (AMX kernels run up to 2.5x slower on those). `--dnnl FILE` opens another build
 * of oneDNN 2.x, or the execution timer of `bench/onednn_exec_timer.c`. `--serial-memory` runs
 * the elementwise memory-bound primitives (binary, eltwise, batch norm with given statistics,
 * pooling, bf16 conversions) on one thread (`Dnnl.parallelFrom = Infinity`; before issue 11's
 * change all but the conversions of 2^18 elements or more did), to compare in one build;
 * `--autograd-l2` puts the models' L2 terms through autograd instead of Adam's update (issue 11's
 * speed6 change; same bits), to compare the two in one build; a primitive that ran on more than one
 * thread is listed with `[N threads]`. `--thread-times` adds each kernel's and primitive's
 * critical path (the CPU ms of its busiest thread, see `lib/backend/native/profile.ts`) and an
 * estimate of the time on idle cores, for a busy machine: run it with `OMP_WAIT_POLICY=PASSIVE`.
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { NATIVE_BACKEND, type NativeBackend } from "../lib/backend/native/backend.ts";
import process from "node:process";
import {
  nativeKernelProfile,
  nativePrimitiveProfile,
  nativeThreadWaitMs,
  profileNativeKernels,
  profileNativePrimitives,
  profileNativeThreads,
  threadCpuNs,
} from "../lib/backend/native/profile.ts";
import { nativeBackendInfo, registerNativeBackend } from "../lib/backend/native/register.ts";
import { parsePrecision, type Precision, resolvePrecision } from "../lib/backend/precision.ts";
import { buildWrn } from "../lib/models/wrn.ts";
import { type CommandSpec, intFlag, listFlag, parseCommand, runCli } from "../lib/util/cli.ts";
import { UsageError } from "../lib/util/errors.ts";
import { Rng } from "../lib/util/rng.ts";
import { trainStep } from "./train_step.ts";

function randomImages(n: number, channels: number, rng: Rng): tf.Tensor4D {
  const v = Float32Array.from({ length: n * 32 * 32 * channels }, () => 2 * rng.next() - 1);
  return tf.tensor4d(v, [n, 32, 32, channels]);
}

function printProfile(
  title: string,
  per: number,
  top: number,
  primitives: number,
  threadTimes: boolean,
  mainMs = 0,
  adamMs?: number,
): number {
  const rows = nativeKernelProfile(true);
  let cpu = 0, wall = 0, crit = 0;
  for (const [, v] of rows) cpu += v.cpuMs, wall += v.wallMs, crit += v.critMs;
  let main = 0;
  for (const [, v] of rows) main += v.mainMs;
  const critText = (ms: number) => threadTimes ? ` ${(ms / per).toFixed(1).padStart(8)} crit` : "";
  console.log(
    `${title}: kernels ${(wall / per).toFixed(1)} ms wall, ${(cpu / per).toFixed(1)} ms CPU` +
      (threadTimes ? `, ${(crit / per).toFixed(1)} ms critical path` : ""),
  );
  if (threadTimes) {
    console.log(
      `  main thread outside kernels (JS: tfjs, autograd, Adam): ${
        (mainMs - main / per).toFixed(1)
      } ms CPU` + (adamMs === undefined ? "" : `, of which Adam's update ${adamMs.toFixed(1)}`),
    );
  }
  for (const [name, v] of rows.slice(0, top)) {
    console.log(
      `  ${name.padEnd(32)} ${String(Math.round(v.calls / per)).padStart(5)} calls ` +
        `${(v.wallMs / per).toFixed(1).padStart(8)} ms ${
          (v.cpuMs / per).toFixed(1).padStart(8)
        } cpu${critText(v.critMs)}`,
    );
  }
  const prims = nativePrimitiveProfile(true);
  if (primitives > 0) {
    let pcpu = 0, pcrit = 0;
    for (const [, v] of prims) pcpu += v.cpuMs, pcrit += v.critMs;
    console.log(
      `  oneDNN primitives: ${(pcpu / per).toFixed(1)} ms CPU` +
        (threadTimes ? `, ${(pcrit / per).toFixed(1)} ms critical path` : ""),
    );
    for (const [name, v] of prims.slice(0, primitives)) {
      const mis = v.misalignedCalls > 0 ? ` [misaligned ${v.misalignedCalls}/${v.calls}]` : "";
      const thr = v.threads > 1 ? ` [${v.threads} threads]` : "";
      console.log(
        `    ${(v.cpuMs / per).toFixed(1).padStart(7)} cpu${critText(v.critMs)} ${
          (v.calls / per).toFixed(1).padStart(5)
        }x ${name}${thr}${mis}`,
      );
    }
  }
  return cpu / per;
}

/** Runs `f` `n` times: wall, process CPU and main-thread CPU ms per run. */
async function timed(f: () => Promise<void>, n: number) {
  const c0 = process.cpuUsage();
  const m0 = threadCpuNs();
  const t0 = performance.now();
  for (let i = 0; i < n; i++) await f();
  const c = process.cpuUsage(c0);
  return {
    wallMs: (performance.now() - t0) / n,
    cpuMs: (c.user + c.system) / 1000 / n,
    mainMs: (threadCpuNs() - m0) / 1e6 / n,
  };
}

async function profile(precision: Precision, o: {
  channels: number;
  batch: number;
  scoreBatch: number;
  steps: number;
  top: number;
  primitives: number;
  threadTimes: boolean;
  autogradL2: boolean;
}): Promise<void> {
  const backend = tf.backend() as unknown as NativeBackend;
  backend.precision = precision;
  const net = buildWrn({ depth: 10, widen: 4, inputShape: [32, 32, o.channels], nClasses: 72 });
  const rng = new Rng(7);
  const x = randomImages(o.batch, o.channels, rng);
  const labels = Int32Array.from({ length: o.batch }, () => rng.int(72));
  const y = tf.oneHot(tf.tensor1d(labels, "int32"), 72);
  const xs = randomImages(o.scoreBatch, o.channels, rng);
  const train = trainStep(net, x, y, { fusedWeightDecay: !o.autogradL2 });
  // the main thread's CPU time in Adam's update (a JavaScript loop), with thread times on
  let adamNs = 0;
  const adam = train.optimizer;
  const apply = adam.applyGradients.bind(adam);
  adam.applyGradients = (grads) => {
    if (!o.threadTimes) return apply(grads);
    const t0 = threadCpuNs();
    apply(grads);
    adamNs += threadCpuNs() - t0;
  };
  const step = async () => {
    await train.run();
  };

  const score = async () => {
    const p = tf.tidy(() => net.apply(xs, { training: false }) as tf.Tensor);
    await p.data();
    p.dispose();
  };
  // Profiled runs, then (with thread times) unprofiled ones for the main thread's CPU time: the
  // estimate of a step on idle cores is that plus the profiled runs' waits on other threads.
  const run = async (what: string, f: () => Promise<void>, images: number) => {
    for (let i = 0; i < 2; i++) await f();
    adamNs = 0;
    profileNativeKernels(true);
    profileNativePrimitives(o.primitives > 0 || o.threadTimes);
    profileNativeThreads(o.threadTimes);
    nativeKernelProfile(true);
    nativePrimitiveProfile(true);
    nativeThreadWaitMs(true);
    const t = await timed(f, o.steps);
    profileNativeKernels(false);
    profileNativePrimitives(false);
    profileNativeThreads(false);
    const waited = nativeThreadWaitMs(true) / o.steps;
    console.log(
      `${what} ${t.wallMs.toFixed(1)} ms (${(images * 1000 / t.wallMs).toFixed(1)} img/s), ` +
        `batch ${images}, 32x32x${o.channels}`,
    );
    const adamMs = f === step ? adamNs / 1e6 / o.steps : undefined;
    printProfile(`${what}`, o.steps, o.top, o.primitives, o.threadTimes, t.mainMs, adamMs);
    if (o.threadTimes) {
      const u = await timed(f, o.steps);
      const est = u.mainMs + waited;
      console.log(
        `  unprofiled: ${u.wallMs.toFixed(1)} ms wall, ${u.cpuMs.toFixed(1)} ms CPU, main thread ` +
          `${u.mainMs.toFixed(1)} ms CPU; + ${waited.toFixed(1)} ms waits on other threads = ` +
          `${est.toFixed(1)} ms on idle cores (${(images * 1000 / est).toFixed(1)} img/s)`,
      );
    }
  };
  try {
    console.log();
    await run(`${precision}: training step`, step, o.batch);
    await run(`${precision}: scoring batch`, score, o.scoreBatch);
  } finally {
    tf.dispose([x, y, xs]);
    train.dispose();
    net.dispose();
  }
}

const COMMAND = {
  command: "deno task bench:step",
  usage: "[--precisions fp32,bf16] [--channels N] [--batch N] [--score-batch N] [--steps N] " +
    "[--threads N] [--top N] [--primitives N] [--dnnl FILE] [--thread-times] [--serial-memory] " +
    "[--autograd-l2]",
  about: "Per-kernel wall and CPU milliseconds of one WRN-10-4 training step and one scoring " +
    "batch on the native backend, for each precision.",
  flags: {
    precisions: {
      type: "string",
      arg: "LIST",
      kind: "comma-separated: fp32, bf16",
      help: "precisions to profile (bf16 needs AMX or AVX512-BF16)",
      defaultText: "fp32,bf16",
      example: "--precisions bf16",
    },
    channels: {
      type: "string",
      arg: "N",
      kind: "integer >= 1",
      help: "input channels (3 CIFAR-10, 1 Fashion-MNIST)",
      defaultText: "3",
      example: "--channels 1",
    },
    batch: {
      type: "string",
      arg: "N",
      kind: "integer >= 1",
      help: "training batch",
      defaultText: "128 (the paper's)",
      example: "--batch 64",
    },
    "score-batch": {
      type: "string",
      arg: "N",
      kind: "integer >= 1",
      help: "scoring batch",
      defaultText: "512 (GEOM's predict batch)",
      example: "--score-batch 256",
    },
    steps: {
      type: "string",
      arg: "N",
      kind: "integer >= 1",
      help: "timed steps and batches (after 2 untimed ones)",
      defaultText: "4",
      example: "--steps 10",
    },
    threads: {
      type: "string",
      arg: "N",
      kind: "integer >= 1",
      help: "oneDNN OpenMP threads",
      defaultText: "OpenMP's (OMP_NUM_THREADS, else every core)",
      example: "--threads 1",
    },
    top: {
      type: "string",
      arg: "N",
      kind: "integer >= 1",
      help: "kernels listed per profile",
      defaultText: "12",
      example: "--top 30",
    },
    primitives: {
      type: "string",
      arg: "N",
      kind: "integer >= 0",
      help: "oneDNN primitives listed per profile (0: no per-primitive profile)",
      defaultText: "0",
      example: "--primitives 15",
    },
    dnnl: {
      type: "string",
      arg: "FILE",
      kind: "path of a shared library",
      help: "the oneDNN 2.x library to open (e.g. the timer bench/onednn_exec_timer.c builds)",
      defaultText: "libdnnl.so.2 from the system library folders",
      example: "--dnnl /tmp/libdnnl_timer.so",
    },
    "thread-times": {
      type: "boolean",
      help: "read each thread's CPU time around every primitive (Linux): a critical-path " +
        "column, and the step's time on idle cores estimated on a busy machine (run with " +
        "OMP_WAIT_POLICY=PASSIVE)",
      example: "--thread-times",
    },
    "serial-memory": {
      type: "boolean",
      help: "run the elementwise memory-bound primitives (binary, eltwise, batch norm with " +
        "given statistics, pooling, bf16 conversions) on one thread",
      example: "--serial-memory",
    },
    "autograd-l2": {
      type: "boolean",
      help: "add the models' L2 terms through autograd (tfjs ops and their gradients) instead " +
        "of inside Adam's update (same bits)",
      example: "--autograd-l2",
    },
  },
} as const satisfies CommandSpec;

if (import.meta.main) {
  runCli("bench/step_profile", async () => {
    const parsed = parseCommand(COMMAND, Deno.args);
    if (!parsed) return;
    const f = parsed.values;
    const positive = { min: 1 };
    const threads = f.threads === undefined
      ? undefined
      : intFlag("threads", f.threads, 1, positive);
    const why = await registerNativeBackend({
      ...(threads ? { threads } : {}),
      ...(f.dnnl === undefined ? {} : { path: f.dnnl }),
    });
    if (why) throw new UsageError(`the native backend is unavailable: ${why}`);
    await tf.setBackend(NATIVE_BACKEND);
    const info = nativeBackendInfo()!;
    const serial = f["serial-memory"] === true;
    if (serial) (tf.backend() as unknown as NativeBackend).dnnl.parallelFrom = Infinity;
    console.log(
      `oneDNN ${info.dnnlVersion}, ISA ${info.isa}, ${info.threads} OpenMP threads` +
        (serial ? ", memory-bound primitives on one thread" : ""),
    );
    const precisions = (listFlag(f.precisions, "precisions") ?? ["fp32", "bf16"]).map((p) => {
      const v = parsePrecision(p);
      if (v === "auto") throw new UsageError("--precisions takes fp32 and/or bf16");
      return resolvePrecision(v, { backend: NATIVE_BACKEND, isa: info.isa });
    });
    for (const precision of precisions) {
      await profile(precision, {
        channels: intFlag("channels", f.channels, 3, positive),
        batch: intFlag("batch", f.batch, 128, positive),
        scoreBatch: intFlag("score-batch", f["score-batch"], 512, positive),
        steps: intFlag("steps", f.steps, 4, positive),
        top: intFlag("top", f.top, 12, positive),
        primitives: intFlag("primitives", f.primitives, 0, { min: 0 }),
        threadTimes: f["thread-times"] === true,
        autogradL2: f["autograd-l2"] === true,
      });
    }
  });
}
