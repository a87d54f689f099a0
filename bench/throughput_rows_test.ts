import assert from "node:assert/strict";
import { medianRows, type Row } from "./throughput_rows.ts";

function row(
  framework: Row["framework"],
  precision: Row["precision"],
  train: number,
  round: number,
) {
  return {
    framework,
    backend: framework === "geomad" ? "native" : "torch-1.13",
    precision,
    model: "wrn",
    channels: 3,
    batch: 128,
    threads: 2,
    macsPerImage: 1,
    trainImagesPerSec: train,
    inferImagesPerSec: 10 * train,
    trainCpuSecPerBatch: 1 / train,
    inferCpuSecPerBatch: 0.1 / train,
    trainGflops: 6 * train,
    inferGflops: 20 * train,
    loadavg: [round],
    round,
  } satisfies Row;
}

Deno.test("medianRows: one row per configuration with the medians over the rounds", () => {
  const runs = [
    row("pytorch", "bf16", 640, 0),
    row("geomad", "bf16", 600, 0),
    row("pytorch", "bf16", 700, 1),
    row("geomad", "bf16", 660, 1),
    row("pytorch", "bf16", 650, 2),
    row("geomad", "bf16", 590, 2),
    row("geomad", "fp32", 200, 0),
    row("geomad", "fp32", 210, 1),
  ];
  const m = medianRows(runs);
  assert.deepEqual(
    m.map((r) => [r.framework, r.precision, r.rounds, r.trainImagesPerSec]),
    [["pytorch", "bf16", 3, 650], ["geomad", "bf16", 3, 600], ["geomad", "fp32", 2, 205]],
  );
  const g = m[1]!;
  assert.equal(g.inferImagesPerSec, 6000, "each field is its own median");
  assert.equal(g.trainCpuSecPerBatch, 1 / 600);
  assert.equal(g.round, undefined, "a row of medians belongs to no round");
  assert.deepEqual(g.loadavg, [2], "the load of the last round");
  assert.equal(runs[1]!.round, 0, "the runs are left as they were");
});
