/**
 * `--help` and `-h` on every task of deno.json that runs a geomad program (issue 15, item 7):
 * exit 0, the usage line, and every flag with its meaning, type, default and an example of
 * that flag. (`bench:transforms` and `bench:scores` are `deno bench` runs with no flags of
 * their own: `--help` prints deno bench's; `check`, `test`, `notebooks` and `parity:ocsvm`
 * are not single geomad programs.)
 */
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";

const REPO = fileURLToPath(new URL("..", import.meta.url));
const TASKS: Record<string, string> = JSON.parse(
  Deno.readTextFileSync(`${REPO}/deno.json`),
).tasks;

/** Tasks that `deno run` a geomad program. */
const PROGRAMS = Object.entries(TASKS)
  .filter(([, cmd]) => /^deno run .*\.ts( |$)/.test(cmd))
  .map(([name]) => name);

async function task(name: string, flag: string) {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["task", "--quiet", name, flag],
    cwd: REPO,
    env: { NO_COLOR: "1" },
  }).output();
  const dec = new TextDecoder();
  return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}

Deno.test("every geomad task prints its full help with --help and -h", async () => {
  assert.deepEqual(PROGRAMS.sort(), [
    "ablation",
    "bench",
    "bench:ci",
    "bench:conv",
    "bench:data",
    "bench:ocsvm",
    "bench:onednn",
    "bench:step",
    "bench:wasm",
    "compare",
    "data",
    "data:sample",
    "demo",
    "fidelity",
    "geom",
    "paired",
    "report",
    "reproduction",
    "run",
  ]);
  // Four processes at a time (each loads its program's modules).
  const jobs = PROGRAMS.flatMap((name) => ["--help", "-h"].map((flag) => ({ name, flag })));
  const results: Array<
    { name: string; flag: string; code: number; stdout: string; stderr: string }
  > = [];
  let next = 0;
  await Promise.all(Array.from({ length: 4 }, async () => {
    while (next < jobs.length) {
      const job = jobs[next++]!;
      results.push({ ...job, ...(await task(job.name, job.flag)) });
    }
  }));
  for (const r of results) {
    const what = `deno task ${r.name} ${r.flag}`;
    assert.equal(r.code, 0, `${what}: ${r.stderr}`);
    const lines = r.stdout.split("\n");
    assert.match(lines[0]!, /^usage: deno task [a-z:]+ /, what);
    const flags = lines.flatMap((l, i) => {
      const m = /^ {2}(?:-\w, )?--([a-z][a-z-]*)\b/.exec(l);
      return m ? [{ name: m[1]!, meaning: lines[i + 1] ?? "", details: lines[i + 2] ?? "" }] : [];
    });
    assert.ok(flags.some((f) => f.name === "help"), `${what}: no --help line`);
    for (const f of flags) {
      assert.match(f.meaning, /^ {6}\S/, `${what} --${f.name}: no meaning`);
      assert.match(
        f.details,
        new RegExp(`^ {6}type: [^;]+; default: [^;]+; e\\.g\\. (.* )?--${f.name}\\b`),
        `${what} --${f.name}: type, default or example missing`,
      );
    }
  }
  const byTask = (name: string) => results.find((r) => r.name === name && r.flag === "-h")!;
  for (const flag of ["--seed", "--out", "--force", "--data-dir", "--backend"]) {
    assert.match(byTask("run").stdout, new RegExp(`^ {2}${flag}\\b`, "m"), `run: ${flag}`);
  }
  assert.ok(byTask("ablation").stdout.includes("  --root DIR"));
  assert.ok(byTask("data:sample").stdout.includes("  --seed N"));
});
