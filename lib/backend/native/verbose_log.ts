/**
 * Reads oneDNN's `ONEDNN_VERBOSE=1` execution lines, with the process-CPU milliseconds that
 * `bench/onednn_exec_timer.c` prints after each, and summarises the convolutions per layer and
 * pass: what `deno task bench:onednn` prints to compare two programs calling the same oneDNN
 * (geomad and PyTorch) primitive by primitive.
 * @module
 */

/** One primitive execution from a verbose log. */
export interface VerboseExec {
  /** Primitive kind: `convolution`, `reorder`, `batch_normalization`, ... */
  kind: string;
  /** Implementation, e.g. `brgconv:avx512_core_amx_bf16`. */
  impl: string;
  /** Propagation kind, e.g. `forward_inference`, `backward_data` (`undef` for reorders). */
  prop: string;
  /** Memory descriptors, e.g. `src_bf16::blocked:acdb:f0 wei_bf16::blocked:AcdB16b32a2b:f0 ...`. */
  mds: string;
  /** Problem description, e.g. `mb128_ic64oc64_ih32oh32kh3sh1dh0ph1_iw32ow32kw3sw1dw0pw1`. */
  shape: string;
  /** Milliseconds: process CPU from the timer's line when there is one, else oneDNN's wall time. */
  ms: number;
  /** Whether `ms` is process CPU time (the timer's line followed the verbose line). */
  cpu: boolean;
}

/** The executions in a log's text, in order (other lines are skipped). */
export function parseVerboseLog(text: string): VerboseExec[] {
  const lines = text.split(/\r?\n/);
  const out: VerboseExec[] = [];
  for (let i = 0; i < lines.length; i++) {
    const p = lines[i]!.split(",");
    if (p[0] !== "onednn_verbose" || p[1] !== "exec" || p.length < 11) continue;
    const timer = /^cpu_ms,([0-9.]+)$/.exec(lines[i + 1] ?? "");
    const ms = Number(timer ? timer[1] : p[p.length - 1]);
    if (!Number.isFinite(ms)) continue;
    out.push({
      kind: p[3]!,
      impl: p[4]!,
      prop: p[5]!,
      mds: p[6]!,
      shape: p[p.length - 2]!,
      ms,
      cpu: timer !== null,
    });
  }
  return out;
}

/** The pass of a convolution's propagation kind. */
function passOf(prop: string): string {
  if (prop.startsWith("forward")) return "forward";
  if (prop === "backward_data") return "backward data";
  if (prop === "backward_weights") return "backward weights";
  return prop;
}

/** Data type and layout of the weights: `wei_bf16::blocked:AcdB32a2b:f0` -> `bf16:AcdB32a2b`. */
function weightsFormat(mds: string): string {
  for (const md of mds.split(" ")) {
    const m = /^wei_([a-z0-9]+):[a-z]*:blocked:([A-Za-z0-9]+)/.exec(md);
    if (m) return `${m[1]}:${m[2]}`;
  }
  return "?";
}

/** One convolution layer and pass of a log: its fastest execution and how it ran. */
export interface ConvSummary {
  /** Batch size (`mb`). */
  batch: number;
  /** The problem without its batch, e.g. `ic64oc64_ih32oh32kh3sh1dh0ph1_iw32ow32kw3sw1dw0pw1`. */
  problem: string;
  pass: string;
  impl: string;
  /** Data type and layout of the weights (or their gradient), e.g. `bf16:AcdB16b32a2b`. */
  weights: string;
  calls: number;
  /** Fastest execution, ms (the figure least inflated by other work on a shared machine). */
  minMs: number;
}

/** The convolutions of `execs`, one entry per (batch, problem, pass), in order of first use. */
export function convolutionSummary(execs: readonly VerboseExec[]): ConvSummary[] {
  const rows = new Map<string, ConvSummary>();
  for (const e of execs) {
    if (e.kind !== "convolution") continue;
    const m = /^mb(\d+)_(.*)$/.exec(e.shape);
    if (!m) continue;
    const pass = passOf(e.prop);
    const k = `${m[1]} ${m[2]} ${pass}`;
    const row = rows.get(k);
    if (row) {
      row.calls++;
      row.minMs = Math.min(row.minMs, e.ms);
    } else {
      rows.set(k, {
        batch: Number(m[1]),
        problem: m[2]!,
        pass,
        impl: e.impl,
        weights: weightsFormat(e.mds),
        calls: 1,
        minMs: e.ms,
      });
    }
  }
  return [...rows.values()];
}

/** Calls and total ms of one kind of reorder (data types in and out). */
export interface ReorderSummary {
  /** e.g. `f32 -> bf16`. */
  types: string;
  calls: number;
  totalMs: number;
}

/** The reorders of `execs` by source and destination data type. */
export function reorderSummary(execs: readonly VerboseExec[]): ReorderSummary[] {
  const rows = new Map<string, ReorderSummary>();
  for (const e of execs) {
    if (e.kind !== "reorder") continue;
    const [src, dst] = e.mds.split(" ");
    const t = (md: string | undefined) => /^(?:src|dst)_(\w+?):/.exec(md ?? "")?.[1] ?? "?";
    const types = `${t(src)} -> ${t(dst)}`;
    const row = rows.get(types) ?? { types, calls: 0, totalMs: 0 };
    row.calls++;
    row.totalMs += e.ms;
    rows.set(types, row);
  }
  return [...rows.values()];
}
