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
import { intFlag, parseFlags, runCli } from "../lib/util/cli.ts";
import { UsageError } from "../lib/util/errors.ts";
import { loadOneVsRest } from "../lib/data/one_vs_rest.ts";

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

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

async function main(): Promise<void> {
  const { values } = parseFlags(Deno.args, {
    class: { type: "string" },
    repeats: { type: "string" },
    "test-size": { type: "string" },
    paper: { type: "boolean" },
    "no-sklearn": { type: "boolean" },
    out: { type: "string" },
  }, false);
  const normalClass = intFlag("class", values.class, 0);
  const repeats = intFlag("repeats", values.repeats, 1);
  const testSize = intFlag("test-size", values["test-size"], 10000);
  if (normalClass < 0 || normalClass > 9) throw new UsageError("--class must be 0..9");
  if (repeats < 1) throw new UsageError("--repeats must be >= 1");
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
    const sel = await det.selectByTest(split.test, split.testLabels);
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
