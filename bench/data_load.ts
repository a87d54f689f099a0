/**
 * Benchmark: load all 70,000 Fashion-MNIST images (train + test) into typed arrays, the way
 * every experiment does (read, gunzip, verify checksums, decode IDX). Prints the median of
 * several runs and writes results/bench/data_load.json (atomically).
 *
 *   deno run --allow-read --allow-write=results --allow-env=GEOMAD_DATA_DIR,GEOMAD_DEBUG \
 *     --allow-sys=loadavg bench/data_load.ts [--runs 7] [--data-dir D] [--out FILE]
 * @module
 */
import process from "node:process";
import { loadDataset, type LoadedDataset, toImages } from "../lib/data/mod.ts";
import { writeJsonAtomic } from "../lib/util/atomic.ts";
import { type CommandSpec, intFlag, parseCommand, runCli } from "../lib/util/cli.ts";
import { median } from "./stats.ts";

/** The acceptance threshold for loading 70k images, in milliseconds. */
const THRESHOLD_MS = 1500;

function loadavg(): number[] | null {
  try {
    return Deno.loadavg().map((x) => Math.round(x * 100) / 100);
  } catch {
    return null;
  }
}

/** Wall-clock and CPU (user + system) milliseconds of each run; CPU time is what the load
 * costs on an idle machine, wall time includes waiting for a core on a busy one. */
async function timeLoads(runs: number, options: Parameters<typeof loadDataset>[1]) {
  const ms: number[] = [];
  const cpuMs: number[] = [];
  let last: LoadedDataset | undefined;
  for (let r = 0; r < runs; r++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    last = await loadDataset("fashion-mnist", options);
    ms.push(Math.round(performance.now() - t0));
    const c = process.cpuUsage(c0);
    cpuMs.push(Math.round((c.user + c.system) / 1000));
  }
  return { ms, cpuMs, last: last! };
}

/** The benchmark's command line (`--help` prints it). */
const COMMAND = {
  command: "deno task bench:data",
  usage: "[--runs N] [--data-dir DIR] [--out FILE]",
  about: "Loads all 70,000 Fashion-MNIST images (read, gunzip, MD5, decode IDX) several times " +
    "and prints the median; writes results/bench/data_load.json.",
  flags: {
    runs: {
      type: "string",
      arg: "N",
      kind: "integer >= 1",
      help: "timed loads (after one warm-up)",
      defaultText: "7",
      example: "--runs 3",
    },
    "data-dir": {
      type: "string",
      arg: "DIR",
      kind: "folder",
      help: "folder with the official Fashion-MNIST files",
      defaultText: "GEOMAD_DATA_DIR, data/cache, system packages",
      example: "--data-dir /usr/share/datasets/fashion-mnist",
    },
    out: {
      type: "string",
      arg: "FILE",
      kind: "path of a .json file under results/",
      help: "where the figures go",
      defaultText: "results/bench/data_load.json",
      example: "--out results/bench/data_load-2.json",
    },
  },
} as const satisfies CommandSpec;

await runCli("bench/data_load", async () => {
  const parsed = parseCommand(COMMAND, Deno.args);
  if (!parsed) return;
  const { values } = parsed;
  const runs = intFlag("runs", values.runs, 7, { min: 1 });
  const options = { dataDir: values["data-dir"], allowSample: false };
  const before = loadavg();
  await loadDataset("fashion-mnist", options); // warm-up (file cache, JIT)
  const verified = await timeLoads(runs, options);
  const unverified = await timeLoads(runs, { ...options, verify: false });
  const d = verified.last;
  const images = d.train.n + d.test.n;
  const t0 = performance.now();
  toImages(d.train, undefined, { padTo: 32 });
  toImages(d.test, undefined, { padTo: 32 });
  const toFloatMs = Math.round(performance.now() - t0);
  const result = {
    benchmark: "data_load",
    what:
      "load all Fashion-MNIST images (train+test) into Uint8Arrays: read, gunzip, MD5-verify, decode IDX",
    dataset: d.meta.dataset,
    source: d.meta.source,
    root: d.meta.root,
    images,
    runs,
    verified_ms: verified.ms,
    verified_median_ms: median(verified.ms),
    verified_cpu_ms: verified.cpuMs,
    verified_cpu_median_ms: median(verified.cpuMs),
    unverified_ms: unverified.ms,
    unverified_median_ms: median(unverified.ms),
    unverified_cpu_median_ms: median(unverified.cpuMs),
    to_float_padded_ms: toFloatMs,
    threshold_ms: THRESHOLD_MS,
    pass: median(verified.ms) < THRESHOLD_MS,
    loadavg_before: before,
    loadavg_after: loadavg(),
    cpus: navigator.hardwareConcurrency,
    deno: Deno.version.deno,
    date: new Date().toISOString(),
  };
  const out = values.out ?? "results/bench/data_load.json";
  await writeJsonAtomic(out, result);
  console.log(
    `data_load: ${images} images from ${result.source} ${result.root}: median ${result.verified_median_ms} ms ` +
      `verified (runs ${verified.ms.join(", ")}; CPU ${result.verified_cpu_median_ms} ms), ` +
      `${result.unverified_median_ms} ms unverified; load average ${before?.[0] ?? "?"}; ` +
      `to float 32x32 ${toFloatMs} ms; threshold ${THRESHOLD_MS} ms: ${
        result.pass ? "PASS" : "FAIL"
      } -> ${out}`,
  );
});
