/**
 * Process-CPU milliseconds of each WRN-10-4 convolution (forward, backward data, backward
 * weights) as geomad's native backend runs it, with every buffer starting on a 64-byte boundary
 * and with every buffer 16 bytes past one (where V8 places an ArrayBuffer's data). The same
 * cached oneDNN primitive runs both ways, alternately, and the fastest of `--reps` runs counts:
 * on a shared machine the minimum is the figure least inflated by other work.
 *
 *   deno task bench:conv [--precision bf16|fp32] [--channels 3] [--batch 128] [--reps 8]
 *     [--offset 16] [--threads 1]
 * @module
 */
import process from "node:process";
import * as tf from "@tensorflow/tfjs";
import { ALIGNMENT } from "../lib/backend/native/aligned.ts";
import { convGeom, type ConvPass, convPrimitive } from "../lib/backend/native/conv.ts";
import { Dnnl, type Primitive } from "../lib/backend/native/dnnl.ts";
import { loadDnnl } from "../lib/backend/native/ffi.ts";
import { type CommandSpec, intFlag, parseCommand, runCli } from "../lib/util/cli.ts";
import { UsageError } from "../lib/util/errors.ts";

/** WRN-10-4's convolutions on 32x32 inputs: in and out channels, input size, kernel, stride. */
function wrnConvs(channels: number): Array<[number, number, number, number, number]> {
  return [
    [channels, 16, 32, 3, 1],
    [16, 64, 32, 3, 1],
    [16, 64, 32, 1, 1],
    [64, 64, 32, 3, 1],
    [64, 128, 32, 3, 2],
    [64, 128, 32, 1, 2],
    [128, 128, 16, 3, 1],
    [128, 256, 16, 3, 2],
    [128, 256, 16, 1, 2],
    [256, 256, 8, 3, 1],
  ];
}

const PASSES: ConvPass[] = ["forward", "backward-data", "backward-weights"];

/** `bytes` of zeroed memory starting `offset` bytes past a 64-byte boundary. */
function bufferAt(bytes: number, offset: number): Uint8Array {
  const buf = new ArrayBuffer(bytes + 2 * ALIGNMENT);
  const base = BigInt(Deno.UnsafePointer.value(Deno.UnsafePointer.of(buf)));
  const start = Number((BigInt(ALIGNMENT) - base % BigInt(ALIGNMENT)) % BigInt(ALIGNMENT));
  return new Uint8Array(buf, start + offset, bytes);
}

/**
 * Small finite values in every element: read as bf16, 2^-7 to 2^-5; read as f32 (two bf16
 * patterns), values near 0.008.
 */
function fill(b: Uint8Array): Uint8Array {
  const u = new Uint16Array(b.buffer, b.byteOffset, b.byteLength / 2);
  for (let i = 0; i < u.length; i++) u[i] = 0x3c00 + (i * 37 & 0x3ff);
  return b;
}

function cpuMs(f: () => void): number {
  const c0 = process.cpuUsage();
  f();
  const c = process.cpuUsage(c0);
  return (c.user + c.system) / 1000;
}

/** One run of `p` on buffers of its own, each starting `offset` bytes past a 64-byte boundary. */
function runner(p: Primitive, args: [number, number, number], offset: number): () => void {
  const bound = args.map((a) => [a, fill(bufferAt(p.argBytes(a), offset))] as [number, Uint8Array]);
  return () => p.exec(bound);
}

interface Row {
  layer: string;
  pass: ConvPass;
  impl: string;
  aligned: number;
  offset: number;
}

function measure(
  d: Dnnl,
  o: { bf16: boolean; channels: number; batch: number; reps: number; offset: number },
): Row[] {
  const rows: Row[] = [];
  for (const [inC, outC, hw, k, stride] of wrnConvs(o.channels)) {
    const info = tf.backend_util.computeConv2DInfo(
      [o.batch, hw, hw, inC],
      [k, k, inC, outC],
      stride,
      1,
      "same",
    );
    const g = convGeom(info);
    const layer = `${inC}->${outC} ${k}x${k}/${stride} at ${hw}x${hw}`;
    for (const pass of PASSES) {
      const { primitive, args } = convPrimitive(d, g, pass, o.bf16);
      const runs = [runner(primitive, args, 0), runner(primitive, args, o.offset)];
      runs.forEach((r) => r());
      const best = [Infinity, Infinity];
      for (let i = 0; i < o.reps; i++) {
        runs.forEach((r, j) => (best[j] = Math.min(best[j]!, cpuMs(r))));
      }
      rows.push({ layer, pass, impl: primitive.impl, aligned: best[0]!, offset: best[1]! });
    }
  }
  return rows;
}

const COMMAND = {
  command: "deno task bench:conv",
  usage: "[--precision bf16|fp32] [--channels N] [--batch N] [--reps N] [--offset N] " +
    "[--threads N]",
  about: "Process-CPU ms of each WRN-10-4 convolution pass on the native backend's oneDNN " +
    "primitives, with 64-byte-aligned buffers and with buffers --offset bytes past that.",
  flags: {
    precision: {
      type: "string",
      arg: "P",
      kind: "bf16 or fp32",
      help: "the precision the convolutions run in (bf16 needs AMX or AVX512-BF16)",
      default: "bf16",
      example: "--precision fp32",
    },
    channels: {
      type: "string",
      arg: "N",
      kind: "integer >= 1",
      help: "input channels of the first convolution",
      defaultText: "3",
      example: "--channels 1",
    },
    batch: {
      type: "string",
      arg: "N",
      kind: "integer >= 1",
      help: "batch size",
      defaultText: "128 (the paper's)",
      example: "--batch 512",
    },
    reps: {
      type: "string",
      arg: "N",
      kind: "integer >= 1",
      help: "timed runs of each pass per alignment (the fastest counts)",
      defaultText: "8",
      example: "--reps 20",
    },
    offset: {
      type: "string",
      arg: "N",
      kind: "integer, 1 to 63",
      help: "bytes past a 64-byte boundary where the misaligned buffers start",
      defaultText: "16 (V8's ArrayBuffer alignment)",
      example: "--offset 32",
    },
    threads: {
      type: "string",
      arg: "N",
      kind: "integer >= 1",
      help: "oneDNN OpenMP threads",
      defaultText: "1",
      example: "--threads 2",
    },
  },
} as const satisfies CommandSpec;

if (import.meta.main) {
  runCli("bench/conv_align", () => {
    const parsed = parseCommand(COMMAND, Deno.args);
    if (!parsed) return;
    const f = parsed.values;
    const precision = f.precision;
    if (precision !== "bf16" && precision !== "fp32") {
      throw new UsageError(`--precision must be bf16 or fp32, got "${precision}"`);
    }
    const o = {
      bf16: precision === "bf16",
      channels: intFlag("channels", f.channels, 3, { min: 1 }),
      batch: intFlag("batch", f.batch, 128, { min: 1 }),
      reps: intFlag("reps", f.reps, 8, { min: 1 }),
      offset: intFlag("offset", f.offset, 16, { min: 1, max: ALIGNMENT - 1 }),
    };
    const threads = intFlag("threads", f.threads, 1, { min: 1 });
    const lib = loadDnnl({ threads });
    if (!lib.ok) throw new UsageError(`oneDNN is unavailable: ${lib.reason}`);
    const d = new Dnnl(lib.lib, { threads, setThreads: lib.setThreads });
    console.log(
      `oneDNN ${lib.version}, ISA ${lib.isa}, ${threads} thread(s), ${precision}, batch ` +
        `${o.batch}; process CPU ms, fastest of ${o.reps}`,
    );
    console.log(
      `${"convolution".padEnd(26)} ${"pass".padEnd(16)} ${"implementation".padEnd(32)} ` +
        `${"aligned".padStart(8)} ${`+${o.offset} B`.padStart(8)}  ratio`,
    );
    let sumA = 0, sumO = 0;
    for (const r of measure(d, o)) {
      sumA += r.aligned;
      sumO += r.offset;
      console.log(
        `${r.layer.padEnd(26)} ${r.pass.padEnd(16)} ${r.impl.padEnd(32)} ` +
          `${r.aligned.toFixed(2).padStart(8)} ${r.offset.toFixed(2).padStart(8)}  ` +
          `${(r.offset / r.aligned).toFixed(2)}x`,
      );
    }
    console.log(
      `${"all".padEnd(76)} ${sumA.toFixed(1).padStart(8)} ${sumO.toFixed(1).padStart(8)}  ` +
        `${(sumO / sumA).toFixed(2)}x`,
    );
  });
}
