import assert from "node:assert/strict";
import { join } from "node:path";
import { readAblationSummary, readCompareSummary, readSummaryFile } from "./summary_files.ts";

async function withFile(text: string, fn: (path: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "geomad-summary-" });
  try {
    const path = join(dir, "summary.json");
    await Deno.writeTextFile(path, text);
    await fn(path);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

const compare = {
  schema: "geomad.compare/v1",
  createdAt: "2026-01-01T00:00:00Z",
  dataset: "fashion-mnist",
  preset: "smoke",
  seeds: 1,
  methods: [{ name: "geom", title: "GEOM", primaryScore: "dirichlet" }],
  classes: [0],
  cells: [],
};

Deno.test("readSummaryFile() returns undefined for a missing file", async () => {
  const dir = await Deno.makeTempDir({ prefix: "geomad-summary-" });
  try {
    assert.equal(await readSummaryFile(join(dir, "none.json"), { schema: "x/" }), undefined);
    assert.equal(await readAblationSummary(join(dir, "none.json")), undefined);
    assert.equal(await readCompareSummary(join(dir, "none.json")), undefined);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("readCompareSummary() reads a comparison summary", async () => {
  await withFile(JSON.stringify(compare), async (path) => {
    const s = await readCompareSummary(path);
    assert.equal(s?.dataset, "fashion-mnist");
    assert.deepEqual(s?.methods.map((m) => m.name), ["geom"]);
  });
});

Deno.test("readAblationSummary() rejects another schema and missing fields", async () => {
  await withFile(JSON.stringify(compare), async (path) => {
    await assert.rejects(readAblationSummary(path), {
      name: "DataError",
      message: /schema is "geomad.compare\/v1", expected geomad.ablation\/\*/,
    });
  });
  const partial = { schema: "geomad.ablation/v1", dataset: "mnist", sets: [], scores: [] };
  await withFile(JSON.stringify(partial), async (path) => {
    await assert.rejects(readAblationSummary(path), /'classes' is not an array/);
  });
});

Deno.test("readSummaryFile() rejects broken JSON, non-objects and bad strings", async () => {
  await withFile("{", async (path) => {
    await assert.rejects(readSummaryFile(path, { schema: "a/" }), {
      name: "DataError",
      message: /Cannot read summary .*: not JSON/,
    });
  });
  await withFile("[1]", async (path) => {
    await assert.rejects(readSummaryFile(path, { schema: "a/" }), /not a JSON object/);
  });
  await withFile(JSON.stringify({ ...compare, dataset: "" }), async (path) => {
    await assert.rejects(readCompareSummary(path), /'dataset' is not a non-empty string/);
  });
});
