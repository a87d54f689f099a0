import assert from "node:assert/strict";
import { convolutionSummary, parseVerboseLog, reorderSummary } from "./verbose_log.ts";

const FWD = "onednn_verbose,exec,cpu,convolution,brgconv:avx512_core_amx_bf16,forward_training," +
  "src_bf16::blocked:acdb:f0 wei_bf16::blocked:AcdB16b32a2b:f0 bia_undef::undef::f0 " +
  "dst_bf16::blocked:acdb:f0,attr-scratchpad:user ,alg:convolution_direct," +
  "mb128_ic64oc64_ih32oh32kh3sh1dh0ph1_iw32ow32kw3sw1dw0pw1,23.1";
const BWD_W = "onednn_verbose,exec,cpu,convolution,jit:avx512_core_amx_bf16,backward_weights," +
  "src_bf16::blocked:acdb:f0 wei_f32:p:blocked:ABcd16b16a:f0 bia_undef::undef::f0 " +
  "dst_bf16::blocked:acdb:f0,,alg:convolution_direct," +
  "mb128_ic3oc16_ih32oh32kh3sh1dh0ph1_iw32ow32kw3sw1dw0pw1,1.9";
const REORDER = "onednn_verbose,exec,cpu,reorder,jit:uni,undef,src_f32::blocked:a:f0 " +
  "dst_bf16::blocked:a:f0,,,8388608,0.8";

Deno.test("parseVerboseLog reads exec lines and takes the timer's CPU ms when it follows", () => {
  const log = [
    "onednn_verbose,info,oneDNN v2.6.3 (commit N/A)",
    FWD,
    "cpu_ms,7.5",
    FWD,
    "something else",
    REORDER,
    "cpu_ms,0.61",
  ].join("\n");
  const execs = parseVerboseLog(log);
  assert.equal(execs.length, 3);
  assert.deepEqual(execs.map((e) => [e.kind, e.ms, e.cpu]), [
    ["convolution", 7.5, true],
    ["convolution", 23.1, false],
    ["reorder", 0.61, true],
  ]);
  assert.equal(execs[0]!.impl, "brgconv:avx512_core_amx_bf16");
  assert.equal(execs[0]!.prop, "forward_training");
  assert.equal(execs[2]!.shape, "8388608");
});

Deno.test("convolutionSummary keeps the fastest execution per batch, problem and pass", () => {
  const log = [FWD, "cpu_ms,9.0", FWD, "cpu_ms,7.25", BWD_W, FWD.replace("mb128", "mb512")]
    .join("\n");
  const rows = convolutionSummary(parseVerboseLog(log));
  assert.deepEqual(rows.map((r) => [r.batch, r.pass, r.calls, r.minMs, r.weights]), [
    [128, "forward", 2, 7.25, "bf16:AcdB16b32a2b"],
    [128, "backward weights", 1, 1.9, "f32:ABcd16b16a"],
    [512, "forward", 1, 23.1, "bf16:AcdB16b32a2b"],
  ]);
  assert.equal(rows[0]!.problem, "ic64oc64_ih32oh32kh3sh1dh0ph1_iw32ow32kw3sw1dw0pw1");
});

Deno.test("reorderSummary counts reorders by data types", () => {
  const log = [
    REORDER,
    REORDER,
    REORDER.replace("src_f32", "src_bf16").replace("dst_bf16", "dst_f32"),
  ]
    .join("\n");
  const rows = reorderSummary(parseVerboseLog(log));
  assert.deepEqual(rows.map((r) => [r.types, r.calls]), [["f32 -> bf16", 2], ["bf16 -> f32", 1]]);
  assert.ok(Math.abs(rows[0]!.totalMs - 1.6) < 1e-9);
});
