/**
 * Seeded fuzz of the result-record reader: byte-level mutations of a record's JSON and
 * field-level ones (a field set to null, a string, 1e999, {}, [], a negative or huge number,
 * or deleted; the digest recomputed or not). Every case ends in a valid record or a
 * `DataError`, and a record that passes is well formed. `GEOMAD_FUZZ_CASES=10000` runs the
 * long version.
 */
import assert from "node:assert/strict";
import { getMethod } from "../detectors/catalogue.ts";
import { DataError } from "../util/errors.ts";
import { fuzz, fuzzCases } from "../util/fuzz.ts";
import { Rng } from "../util/rng.ts";
import { parseRunResult, resultDigest } from "./result.ts";
import { fakeResult } from "./testing.ts";

const CASES = fuzzCases();

function records(): Uint8Array[] {
  const plan = getMethod("geom").plan("smoke", { transforms: "rot4" });
  const ok = fakeResult(plan, {
    dataset: "fashion-mnist",
    normalClass: 3,
    seed: 1,
    auroc: { dirichlet: 0.8, simple: 0.7, "max-softmax": 0.6, entropy: 0.9 },
  });
  ok.metrics.dirichlet!.roc = { fpr: [0, 0.5, 1], tpr: [0, 0.8, 1] };
  ok.metrics.dirichlet!.aurocSe = 0.01;
  ok.metrics.simple!.vsFirst = { score: "dirichlet", diff: -0.1, se: 0.02, p: 0.001 };
  ok.digest = resultDigest(ok);
  const failed = fakeResult(plan, { dataset: "cifar10", normalClass: 0, seed: 0, error: "NaN" });
  return [ok, failed].map((r) => new TextEncoder().encode(JSON.stringify(r, null, 2)));
}

/** Every path to a value in `x` (objects and arrays), e.g. ["metrics", "dirichlet", "auroc"]. */
function paths(x: unknown, prefix: string[] = []): string[][] {
  if (typeof x !== "object" || x === null) return [prefix];
  return [prefix, ...Object.entries(x).flatMap(([k, v]) => paths(v, [...prefix, k]))];
}

const VALUES: unknown[] = [null, "abc", "", 1e308, -1, 0.5, 2, 4294967296, {}, [], true, [0.5]];

Deno.test("fuzz: result records (bytes and fields) end in a valid record or a DataError", () => {
  const inputs = records();
  const typed = (err: unknown) => err instanceof DataError;
  const byteReport = fuzz(
    inputs,
    (b) => parseRunResult(new TextDecoder().decode(b), "r.json"),
    typed,
    {
      cases: CASES,
      seed: 11,
    },
  );
  const rng = new Rng(12);
  let accepted = 0, rejected = 0;
  const untyped: string[] = [];
  const t0 = performance.now();
  for (let c = 0; c < CASES; c++) {
    const record = JSON.parse(new TextDecoder().decode(inputs[rng.int(inputs.length)]!));
    const all = paths(record).filter((p) => p.length > 0 && p[0] !== "digest");
    for (let m = rng.int(3) + 1; m > 0; m--) {
      const path = all[rng.int(all.length)]!;
      let parent = record;
      for (const k of path.slice(0, -1)) parent = parent?.[k];
      if (typeof parent !== "object" || parent === null) continue;
      if (rng.int(5) === 0) delete parent[path.at(-1)!];
      else parent[path.at(-1)!] = structuredClone(VALUES[rng.int(VALUES.length)]);
    }
    if (rng.int(2) === 0) record.digest = resultDigest(record); // a consistent forgery
    let text = JSON.stringify(record);
    if (rng.int(4) === 0) text = text.replace(/1e\+308/g, "1e999");
    try {
      const r = parseRunResult(text, "r.json");
      accepted++;
      for (const m of Object.values(r.metrics)) {
        for (const v of [m.auroc, m.auprNormal, m.auprAnomaly, m.fpr95, m.aurocSe ?? 0]) {
          assert.ok(Number.isFinite(v) && v >= 0 && v <= 1, `case ${c}: metric ${v} accepted`);
        }
        const d = m.vsFirst;
        if (d) {
          assert.ok(Object.hasOwn(r.metrics, d.score), `case ${c}: vsFirst of '${d.score}'`);
          assert.ok(
            Math.abs(d.diff) <= 1 && d.se >= 0 && d.se <= 1 && d.p >= 0 && d.p <= 1,
            `${c}`,
          );
        }
      }
      if (r.status === "ok") assert.ok(Object.keys(r.metrics).length > 0, `case ${c}`);
    } catch (err) {
      if (err instanceof DataError) rejected++;
      else if (err instanceof assert.AssertionError) throw err;
      else untyped.push(`${c}: ${(err as Error)?.name}: ${(err as Error)?.message}`);
    }
  }
  console.log(
    `fuzz result bytes: ${byteReport.cases} cases, ${byteReport.accepted} accepted, ` +
      `${byteReport.rejected} DataError, ${byteReport.untypedCount} untyped; fields: ${CASES} ` +
      `cases, ${accepted} accepted, ${rejected} DataError, ${untyped.length} untyped, ` +
      `${(performance.now() - t0).toFixed(0)} ms`,
  );
  assert.deepEqual(byteReport.untyped, []);
  assert.deepEqual(untyped.slice(0, 10), []);
});
