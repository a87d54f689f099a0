import assert from "node:assert/strict";
import { isaHasBf16, parsePrecision, resolvePrecision } from "./precision.ts";
import { loadDnnl } from "./native/ffi.ts";

Deno.test("parsePrecision() takes fp32, bf16, auto (default auto) and rejects the rest", () => {
  assert.equal(parsePrecision(undefined), "auto");
  for (const p of ["fp32", "bf16", "auto"]) assert.equal(parsePrecision(p), p);
  for (const bad of ["", "fp16", "BF16", " bf16"]) {
    assert.throws(() => parsePrecision(bad), { name: "UsageError", message: /unknown precision/ });
  }
});

Deno.test("isaHasBf16() is true for AVX512-BF16 and AMX ISAs only", () => {
  assert.ok(isaHasBf16("cpu_isa_avx512_core_amx"));
  assert.ok(isaHasBf16("cpu_isa_avx512_core_bf16"));
  for (const isa of ["cpu_isa_avx512_core", "cpu_isa_avx2", "cpu_isa_avx512_core_vnni", "", "?"]) {
    assert.ok(!isaHasBf16(isa), isa);
  }
});

Deno.test("resolvePrecision() gives bf16 only on native with a bf16 ISA", () => {
  const amx = { backend: "native", isa: "cpu_isa_avx512_core_amx" };
  assert.equal(resolvePrecision("fp32", amx), "fp32");
  assert.equal(resolvePrecision("bf16", amx), "bf16");
  assert.equal(resolvePrecision("auto", { ...amx, bf16Auto: true }), "bf16");
  assert.equal(resolvePrecision("auto", { ...amx, bf16Auto: false }), "fp32");
  const noAmx = { backend: "native", isa: "cpu_isa_avx512_core", bf16Auto: true };
  assert.equal(resolvePrecision("auto", noAmx), "fp32");
  assert.throws(() => resolvePrecision("bf16", noAmx), {
    name: "UsageError",
    message: /cannot run in bf16: the CPU \(oneDNN ISA cpu_isa_avx512_core\) has no AMX/,
  });
  for (const backend of ["wasm", "cpu", "tensorflow"]) {
    assert.equal(resolvePrecision("auto", { backend, bf16Auto: true }), "fp32");
    assert.equal(resolvePrecision("fp32", { backend }), "fp32");
    assert.throws(() => resolvePrecision("bf16", { backend }), /computes in fp32 only/);
  }
});

const dnnl = loadDnnl();

Deno.test({
  name: "auto picks fp32 where oneDNN may not use AMX or AVX512-BF16 (ONEDNN_MAX_CPU_ISA cap)",
  ignore: !dnnl.ok || !isaHasBf16(dnnl.isa),
  async fn() {
    const code = `
      import { resolvePrecision } from "${new URL("./precision.ts", import.meta.url)}";
      import { loadDnnl } from "${new URL("./native/ffi.ts", import.meta.url)}";
      const d = loadDnnl();
      if (!d.ok) throw new Error(d.reason);
      console.log(d.isa, resolvePrecision("auto", { backend: "native", isa: d.isa, bf16Auto: true }));
    `;
    const run = async (env: Record<string, string>) => {
      const out = await new Deno.Command(Deno.execPath(), {
        args: ["eval", "--quiet", code],
        env,
        stdout: "piped",
        stderr: "piped",
      }).output();
      assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
      return new TextDecoder().decode(out.stdout).trim();
    };
    assert.equal(await run({ ONEDNN_MAX_CPU_ISA: "AVX512_CORE" }), "cpu_isa_avx512_core fp32");
    assert.match(await run({}), / bf16$/);
  },
});
