/**
 * Acceptance of in-run checkpoints: a GEOM run killed with SIGKILL in training, and one killed
 * in scoring, resume when the same command runs again and end with the same result, bit for
 * bit, as a run never interrupted; a checkpoint of another configuration is ignored with a
 * message. On wasm always, on the native backend where oneDNN is installed (in bf16 too where
 * the CPU has AMX or AVX512-BF16).
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { loadDnnl } from "../lib/backend/native/ffi.ts";
import { isaHasBf16 } from "../lib/backend/precision.ts";
import { denoExecutable } from "../lib/experiments/process_pool.ts";
import { readRunResult, type RunResult } from "../lib/experiments/result.ts";
import { runSweep } from "../lib/experiments/sweep.ts";
import { checkpointRoot } from "../lib/train/checkpoint.ts";
import { runTaskArgs } from "./sweep_testing.ts";

const RUN = new URL("./run.ts", import.meta.url).pathname;

/** Small GEOM run: 32 images x 72 transformations (72 steps), 100 test images (15 batches). */
const ARGS = [
  "--method",
  "geom",
  "--dataset",
  "fashion-mnist-sample",
  "--normal",
  "0",
  "--preset",
  "smoke",
  "--transforms",
  "geometric72",
  "--train-limit",
  "32",
  "--test-limit",
  "100",
  "--checkpoint-interval",
  "0", // save after every step and every scoring batch
];

/** `native` or `native:bf16` (backend and precision), or a backend name. */
function command(dir: string, backend: string, args: string[], base = ARGS): Deno.Command {
  const [name, precision] = backend.split(":");
  const b = ["--backend", name!, ...(precision ? ["--precision", precision] : [])];
  return new Deno.Command(denoExecutable(), {
    args: [...runTaskArgs(dir), ...base, ...b, ...args],
    env: { OMP_NUM_THREADS: "1" }, // one oneDNN thread: quick on a shared 2-core machine
    stdout: "null",
    stderr: "piped",
  });
}

async function run(dir: string, backend: string, args: string[]): Promise<string> {
  const out = await command(dir, backend, args).output();
  const err = new TextDecoder().decode(out.stderr);
  assert.equal(out.code, 0, err);
  return err;
}

/** The files of every checkpoint folder of `out`. */
function checkpointFiles(out: string): string[] {
  try {
    return [...Deno.readDirSync(checkpointRoot(out))].flatMap((d) =>
      [...Deno.readDirSync(join(checkpointRoot(out), d.name))].map((f) => f.name)
    );
  } catch {
    return [];
  }
}

/** Starts a run and SIGKILLs it as soon as a checkpoint file `ready` accepts exists. */
async function killWhen(
  dir: string,
  backend: string,
  args: string[],
  out: string,
  ready: (file: string) => boolean,
): Promise<void> {
  const child = command(dir, backend, args).spawn();
  const stderr = new Response(child.stderr).text();
  let ended = false;
  child.status.then(() => (ended = true));
  while (!checkpointFiles(out).some(ready)) {
    if (ended) assert.fail(`the run ended before it could be killed: ${await stderr}`);
    await new Promise((r) => setTimeout(r, 5));
  }
  child.kill("SIGKILL");
  assert.equal((await child.status).signal, "SIGKILL");
  await stderr;
}

/** What must not change when a run is resumed. */
function outcome(r: RunResult) {
  const s = r.state as {
    training: { lossHistory: number[]; steps: number };
    dirichletAlphaSums: number[];
  };
  return {
    status: r.status,
    metrics: r.metrics,
    lossHistory: s.training.lossHistory,
    steps: s.training.steps,
    alphaSums: s.dirichletAlphaSums,
  };
}

async function resumeCase(backend: string, withForeign: boolean): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "geomad-resume-" });
  try {
    const ref = join(dir, "ref.json");
    await run(dir, backend, ["--out", ref, "--quiet"]);
    assert.deepEqual(checkpointFiles(ref), [], "a finished run removes its checkpoint");
    const refResult = await readRunResult(ref);
    const want = outcome(refResult);
    assert.equal(want.status, "ok");
    const [name, precision] = backend.split(":");
    assert.equal(refResult.backend.name, name);
    if (precision) assert.equal(refResult.backend.precision, precision);

    // killed in training
    const out = join(dir, "out.json");
    await killWhen(dir, backend, ["--out", out], out, (f) => f === "train.bin");
    await assert.rejects(Deno.stat(out), Deno.errors.NotFound);
    if (withForeign) {
      // another configuration at the same path: the seed-0 checkpoint is ignored, and kept
      const err = await run(dir, backend, ["--out", out, "--seed", "1", "--quiet"]);
      assert.match(
        err,
        /checkpoint: ignoring \S+\.ckpt\/[0-9a-f]{16}: another configuration \(seed 0, not 1\)/,
      );
      assert.doesNotMatch(err, /resuming/);
      assert.deepEqual(checkpointFiles(out).filter((f) => f === "train.bin"), ["train.bin"]);
    }
    // --force: out.json now holds the seed-1 run's result, which is another run's
    let err = await run(dir, backend, ["--out", out, ...(withForeign ? ["--force"] : [])]);
    assert.match(
      err,
      /checkpoint: resuming training from epoch 1 step \d+ \(\d+\/2304 pairs, saved \d+ s ago\)/,
    );
    assert.deepEqual(outcome(await readRunResult(out)), want);
    assert.equal(await Deno.stat(checkpointRoot(out)).catch(() => undefined), undefined);

    // killed in scoring
    const out2 = join(dir, "out2.json");
    await killWhen(dir, backend, ["--out", out2], out2, (f) => f.startsWith("score-"));
    err = await run(dir, backend, ["--out", out2, "--keep-checkpoint"]);
    assert.match(err, /checkpoint: training finished in an earlier session \(1 epochs, 72 steps/);
    assert.match(err, /checkpoint: fit-probs predict: resuming at pair 2304\/2304/);
    assert.match(err, /checkpoint: score predict: resuming at pair \d+\/7200/);
    assert.deepEqual(outcome(await readRunResult(out2)), want);
    assert.ok(checkpointFiles(out2).includes("train.bin"), "--keep-checkpoint keeps it");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("run: GEOM killed in training and in scoring resumes to the same result (wasm)", async () => {
  await resumeCase("wasm", true);
});

const dnnl = loadDnnl();

Deno.test({
  name: "run: GEOM killed in training and in scoring resumes to the same result (native fp32)",
  ignore: !dnnl.ok,
  fn: () => resumeCase("native:fp32", false),
});

Deno.test({
  name: "run: GEOM killed in training and in scoring resumes to the same result (native bf16)",
  ignore: !dnnl.ok || !isaHasBf16(dnnl.isa),
  fn: () => resumeCase("native:bf16", false),
});

Deno.test("run: a bad --checkpoint-interval exits 2 with a one-line reason", async () => {
  const dir = await Deno.makeTempDir({ prefix: "geomad-resume-" });
  try {
    for (
      const [value, message] of [
        ["-1", /--checkpoint-interval must be an integer >= 0, got '-1'/],
        ["5m", /must be an integer/],
      ]
    ) {
      const args = ["--out", join(dir, "r.json"), `--checkpoint-interval=${value}`];
      const base = ARGS.slice(0, ARGS.indexOf("--checkpoint-interval")); // a flag is given once
      const out = await command(dir, "cpu", args, base).output();
      const err = new TextDecoder().decode(out.stderr).trim();
      assert.equal(out.code, 2, err);
      // the reason on one line, then the usage line and a hint to use --help
      assert.match(err.split("\n")[0]!, message as RegExp);
      assert.equal(err.split("\n").length, 3, err);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("run: a sweep stopped while a GEOM run scores resumes that run from its checkpoint", async () => {
  const dir = await Deno.makeTempDir({ prefix: "geomad-resume-" });
  try {
    const ref = join(dir, "ref.json");
    await run(dir, "wasm", ["--out", ref, "--quiet"]);
    const spec = {
      method: "geom",
      dataset: "fashion-mnist-sample",
      normalClass: 0,
      seed: 0,
      preset: "smoke",
      overrides: { transforms: "geometric72", trainLimit: 32, testLimit: 100 },
      out: join(dir, "sweep", "run.json"),
      backend: "wasm",
    };
    const lines: string[] = [];
    const options = { jobs: 1, script: RUN, quiet: true };
    // the child saves at the end of training (default interval: 5 min); stop the sweep then
    const stop = new AbortController();
    const poll = setInterval(() => {
      if (checkpointFiles(spec.out).includes("train.bin")) stop.abort();
    }, 5);
    await assert.rejects(runSweep([spec], { ...options, signal: stop.signal }), /aborted/);
    clearInterval(poll);
    assert.ok(checkpointFiles(spec.out).includes("train.bin"));
    await assert.rejects(Deno.stat(spec.out), Deno.errors.NotFound);
    const [outcome2] = await runSweep([spec], {
      ...options,
      quiet: false,
      log: (l) => lines.push(l),
    });
    assert.ok(lines.some((l) => /1 to run, 1 from a checkpoint/.test(l)), lines.join("\n"));
    assert.equal(outcome2!.status, "ok", outcome2!.error ?? "");
    assert.deepEqual(outcome(await readRunResult(spec.out)), outcome(await readRunResult(ref)));
    const training = (await readRunResult(spec.out)).state.training as { resumedFrom?: unknown };
    assert.deepEqual(training.resumedFrom, { epoch: 2, step: 0, pairs: 2304 }, "not trained again");
    assert.deepEqual(checkpointFiles(spec.out), []);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
