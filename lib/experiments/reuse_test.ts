import assert from "node:assert/strict";
import { getMethod } from "../detectors/catalogue.ts";
import { planMismatch, precisionMismatch, sameDataset } from "./reuse.ts";
import { fakeResult } from "./testing.ts";

Deno.test("planMismatch() accepts the run's own result and names the first difference", () => {
  const plan = getMethod("geom").plan("smoke", { transforms: "blur" });
  const run = { dataset: "fashion-mnist", normalClass: 2, seed: 1 };
  const r = fakeResult(plan, { ...run, auroc: { dirichlet: 0.8 } });
  assert.equal(planMismatch(r, plan, run), undefined);
  assert.match(planMismatch(r, plan, { ...run, seed: 2 })!, /seed 1 is not 2/);
  assert.match(planMismatch(r, plan, { ...run, dataset: "cifar10" })!, /dataset/);
  const other = getMethod("geom").plan("smoke", { transforms: "blur", epochs: 2 });
  assert.match(planMismatch(r, other, run)!, /epochs 1 is not 2/);
  const fewer = getMethod("geom").plan("smoke", { transforms: "blur", testLimit: 10 });
  assert.match(planMismatch(r, fewer, run)!, /testLimit/);
  assert.match(planMismatch(r, getMethod("raw-ocsvm").plan("smoke"), run)!, /method geom/);
});

Deno.test("planMismatch() never reuses a result of another precision", () => {
  const plan = getMethod("geom").plan("smoke");
  const run = { dataset: "fashion-mnist", normalClass: 0, seed: 0 };
  const r = fakeResult(plan, { ...run, auroc: { dirichlet: 0.8 } }); // fp32, asked for auto
  assert.equal(planMismatch(r, plan, run), undefined, "auto is the default request");
  assert.equal(planMismatch(r, plan, { ...run, precision: "fp32" }), undefined);
  assert.match(planMismatch(r, plan, { ...run, precision: "bf16" })!, /precision fp32 is not bf16/);
  const bf16 = { ...r, backend: { ...r.backend, precision: "bf16", precisionRequested: "bf16" } };
  assert.match(planMismatch(bf16 as typeof r, plan, { ...run, precision: "fp32" })!, /bf16/);
  assert.match(planMismatch(bf16 as typeof r, plan, run)!, /bf16 was requested, not auto/);
  assert.equal(planMismatch(bf16 as typeof r, plan, { ...run, precision: "bf16" }), undefined);
  // records written before precisions existed: auto resolved to fp32
  const old = { ...r, backend: { name: "native", requested: "auto" } } as unknown as typeof r;
  assert.equal(planMismatch(old, plan, run), undefined);
  assert.match(planMismatch(old, plan, { ...run, precision: "bf16" })!, /fp32 is not bf16/);
});

Deno.test("precisionMismatch() treats an auto run as stale where auto now gives another precision", () => {
  const plan = getMethod("geom").plan("smoke");
  const r = fakeResult(plan, { dataset: "fashion-mnist", normalClass: 0, seed: 0 });
  const native = (isa: string | undefined, precision: string) =>
    ({ ...r, backend: { ...r.backend, name: "native", isa, precision } }) as typeof r;
  const zen4 = native("avx512_core_bf16", "fp32");
  assert.equal(precisionMismatch(zen4, "auto", false), undefined, "auto was fp32 and still is");
  assert.match(
    precisionMismatch(zen4, "auto", true)!,
    /auto gave fp32 on avx512_core_bf16; it now gives bf16/,
  );
  assert.equal(precisionMismatch(native("avx512_core_bf16", "bf16"), "auto", true), undefined);
  assert.equal(precisionMismatch(native("avx2", "fp32"), "auto", true), undefined, "no bf16 ISA");
  assert.equal(
    precisionMismatch(native(undefined, "fp32"), "auto", true),
    undefined,
    "ISA unknown",
  );
  assert.equal(precisionMismatch(r, "auto", true), undefined, "cpu computes in fp32 only");
  assert.equal(precisionMismatch(zen4, "fp32", true), undefined);
});

Deno.test("sameDataset(): a folder written another way is the same folder; names must match", () => {
  assert.equal(sameDataset("folder:data/x", "folder:data/x/"), true);
  assert.equal(sameDataset("folder:data/x", "folder:./data/x"), true);
  assert.equal(sameDataset("folder:data/x", `folder:${Deno.cwd()}/data/x`), true);
  assert.equal(sameDataset("folder:data/x", "folder:data/y"), false);
  assert.equal(sameDataset("folder:other/x", "folder:data/x"), false); // same key, other folder
  assert.equal(sameDataset("fashion-mnist", "fashion-mnist"), true);
  assert.equal(sameDataset("fashion-mnist", "fashion-mnist-sample"), false);
  assert.equal(sameDataset("fashion-mnist", "folder:fashion-mnist"), false);
});
