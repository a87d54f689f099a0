/**
 * OC-SVM benchmark: fit + score time of geomad's one-class SVM on 6000 x 1024 (all Fashion-MNIST
 * training images of one class, flattened padded pixels) with the detector's default `fair`
 * options (nu 0.1, gamma 'scale'), scoring the 10,000 test images; scikit-learn's times beside
 * it when Debian's python3-sklearn is there. Writes results/bench/ocsvm.json (atomically).
 *
 *   deno run --allow-read --allow-write=results --allow-env --allow-sys=loadavg \
 *     --allow-run=/usr/bin/python3 \
 *     bench/ocsvm.ts [--class 0] [--repeats 1] [--test-size 10000] [--paper] [--no-sklearn]
 *
 * `--paper` also times the paper's 9 x 10 grid (fit of all 90 models + test scoring), which
 * takes minutes. The machine is shared: the load average is recorded before and after.
 * @module
 */
import { initBackend } from "../lib/backend/select.ts";
import { OcsvmDetector } from "../lib/detectors/ocsvm.ts";
import { writeJsonAtomic } from "../lib/util/atomic.ts";
import { type CommandSpec, intFlag, parseCommand, runCli } from "../lib/util/cli.ts";
import { loadOneVsRest } from "../lib/data/one_vs_rest.ts";
import { median } from "./stats.ts";

const PYTHON = "/usr/bin/python3";

async function sklearnTiming(normalClass: number, testSize: number): Promise<unknown> {
  try {
    const out = await new Deno.Command(PYTHON, {
      args: [
        "scripts/ocsvm_parity.py",
        "--sklearn-only",
        "--class",
        String(normalClass),
        "--configs",
        "0.1:scale",
        "--test-size",
        String(testSize),
      ],
      stdout: "piped",
      stderr: "piped",
    }).output();
    if (!out.success) {
      const err = new TextDecoder().decode(out.stderr).trim().split("\n").pop();
      return { unavailable: `scikit-learn run failed: ${err}` };
    }
    return JSON.parse(new TextDecoder().decode(out.stdout).trim().split("\n").pop()!);
  } catch (err) {
    return { unavailable: `cannot run ${PYTHON}: ${err instanceof Error ? err.message : err}` };
  }
}

/** The benchmark's command line (`--help` prints it). */
const COMMAND = {
  command: "deno task bench:ocsvm",
  usage: "[--class C] [--repeats N] [--test-size N] [--paper] [--no-sklearn] [--out FILE]",
  about: "Fit + score time of geomad's one-class SVM on one Fashion-MNIST class (6000 x 1024), " +
    "scikit-learn's beside it when installed; writes results/bench/ocsvm.json.",
  flags: {
    class: {
      type: "string",
      arg: "C",
      kind: "integer in [0, 9]",
      help: "the normal class",
      defaultText: "0",
      example: "--class 3",
    },
    repeats: {
      type: "string",
      arg: "N",
      kind: "integer >= 1",
      help: "timed repetitions (the median is reported)",
      defaultText: "1",
      example: "--repeats 3",
    },
    "test-size": {
      type: "string",
      arg: "N",
      kind: "integer in [1, 10000]",
      help: "test images scored",
      defaultText: "10000",
      example: "--test-size 2000",
    },
    paper: {
      type: "boolean",
      help: "also time the paper's 9 x 10 (nu, gamma) grid (minutes)",
      example: "--paper",
    },
    "no-sklearn": { type: "boolean", help: "skip scikit-learn", example: "--no-sklearn" },
    out: {
      type: "string",
      arg: "FILE",
      kind: "path of a .json file under results/",
      help: "where the figures go",
      defaultText: "results/bench/ocsvm.json",
      example: "--out results/bench/ocsvm-2.json",
    },
  },
} as const satisfies CommandSpec;

async function main(): Promise<void> {
  const parsed = parseCommand(COMMAND, Deno.args);
  if (!parsed) return;
  const { values } = parsed;
  const normalClass = intFlag("class", values.class, 0, { min: 0, max: 9 });
  const repeats = intFlag("repeats", values.repeats, 1, { min: 1 });
  const testSize = intFlag("test-size", values["test-size"], 10000, { min: 1, max: 10000 });
  const outPath = values.out ?? "results/bench/ocsvm.json";
  const backend = await initBackend("auto");
  const split = await loadOneVsRest("fashion-mnist", normalClass, {
    testLimit: testSize < 10000 ? testSize : undefined,
  });
  const loadBefore = Deno.loadavg();

  const runs = [];
  for (let r = 0; r < repeats; r++) {
    const det = new OcsvmDetector();
    const t0 = performance.now();
    await det.fit(split.train, { quiet: true });
    const fitSeconds = (performance.now() - t0) / 1000;
    const t1 = performance.now();
    await det.score(split.test);
    const scoreSeconds = (performance.now() - t1) / 1000;
    const st = det.state();
    runs.push({ fitSeconds, scoreSeconds, phases: st.seconds, nSV: st.nSV, iters: st.iterations });
    console.error(`geomad fair fit ${fitSeconds.toFixed(2)} s, score ${scoreSeconds.toFixed(2)} s`);
  }

  let paper: unknown = undefined;
  if (values.paper) {
    const det = new OcsvmDetector({ selection: "paper" });
    const t0 = performance.now();
    await det.fit(split.train, { quiet: true });
    const fitSeconds = (performance.now() - t0) / 1000;
    const t1 = performance.now();
    const sel = await det.selectByTestLabels(split.test, split.testLabels);
    const selectSeconds = (performance.now() - t1) / 1000;
    paper = {
      models: 90,
      fitSeconds,
      selectSeconds,
      phases: det.state().seconds,
      chosen: { nu: sel.nu, gamma: sel.gamma, auroc: sel.auroc },
    };
    console.error(
      `geomad paper grid fit ${fitSeconds.toFixed(1)} s, select ${selectSeconds.toFixed(1)} s`,
    );
  }
  const loadMid = Deno.loadavg();
  const sklearn = values["no-sklearn"]
    ? { skipped: true }
    : await sklearnTiming(normalClass, testSize);
  const result = {
    bench: "ocsvm",
    dataset: "fashion-mnist",
    normalClass,
    trainShape: [split.train.n, 1024],
    testSize: split.test.n,
    options: { nu: 0.1, gamma: "scale", tol: 1e-3, shrinking: true },
    backend: backend.name,
    deno: Deno.version.deno,
    cpuCount: navigator.hardwareConcurrency,
    loadAvg: { before: loadBefore, afterGeomad: loadMid, after: Deno.loadavg() },
    geomad: {
      repeats,
      fitSecondsMedian: median(runs.map((r) => r.fitSeconds)),
      scoreSecondsMedian: median(runs.map((r) => r.scoreSeconds)),
      runs,
    },
    paperGrid: paper,
    sklearn,
    createdAt: new Date().toISOString(),
  };
  await writeJsonAtomic(outPath, result);
  console.log(JSON.stringify({ geomad: result.geomad, sklearn, loadAvg: result.loadAvg }));
}

if (import.meta.main) await runCli("bench/ocsvm", main);
