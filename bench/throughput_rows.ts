/**
 * Rows of `deno task bench` (bench/throughput.ts) and their medians over `--repeat` rounds.
 * @module
 */
import type { Precision } from "../lib/backend/precision.ts";
import { median } from "./stats.ts";

/** The benchmarked models: WRN-10-4 and the quick preset's small CNN. */
export type ModelName = "wrn" | "cnn";

/** One measured configuration. */
export interface Row {
  framework: "geomad" | "pytorch";
  backend: string;
  /** fp32, or bf16 (geomad: bf16 convolutions on native; PyTorch: bf16 autocast). */
  precision: Precision;
  model: ModelName;
  channels: number;
  batch: number;
  threads: number;
  macsPerImage: number;
  trainImagesPerSec: number;
  inferImagesPerSec: number;
  /** Process CPU seconds (all threads) per training batch / scoring batch. */
  trainCpuSecPerBatch: number;
  inferCpuSecPerBatch: number;
  trainGflops: number;
  inferGflops: number;
  loadavg: number[] | null;
  /** The round of `--repeat` that measured it (0-based); absent on the rows of medians. */
  round?: number;
  /** Rows of medians: how many rounds they summarise. */
  rounds?: number;
  /** geomad rows: images/s over the faster PyTorch run of the same model and input. */
  trainVsTorch?: number;
  inferVsTorch?: number;
}

const MEDIAN_FIELDS = [
  "trainImagesPerSec",
  "inferImagesPerSec",
  "trainCpuSecPerBatch",
  "inferCpuSecPerBatch",
  "trainGflops",
  "inferGflops",
] as const;

/** One row per framework, backend, precision, model and channels: the medians over rounds. */
export function medianRows(runs: readonly Row[]): Row[] {
  const groups = new Map<string, Row[]>();
  for (const r of runs) {
    const key = [r.framework, r.backend, r.precision, r.model, r.channels].join("|");
    const g = groups.get(key);
    if (g) g.push(r);
    else groups.set(key, [r]);
  }
  return [...groups.values()].map((g) => {
    const { round: _round, ...first } = g[0]!;
    const row: Row = { ...first, rounds: g.length };
    for (const k of MEDIAN_FIELDS) row[k] = median(g.map((r) => r[k]));
    row.loadavg = g[g.length - 1]!.loadavg;
    return row;
  });
}
