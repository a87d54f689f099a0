/**
 * `--slurm`, `--status`, `--shard` and `--no-summary` of `deno task ablation` / `compare`
 * without a cluster: the scripts written and the command printed, usage errors, the state of a
 * fresh sweep, and compare's shard that an array task runs. (Submitting: slurm_test.ts.)
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { denoExecutable } from "../lib/experiments/process_pool.ts";
import { ablationArgs, listDir, sweepArgs } from "./sweep_testing.ts";

async function cli(args: string[]) {
  const out = await new Deno.Command(denoExecutable(), {
    args: args.map((a) => a === "--allow-run=deno" ? "--allow-run=deno,sbatch,squeue,sacct" : a),
  }).output();
  const dec = new TextDecoder();
  return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}

const GRID = ["--classes", "0", "--transforms", "rot4,blur"];

Deno.test("ablation --slurm: writes both scripts, prints their paths and the submit command", async () => {
  const root = await Deno.makeTempDir();
  try {
    const out = await cli(ablationArgs(root, [...GRID, "--slurm", "--time", "30"]));
    assert.equal(out.code, 0, out.stderr);
    const dir = join(root, "fashion-mnist-sample", "slurm");
    const array = join(dir, "ablation-array.sbatch"),
      summary = join(dir, "ablation-summary.sbatch");
    assert.equal(out.stdout.split("\n")[0], `batch scripts: ${array}, ${summary}`);
    assert.equal(
      out.stdout.split("\n")[1],
      `submit with: job=$(sbatch --parsable ${array}) && ` +
        `sbatch --dependency=afterany:\${job%%;*} ${summary}`,
    );
    assert.match(out.stderr, /2 of 2 array tasks \(2 of 2 runs, 1 per task/);
    const text = await Deno.readTextFile(array);
    assert.match(text, /^#SBATCH --array=0-1$/m);
    assert.match(text, /^#SBATCH --time=30$/m);
    assert.match(text, /^ {2}--transforms rot4,blur \\$/m);
    assert.match(text, new RegExp(`^ {2}--root ${root} \\\\$`, "m"));
    for (const s of [array, summary]) {
      assert.equal((await Deno.stat(s)).mode! & 0o111, 0o111, `${s} not executable`);
      const check = await new Deno.Command("bash", { args: ["-n", s] }).output();
      assert.equal(check.code, 0, `bash -n ${s}: ${new TextDecoder().decode(check.stderr)}`);
    }
    assert.deepEqual(await listDir(join(dir, "logs")), []); // created for Slurm, still empty
    assert.deepEqual(await listDir(join(root, "fashion-mnist-sample", "runs")), []); // ran nothing

    // Runs at once in a task: one per core asked for, one on a GPU.
    for (const [extra, jobs] of [[[], "2"], [["--gres", "gpu:1"], "1"]] as const) {
      const flags = ["--slurm", "--runs-per-task", "2", "--cpus-per-task", "4", ...extra];
      assert.equal((await cli(ablationArgs(root, [...GRID, ...flags]))).code, 0);
      assert.match(await Deno.readTextFile(array), new RegExp(`^ {2}--jobs ${jobs} \\\\$`, "m"));
    }

    const status = await cli(ablationArgs(root, [...GRID, "--status"]));
    assert.equal(status.code, 0, status.stderr);
    assert.match(status.stdout, /2 runs: 0 done, 0 running, 0 pending, 0 failed, 2 missing\n/);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("ablation/compare: Slurm flags misused are one-line usage errors", async () => {
  const root = await Deno.makeTempDir();
  try {
    const template = join(root, "t.sh");
    await Deno.writeTextFile(template, "#!/bin/bash\n#SBATCH --array=0-9\n");
    const cases: Array<[string[], RegExp]> = [
      [["--submit"], /^ablation: error: --submit needs --slurm$/],
      [["--gres", "gpu:1"], /^ablation: error: --gres needs --slurm$/],
      [["--slurm", "--shard", "0/2"], /^ablation: error: --shard cannot go with --slurm$/],
      [["--slurm", "--runs-per-task", "0"], /--runs-per-task must be >= 1, got 0$/],
      [["--slurm", "--slurm-template", template], /t\.sh: geomad sets --array itself/],
      [["--slurm", "--slurm-template", join(root, "no.sh")], /cannot read --slurm-template/],
    ];
    for (const [extra, re] of cases) {
      const out = await cli(ablationArgs(root, [...GRID, ...extra]));
      assert.equal(out.code, 2, `${extra.join(" ")}: ${out.stderr}`);
      // The error on one line, then the usage line and a hint to use --help.
      const lines = out.stderr.trimEnd().split("\n");
      assert.match(lines[0]!, re);
      assert.equal(lines.length, 3, out.stderr);
    }
    const out = await cli(sweepArgs("./compare.ts", root, ["--dataset", "x", "--submit"]));
    assert.equal(out.code, 2);
    assert.deepEqual(await listDir(join(root, "fashion-mnist-sample")), []);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("compare --slurm --runs-per-task 2, and the shard an array task runs", async () => {
  const root = await Deno.makeTempDir();
  try {
    const base = ["--dataset", "fashion-mnist-sample", "--preset", "smoke"];
    const grid = [...base, "--methods", "raw-ocsvm", "--classes", "0,1,2"];
    const out = await cli(
      sweepArgs("./compare.ts", root, [...grid, "--slurm", "--runs-per-task", "2"]),
    );
    assert.equal(out.code, 0, out.stderr);
    const text = await Deno.readTextFile(
      join(root, "compare", "fashion-mnist-sample", "slurm", "compare-array.sbatch"),
    );
    assert.match(text, /^#SBATCH --array=0-1$/m);
    assert.match(
      text,
      /--shard "\$SLURM_ARRAY_TASK_ID\/2" \\\n {2}--jobs 1 \\\n {2}--no-summary\n$/,
    );
    assert.match(text, /^ {2}--methods raw-ocsvm \\$/m);

    // Array task 1 of 2: class 1 only (runs 1, 3, ...), no summary.
    const task = await cli(
      sweepArgs("./compare.ts", root, [...grid, "--shard", "1/2", "--no-summary"]),
    );
    assert.equal(task.code, 0, task.stderr);
    assert.match(task.stderr, /shard 1\/2: 1 of 3 runs/);
    const method = join(root, "raw-ocsvm", "fashion-mnist-sample", "smoke");
    assert.deepEqual(await listDir(method), ["class-1"]);
    assert.deepEqual(await listDir(join(root, "compare", "fashion-mnist-sample")), ["slurm"]);
    const status = await cli(sweepArgs("./compare.ts", root, [...grid, "--status"]));
    assert.match(status.stdout, /3 runs: 1 done, 0 running, 0 pending, 0 failed, 2 missing\n/);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
