/**
 * Side by side, per convolution layer and pass: the oneDNN implementation, the weights' type and
 * layout and the fastest execution in each of several `ONEDNN_VERBOSE=1` logs (process CPU ms
 * when the log has the lines of `bench/onednn_exec_timer.c`, else oneDNN's wall ms), then each
 * log's reorders by data type. Made to compare geomad and PyTorch calling the same oneDNN.
 *
 *   deno task bench:onednn [--batch N] torch=torch.log geomad=geomad.log
 * @module
 */
import {
  convolutionSummary,
  type ConvSummary,
  parseVerboseLog,
  reorderSummary,
  type VerboseExec,
} from "../lib/backend/native/verbose_log.ts";
import { type CommandSpec, intFlag, parseCommand, runCli } from "../lib/util/cli.ts";
import { UsageError } from "../lib/util/errors.ts";

/** `ic64oc128_ih32oh16kh3sh2dh0ph0_iw32ow16kw3sw2dw0pw0` -> `64->128 3x3/2 at 32x32`. */
function layerName(problem: string): string {
  const m = /ic(\d+)oc(\d+)_ih(\d+)oh\d+kh(\d+)sh(\d+)dh\d+ph\d+_iw(\d+)ow\d+kw(\d+)/.exec(
    problem,
  );
  if (!m) return problem;
  return `${m[1]}->${m[2]} ${m[4]}x${m[7]}/${m[5]} at ${m[3]}x${m[6]}`;
}

/** The top padding (`ph`): TensorFlow's "same" pads a stride-2 layer 0 on top, PyTorch 1. */
function padTop(problem: string): string {
  return /ph(\d+)/.exec(problem)?.[1] ?? "?";
}

/** A problem without its padding, so that a layer padded differently still matches. */
function unpadded(problem: string): string {
  return problem.replace(/ph\d+/, "").replace(/pw\d+/, "");
}

/** `brgconv:avx512_core_amx_bf16` -> `brgconv` (the ISA is the same on one machine). */
function shortImpl(impl: string): string {
  return impl.split(":")[0]!;
}

interface Log {
  label: string;
  execs: VerboseExec[];
  convs: Map<string, ConvSummary>;
}

function readLog(arg: string, batch: number | undefined): Log {
  const eq = arg.indexOf("=");
  const [label, path] = eq > 0 ? [arg.slice(0, eq), arg.slice(eq + 1)] : [arg, arg];
  let text: string;
  try {
    text = Deno.readTextFileSync(path);
  } catch (err) {
    throw new UsageError(`cannot read ${path}: ${err instanceof Error ? err.message : err}`);
  }
  const execs = parseVerboseLog(text);
  if (execs.length === 0) throw new UsageError(`${path} has no onednn_verbose exec lines`);
  const convs = new Map<string, ConvSummary>();
  for (const c of convolutionSummary(execs)) {
    if (batch === undefined || c.batch === batch) {
      convs.set(`${c.batch} ${unpadded(c.problem)} ${c.pass}`, c);
    }
  }
  return { label, execs, convs };
}

function printTables(logs: Log[]): void {
  const clock = logs.map((l) => `${l.label}: ${l.execs[0]!.cpu ? "CPU" : "wall"} ms`).join(", ");
  console.log(`fastest execution per convolution and pass (${clock})\n`);
  const head = logs.map((l) => `${l.label}: impl, weights, top pad | ${l.label} ms`);
  console.log(`| batch | layer | pass | ${head.join(" | ")} |`);
  console.log(`|---|---|---|${logs.map(() => "---|---:").join("|")}|`);
  const keys = [...new Set(logs.flatMap((l) => [...l.convs.keys()]))];
  const totals = logs.map(() => 0);
  for (const k of keys) {
    const rows = logs.map((l) => l.convs.get(k));
    const first = rows.find((r) => r !== undefined)!;
    if (rows.every((r) => r !== undefined)) rows.forEach((r, i) => (totals[i]! += r!.minMs));
    const cells = rows.map((r) =>
      r ? `${shortImpl(r.impl)} ${r.weights} ${padTop(r.problem)} | ${r.minMs.toFixed(2)}` : "- | -"
    );
    console.log(
      `| ${first.batch} | ${layerName(first.problem)} | ${first.pass} | ` +
        `${cells.join(" | ")} |`,
    );
  }
  console.log(
    `| | all in every log | | ${totals.map((t) => ` | ${t.toFixed(1)}`).join(" | ")} |`,
  );
  console.log("\nreorders (every execution in the log)\n");
  for (const l of logs) {
    const parts = reorderSummary(l.execs).map((r) =>
      `${r.types}: ${r.calls}x, ${r.totalMs.toFixed(1)} ms`
    );
    console.log(`- ${l.label}: ${parts.length ? parts.join("; ") : "none"}`);
  }
}

const COMMAND = {
  command: "deno task bench:onednn",
  usage: "[--batch N] [LABEL=]LOG...",
  about: "Per convolution layer and pass, the implementation, weights layout and fastest " +
    "execution in each ONEDNN_VERBOSE=1 log (process CPU ms with bench/onednn_exec_timer.c), " +
    "then each log's reorders.",
  positionals: [{
    name: "[LABEL=]LOG",
    help: "a log of ONEDNN_VERBOSE=1 output (one or more), named LABEL in the table",
  }],
  flags: {
    batch: {
      type: "string",
      arg: "N",
      kind: "integer >= 1",
      help: "only convolutions of this batch size",
      defaultText: "every batch size",
      example: "--batch 128",
    },
  },
} as const satisfies CommandSpec;

if (import.meta.main) {
  runCli("bench/onednn_verbose", () => {
    const parsed = parseCommand(COMMAND, Deno.args);
    if (!parsed) return;
    if (parsed.positionals.length === 0) throw new UsageError("give at least one log");
    const batch = parsed.values.batch === undefined
      ? undefined
      : intFlag("batch", parsed.values.batch, 0, { min: 1 });
    printTables(parsed.positionals.map((a) => readLog(a, batch)));
  });
}
