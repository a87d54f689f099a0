/**
 * `deno task ablation --slurm` against a real single-node Slurm (munged, slurmctld, slurmd
 * started here from a generated config): the array and summary jobs run the smoke grid, the
 * summary equals a local run's, and after one array task of a second submission is cancelled
 * `--retry-failed` submits and completes only that task. Skipped, saying why, without Slurm.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { denoExecutable } from "../lib/experiments/process_pool.ts";
import {
  slurmClient,
  slurmUnavailable,
  startSlurm,
  type TestCluster,
  waitForEmptyQueue,
} from "./slurm_testing.ts";
import { ablationArgs, listDir } from "./sweep_testing.ts";

const GRID = ["--classes", "0", "--transforms", "rot4,blur"];
const RUNS = ["smoke__blur__class-0__seed-0.json", "smoke__rot4__class-0__seed-0.json"];

async function ablation(root: string, extra: string[], env: Record<string, string> = {}) {
  const args = ablationArgs(root, [...GRID, ...extra])
    .map((a) => a === "--allow-run=deno" ? "--allow-run=deno,sbatch,squeue,sacct" : a);
  const out = await new Deno.Command(denoExecutable(), { args, env }).output();
  const stdout = new TextDecoder().decode(out.stdout);
  const stderr = new TextDecoder().decode(out.stderr);
  assert.equal(out.code, 0, `ablation ${extra.join(" ")}: ${stderr}`);
  return { stdout, stderr };
}

/** summary.json without what differs between two runs of the same grid (times, date). */
async function summaryOf(root: string) {
  const s = JSON.parse(
    await Deno.readTextFile(join(root, "fashion-mnist-sample", "summary.json")),
  );
  delete s.createdAt;
  delete s.secondsPerRun;
  return s;
}

async function submissions(root: string) {
  const path = join(root, "fashion-mnist-sample", "slurm", "jobs.json");
  return JSON.parse(await Deno.readTextFile(path)).submissions;
}

const why = slurmUnavailable();

Deno.test({
  name: why
    ? `slurm: ablation as a job array on a real Slurm (skipped: ${why})`
    : "slurm: ablation as a job array on a real Slurm, summary = local, retry only the cancelled",
  ignore: why !== undefined,
  fn: async () => {
    const t0 = performance.now();
    const laps: string[] = [];
    let last = t0;
    const lap = (what: string) => {
      const now = performance.now();
      laps.push(`${what} ${((now - last) / 1000).toFixed(1)} s`);
      last = now;
    };
    const tmp = await Deno.makeTempDir({ prefix: "geomad-slurm-test-" });
    let cluster: TestCluster | undefined;
    try {
      const [local, onSlurm, retried] = ["local", "slurm", "retry"].map((n) => join(tmp, n));
      // The local reference starts first; the cluster starts meanwhile.
      const [_, c] = await Promise.all([ablation(local!, ["--jobs", "1"]), startSlurm()]);
      cluster = c;
      lap("local run + cluster start");
      const env = cluster.env;

      // 1. --slurm --submit: the array (one task per run) and the summary job.
      const sub = await ablation(onSlurm!, ["--slurm", "--submit", "--time", "10"], env);
      assert.match(sub.stderr, /2 of 2 array tasks \(2 of 2 runs/);
      assert.match(sub.stdout, /submitted array job \d+ \(2 tasks\) and summary job \d+/);
      const slurmDir = join(onSlurm!, "fashion-mnist-sample", "slurm");
      const arrayScript = join(slurmDir, "ablation-array.sbatch");
      const script = await Deno.readTextFile(arrayScript);
      assert.match(script, /^#SBATCH --array=0-1$/m);
      assert.match(script, /--shard "\$SLURM_ARRAY_TASK_ID\/2"/);
      for (const s of [arrayScript, join(slurmDir, "ablation-summary.sbatch")]) {
        await slurmClient(c, "/usr/bin/sbatch", ["--test-only", s]); // throws when rejected
      }
      await waitForEmptyQueue(cluster, 300);
      lap("first submission");
      assert.deepEqual(await listDir(join(onSlurm!, "fashion-mnist-sample", "runs")), RUNS);
      const expected = await summaryOf(local!);
      assert.equal(expected.runs.used, 2);
      assert.deepEqual(await summaryOf(onSlurm!), expected); // same AUROCs, same everything
      const [first] = await submissions(onSlurm!);
      const logs = await listDir(join(slurmDir, "logs"));
      assert.deepEqual(logs, [
        `geomad-ablation-${first.arrayJob}_0.out`,
        `geomad-ablation-${first.arrayJob}_1.out`,
        `geomad-ablation-summary-${first.summaryJob}.out`,
      ]);
      // A requeued task (as after preemption) reruns the same command: same shard, same file,
      // the finished result kept; its log goes on in the same file.
      const rot4 = join(onSlurm!, "fashion-mnist-sample", "runs", RUNS[1]!);
      const before = await Deno.stat(rot4);
      await slurmClient(c, "/usr/bin/scontrol", ["requeue", `${first.arrayJob}_0`]);
      // Slurm holds a requeued job about two minutes before it may start again: start it now.
      await slurmClient(c, "/usr/bin/scontrol", [
        "update",
        `JobId=${first.arrayJob}_0`,
        "StartTime=now",
      ]);
      await waitForEmptyQueue(cluster, 300);
      lap("requeue");
      const log0 = await Deno.readTextFile(join(slurmDir, "logs", logs[0]!));
      assert.equal(log0.match(/2 runs in the grid, shard 0\/2: 1/g)?.length, 2, log0);
      assert.match(log0, /1 runs: 1 done already, 0 to run/);
      assert.deepEqual((await Deno.stat(rot4)).mtime, before.mtime);

      // 2. A second sweep, one task at a time; its task 1 is cancelled while pending.
      const again = await ablation(retried!, ["--slurm", "--submit", "--max-parallel", "1"], env);
      assert.match(again.stdout, /submitted array job \d+ \(2 tasks\)/);
      const [second] = await submissions(retried!);
      await slurmClient(cluster, "/usr/bin/scancel", [`${second.arrayJob}_1`]);
      await waitForEmptyQueue(cluster, 300);
      lap("second submission, task 1 cancelled");
      const runsDir = join(retried!, "fashion-mnist-sample", "runs");
      assert.deepEqual(await listDir(runsDir), [RUNS[1]]); // rot4 (task 0) only
      const status = await ablation(retried!, ["--status"], env);
      assert.match(status.stdout, /2 runs: 1 done, 0 running, 0 pending, 0 failed, 1 missing/);
      assert.match(status.stdout, /missing +smoke__blur__class-0__seed-0\.json/);
      const kept = await Deno.stat(join(runsDir, RUNS[1]!));

      // 3. --retry-failed submits only the missing task and completes it.
      const retry = await ablation(
        retried!,
        ["--slurm", "--submit", "--retry-failed", "--max-parallel", "1"],
        env,
      );
      assert.match(retry.stderr, /1 of 2 array tasks \(1 of 2 runs/);
      assert.match(
        await Deno.readTextFile(
          join(retried!, "fashion-mnist-sample", "slurm", "ablation-array.sbatch"),
        ),
        /^#SBATCH --array=1%1$/m,
      );
      await waitForEmptyQueue(cluster, 300);
      lap("retry");
      assert.deepEqual(await listDir(runsDir), RUNS);
      assert.deepEqual((await Deno.stat(join(runsDir, RUNS[1]!))).mtime, kept.mtime); // not rerun
      assert.deepEqual(await summaryOf(retried!), expected);
      const done = await ablation(retried!, ["--status"], env);
      assert.match(done.stdout, /2 runs: 2 done, 0 running, 0 pending, 0 failed, 0 missing/);
      const nothing = await ablation(retried!, ["--slurm", "--submit", "--retry-failed"], env);
      assert.match(nothing.stdout, /nothing to submit: 2 done/);
      lap("status and a submission with nothing to do");
      const total = ((performance.now() - t0) / 1000).toFixed(1);
      console.log(`slurm integration test: ${total} s (${laps.join(", ")})`);
    } finally {
      await cluster?.stop();
      await Deno.remove(tmp, { recursive: true });
    }
  },
});
