import assert from "node:assert/strict";
import {
  arraySpec,
  type BatchScriptOptions,
  batchScripts,
  classifyRuns,
  parseSacct,
  parseSqueue,
  parseTemplate,
  sbatchPath,
  shellQuote,
  slurmOptions,
  type Submission,
  taskCount,
  tasksToSubmit,
} from "./slurm.ts";
import { UsageError } from "../util/errors.ts";

Deno.test("slurmOptions: none without --slurm/--status; flags checked; strays refused", () => {
  assert.equal(slurmOptions({}), undefined);
  assert.deepEqual(slurmOptions({ status: true }), {
    write: false,
    submit: false,
    status: true,
    runsPerTask: 1,
    directives: {},
  });
  const o = slurmOptions({
    slurm: true,
    submit: true,
    "runs-per-task": "3",
    "max-parallel": "4",
    partition: "gpu",
    time: "1-02:00:00",
    "cpus-per-task": "2",
    mem: "8G",
    gres: "gpu:1",
    account: "lab_x",
  })!;
  assert.equal(o.runsPerTask, 3);
  assert.equal(o.maxParallel, 4);
  assert.deepEqual(o.directives, {
    partition: "gpu",
    time: "1-02:00:00",
    cpusPerTask: 2,
    mem: "8G",
    gres: "gpu:1",
    account: "lab_x",
  });
  const bad: Array<[Record<string, unknown>, RegExp]> = [
    [{ submit: true }, /^--submit needs --slurm$/],
    [{ partition: "x" }, /^--partition needs --slurm$/],
    [{ slurm: true, time: "an hour" }, /^--time must be minutes, MM:SS/],
    [{ slurm: true, mem: "lots" }, /^--mem must be a size/],
    [{ slurm: true, "runs-per-task": "0" }, /^--runs-per-task must be >= 1, got 0$/],
    [{ slurm: true, "max-parallel": "1.5" }, /^--max-parallel must be an integer/],
    [{ slurm: true, partition: "a b" }, /^--partition must be letters/],
    [{ slurm: true, account: "x\n#SBATCH --mem=1" }, /^--account must be letters/],
    [{ slurm: true, "summary-only": true }, /^--summary-only cannot go with --slurm$/],
    [{ status: true, "no-summary": true }, /^--no-summary cannot go with --status$/],
  ];
  for (const [values, re] of bad) {
    assert.throws(
      () => slurmOptions(values),
      (e: Error) => e instanceof UsageError && re.test(e.message),
    );
  }
});

Deno.test("arraySpec: ranges, lists and the % throttle", () => {
  assert.equal(arraySpec([0, 1, 2, 3]), "0-3");
  assert.equal(arraySpec([5, 0, 1, 3, 9, 10]), "0-1,3,5,9-10");
  assert.equal(arraySpec([1], 1), "1%1");
  assert.equal(arraySpec([0, 1, 2], 2), "0-2%2");
  assert.throws(() => arraySpec([]), RangeError);
  assert.equal(taskCount(9, 1), 9);
  assert.equal(taskCount(9, 4), 3);
});

Deno.test("shellQuote: safe words as they are, others single-quoted", () => {
  assert.equal(shellQuote("--root=/a/b"), "--root=/a/b");
  assert.equal(shellQuote("a b"), "'a b'");
  assert.equal(shellQuote("it's"), `'it'\\''s'`);
  assert.equal(shellQuote("$HOME"), "'$HOME'");
});

Deno.test("sbatchPath: plain paths as they are, others double-quoted, quotes refused", () => {
  assert.equal(sbatchPath("/a/b/%x-%A_%a.out"), "/a/b/%x-%A_%a.out");
  assert.equal(sbatchPath("/my results/x"), '"/my results/x"');
  assert.throws(() => sbatchPath('/a"b'), /Slurm cannot take the path "\/a\\"b"/);
});

Deno.test("parseTemplate: #SBATCH lines and setup apart; own or doubled options refused", () => {
  const t = parseTemplate(
    "#!/bin/bash\n#SBATCH --qos=long\n#SBATCH -p gpu\n\nmodule load cuda\nexport X=1\n",
    "t.sh",
  );
  assert.deepEqual(t.directives, ["#SBATCH --qos=long", "#SBATCH -p gpu"]);
  assert.deepEqual(t.setup, ["module load cuda", "export X=1"]);
  assert.throws(
    () => parseTemplate("#SBATCH --array=0-3\n", "t.sh"),
    /^UsageError: t\.sh: geomad sets --array itself/,
  );
  assert.throws(
    () => parseTemplate("#SBATCH -o x.log\n", "t.sh"),
    /geomad sets --output itself/,
  );
  assert.throws(
    () => parseTemplate("#SBATCH -p gpu\n", "t.sh", { partition: "cpu" }),
    /t\.sh sets --partition and so does the flag --partition: keep one/,
  );
});

function scriptOptions(extra: Partial<BatchScriptOptions> = {}): BatchScriptOptions {
  return {
    command: "ablation",
    title: "fashion-mnist, preset hour",
    runs: 135,
    count: 34,
    tasks: [0, 1, 2, 7],
    runsPerTask: 4,
    maxParallel: 8,
    jobs: 2,
    directives: { partition: "gpu", gres: "gpu:1", cpusPerTask: 2, time: "2:00:00" },
    deno: "/opt/deno/bin/deno",
    repo: "/home/me/geomad",
    script: "/home/me/geomad/experiments/ablation.ts",
    permissions: ["--allow-read", "--allow-write=/home/me/geomad/results"],
    gridArgs: ["--dataset", "fashion-mnist", "--root", "/home/me/my results"],
    logDir: "/home/me/geomad/results/ablation/fashion-mnist/slurm/logs",
    jobName: "geomad-ablation",
    ...extra,
  };
}

Deno.test("batchScripts: array runs --shard i/K through the CLI; every directive commented", () => {
  const { array, summary } = batchScripts(scriptOptions({
    template: { directives: ["#SBATCH --qos=long", "#SBATCH --gpus=1"], setup: ["module load x"] },
  }));
  assert.match(array, /^#!\/bin\/bash\n/);
  assert.match(array, /^#SBATCH --array=0-2,7%8$/m);
  assert.match(array, /^#SBATCH --requeue$/m);
  assert.match(array, /^#SBATCH --open-mode=append$/m);
  assert.match(array, /^#SBATCH --chdir=\/home\/me\/geomad$/m);
  assert.match(array, /^#SBATCH --output=.*\/slurm\/logs\/%x-%A_%a\.out$/m);
  assert.match(array, /^#SBATCH --gres=gpu:1$/m);
  assert.match(array, /^#SBATCH --cpus-per-task=2$/m);
  assert.match(array, /^#SBATCH --qos=long$/m);
  assert.match(array, /^module load x$/m);
  assert.match(array, /^DENO="\$\{GEOMAD_DENO:-\/opt\/deno\/bin\/deno\}"$/m);
  assert.match(array, /--root '\/home\/me\/my results' \\\n/);
  assert.match(
    array,
    /--shard "\$SLURM_ARRAY_TASK_ID\/34" \\\n {2}--jobs 2 \\\n {2}--no-summary\n$/,
  );
  for (const text of [array, summary]) {
    const lines = text.split("\n");
    lines.forEach((line, i) => {
      // Each line geomad writes is a comment or follows one (templates are labelled once).
      if (/^#SBATCH/.test(line) && !/--qos|--gpus/.test(line)) {
        assert.match(lines[i - 1]!, /^# /, `uncommented: ${line}`);
      }
    });
  }
  assert.doesNotMatch(summary, /--array|--gres|--gpus|--cpus-per-task|--requeue/);
  assert.match(summary, /^#SBATCH --partition=gpu$/m);
  assert.match(summary, /^#SBATCH --time=2:00:00$/m);
  assert.match(summary, /^#SBATCH --qos=long$/m);
  assert.match(summary, /--summary-only\n$/);
});

Deno.test("parseSqueue / parseSacct: array tasks and their states", () => {
  assert.deepEqual(parseSqueue("12|0|RUNNING\n12|3|PENDING\n13|N/A|PENDING\ngarbage\n"), [
    { jobId: "12", task: 0, state: "RUNNING" },
    { jobId: "12", task: 3, state: "PENDING" },
    { jobId: "13", state: "PENDING" },
  ]);
  assert.deepEqual(
    parseSacct("12_0|COMPLETED\n12_1|CANCELLED by 0\n12_[2-3]|PENDING\n13|PENDING"),
    [
      { jobId: "12", task: 0, state: "COMPLETED" },
      { jobId: "12", task: 1, state: "CANCELLED" },
    ],
  );
});

Deno.test("classifyRuns and tasksToSubmit: results first, then queue, then sacct", () => {
  const outs = ["/r/a", "/r/b", "/r/c", "/r/d", "/r/e", "/r/f"];
  const sub: Submission = {
    arrayJob: "12",
    summaryJob: "13",
    submittedAt: "",
    tasks: [0, 1, 2],
    count: 3,
    outs,
  };
  const statuses = classifyRuns(
    outs,
    [
      { kind: "ok" },
      { kind: "none" },
      { kind: "none" },
      { kind: "failed", error: "loss is NaN" },
      { kind: "none", reason: "result damaged: bad JSON" },
      { kind: "ok" },
    ],
    [sub],
    [{ jobId: "12", task: 1, state: "RUNNING" }],
    [{ jobId: "12", task: 2, state: "TIMEOUT" }, { jobId: "12", task: 0, state: "COMPLETED" }],
  );
  assert.deepEqual(statuses.map((s) => s.state), [
    "done",
    "running",
    "failed",
    "failed",
    "running",
    "done",
  ]);
  assert.equal(statuses[2]!.detail, "array task 12_2 ended TIMEOUT");
  assert.equal(statuses[3]!.detail, "loss is NaN");
  // Task 0 holds a (failed result), task 1 is running, task 2 holds c (timed out) and f (done).
  assert.deepEqual(tasksToSubmit(statuses, 3, false), [2]);
  assert.deepEqual(tasksToSubmit(statuses, 3, true), [0, 2]);
  // Without any submission: nothing queued, a missing run is missing.
  const fresh = classifyRuns(["/r/a"], [{ kind: "none" }], [], [], []);
  assert.deepEqual(fresh, [{ out: "/r/a", state: "missing" }]);
  assert.deepEqual(tasksToSubmit(fresh, 1, false), [0]);
});
