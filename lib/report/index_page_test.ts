import assert from "node:assert/strict";
import { join } from "node:path";
import { getMethod } from "../detectors/catalogue.ts";
import { withDigest } from "../experiments/result.ts";
import { fakeResult } from "../experiments/testing.ts";
import { collectIndex, indexHtml } from "./index_page.ts";

async function fixture(dir: string): Promise<void> {
  const write = async (path: string, value: unknown) => {
    await Deno.mkdir(join(dir, path, ".."), { recursive: true });
    await Deno.writeTextFile(join(dir, path), JSON.stringify(value));
  };
  const plan = getMethod("raw-ocsvm").plan("smoke");
  const ok = fakeResult(plan, { dataset: "d<1>", normalClass: 2, seed: 0, auroc: { ocsvm: 0.9 } });
  ok.metrics.ocsvm!.byClass = [
    { class: 0, name: "a", n: 10, auroc: 0.95 },
    { class: 1, name: "b<", n: 10, auroc: 0.85 },
  ];
  Object.assign(ok, withDigest(ok));
  await write("raw-ocsvm/a.json", ok);
  await write("raw-ocsvm/failed.json", {
    ...fakeResult(plan, { dataset: "d<1>", normalClass: 3, seed: 1, error: "loss is NaN" }),
  });
  await write("raw-ocsvm/changed.json", { ...ok, seed: 7 }); // digest no longer matches
  await write("bench/throughput.json", { schema: "geomad/bench-throughput@2", createdAt: "x" });
  await write("other.json", { hello: 1 });
  await write(".hidden/x.json", ok);
}

Deno.test("collectIndex() takes valid runs, lists invalid ones with the reason, finds benches", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await fixture(dir);
    const index = await collectIndex(dir);
    assert.deepEqual(index.runs.map((r) => [r.file, r.status, r.auroc]), [
      ["raw-ocsvm/a.json", "ok", 0.9],
      ["raw-ocsvm/failed.json", "failed", undefined],
    ]);
    assert.deepEqual(index.runs[0]!.hardest, { class: 1, name: "b<", auroc: 0.85 });
    assert.equal(index.runs[1]!.hardest, undefined);
    assert.equal(index.runs[0]!.precision, "fp32");
    assert.equal(index.runs[0]!.backend, "cpu");
    assert.deepEqual(index.skipped, [{
      file: "raw-ocsvm/changed.json",
      reason: "content digest mismatch (the record was changed after it was written)",
    }]);
    assert.deepEqual(index.benches, [{
      file: "bench/throughput.json",
      schema: "geomad/bench-throughput@2",
      createdAt: "x",
    }]);
    assert.equal(index.ignored, 1);
    await assert.rejects(collectIndex(join(dir, "nope")), {
      name: "DataError",
      message: /Cannot index results in '.*nope': no such folder/,
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("indexHtml() escapes names, carries filter data and links, and has no external script", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await fixture(dir);
    const html = indexHtml(await collectIndex(dir), { indexDir: join(dir, "sub") });
    assert.match(
      html,
      /<tr data-method="raw-ocsvm" data-dataset="d&#60;1&#62;" data-preset="smoke"/,
    );
    assert.match(html, /<a href="\.\.\/raw-ocsvm\/a\.json">json<\/a>/);
    assert.match(html, /<td data-key="auroc" data-value="0\.9" class="num">90\.0 <small>/);
    assert.match(html, /data-value="0\.85" class="num">85\.0 <small>1 b&#60;<\/small>/);
    assert.match(
      html,
      /<tr [^>]*class="failed">.*<td data-key="status" data-value="failed"[^>]* title="loss is NaN">/,
    );
    assert.match(html, /<option value="raw-ocsvm">raw-ocsvm<\/option>/);
    assert.match(html, /raw-ocsvm\/changed\.json: content digest mismatch/);
    assert.doesNotMatch(html, /<script src=/);
    assert.doesNotMatch(html, /<link /);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("collectIndex() links ablation runs and compare runs to their summaries", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const plan = getMethod("geom").plan("smoke");
    const run = (c: number) =>
      fakeResult(plan, { dataset: "ds", normalClass: c, seed: 0, auroc: { dirichlet: 0.8 } });
    await Deno.mkdir(join(dir, "ablation/ds/runs"), { recursive: true });
    await Deno.writeTextFile(join(dir, "ablation/ds/runs/r0.json"), JSON.stringify(run(0)));
    await Deno.writeTextFile(
      join(dir, "ablation/ds/summary.json"),
      JSON.stringify({
        schema: "geomad.ablation/v1",
        createdAt: "2026-01-01",
        dataset: "ds",
        preset: { name: "smoke" },
        sets: [],
        scores: [],
        classes: [0],
        seeds: [0],
        cells: [],
        statements: [],
        classNames: ["a"],
        runs: { used: 1 },
      }),
    );
    await Deno.writeTextFile(join(dir, "ablation/ds/summary.html"), "<html></html>");
    await Deno.mkdir(join(dir, "geom/ds/smoke/class-1"), { recursive: true });
    const listed = join(dir, "geom/ds/smoke/class-1/seed-0.json");
    await Deno.writeTextFile(listed, JSON.stringify(run(1)));
    await Deno.mkdir(join(dir, "compare/ds"), { recursive: true });
    await Deno.writeTextFile(
      join(dir, "compare/ds/summary.json"),
      JSON.stringify({
        schema: "geomad.compare/v1",
        createdAt: "2026-01-02",
        dataset: "ds",
        preset: "smoke",
        seeds: 1,
        methods: [],
        classes: [1],
        cells: [],
        runs: [{ method: "geom", normalClass: 1, seed: 0, status: "ok", file: listed }],
      }),
    );
    const index = await collectIndex(dir);
    assert.deepEqual(index.sweeps.map((s) => [s.kind, s.file, s.runs]), [
      ["ablation", "ablation/ds/summary.json", 1],
      ["compare", "compare/ds/summary.json", 1],
    ]);
    assert.deepEqual(index.runs.map((r) => [r.file, r.reports]), [
      ["ablation/ds/runs/r0.json", [{ label: "ablation ds", href: "ablation/ds/summary.html" }]],
      ["geom/ds/smoke/class-1/seed-0.json", [{
        label: "compare ds",
        href: "compare/ds/summary.json", // no summary.html: the JSON
      }]],
    ]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
