import assert from "node:assert/strict";
import { RunError } from "../util/errors.ts";
import {
  denoExecutable,
  dieWithParent,
  envThreadLimit,
  ompThreadsFor,
  POOL_PARENT_ENV,
  runPool,
} from "./process_pool.ts";

function evalTask(id: string, code: string) {
  return { id, args: ["eval", code] };
}

Deno.test("runPool() runs at most `jobs` children at once and reports codes and stderr", async () => {
  let running = 0, peak = 0;
  const tasks = [0, 1, 2, 3].map((i) =>
    evalTask(
      String(i),
      `await new Promise((r) => setTimeout(r, 300)); ` +
        `console.error("first ${i}\\nlast " + Deno.env.get("${POOL_PARENT_ENV}")); Deno.exit(${i});`,
    )
  );
  const exits = await runPool(tasks, {
    jobs: 2,
    handleSignals: false,
    onStart: () => {
      running++;
      peak = Math.max(peak, running);
    },
    onExit: () => {
      running--;
    },
  });
  assert.equal(peak, 2);
  assert.equal(exits.length, 4);
  for (const e of exits) {
    assert.equal(e.code, Number(e.task.id));
    assert.deepEqual(e.stderrTail, [`first ${e.task.id}`, `last ${Deno.pid}`]);
  }
});

Deno.test("runPool() keeps only the last lines of stderr", async () => {
  const [exit] = await runPool(
    [evalTask("x", `for (let i = 0; i < 50; i++) console.error("line " + i);`)],
    { jobs: 1, tailLines: 3, handleSignals: false },
  );
  assert.deepEqual(exit!.stderrTail, ["line 47", "line 48", "line 49"]);
});

Deno.test("runPool() stops children and rejects when aborted", async () => {
  const controller = new AbortController();
  const t0 = performance.now();
  let exits: unknown;
  await assert.rejects(
    runPool([
      evalTask("slow", "await new Promise((r) => setTimeout(r, 60000));"),
      evalTask("next", ""),
    ], {
      jobs: 1,
      signal: controller.signal,
      handleSignals: false,
      onStart: () => setTimeout(() => controller.abort(), 200),
      onExit: (e) => {
        exits = e;
      },
    }),
    (err: Error) => err instanceof RunError && /aborted \(1 of 2 ended/.test(err.message),
  );
  assert.ok(performance.now() - t0 < 20000);
  assert.equal(exits, undefined); // onExit is not called for a stopped pool
});

Deno.test("runPool() rejects a bad job count; dieWithParent() is a no-op outside a pool", async () => {
  await assert.rejects(runPool([], { jobs: 0 }), RangeError);
  assert.equal(dieWithParent(), false);
});

Deno.test("dieWithParent(): a child of a pool killed with SIGKILL stops too", async () => {
  if (Deno.build.os !== "linux") return;
  const dir = await Deno.makeTempDir();
  try {
    const beat = `${dir}/beat`;
    const pool = new URL("./process_pool.ts", import.meta.url).href;
    // The child beats a file every 50 ms until it dies; the pool process is killed under it.
    const child = `import { dieWithParent } from "${pool}"; dieWithParent(); ` +
      `setInterval(() => Deno.writeTextFileSync("${beat}", String(Date.now())), 50);`;
    const parent = `import { runPool } from "${pool}"; await runPool([{ id: "c", args: ` +
      `["eval", "--allow-env", "--allow-ffi", "--allow-write=${dir}", ${
        JSON.stringify(child)
      }] }],` +
      ` { jobs: 1 });`;
    const proc = new Deno.Command(denoExecutable(), {
      args: ["eval", "--allow-env", "--allow-read", "--allow-run=deno", parent],
      stdout: "null",
      stderr: "null",
    }).spawn();
    const waitFor = async (ok: () => Promise<boolean>) => {
      for (let i = 0; i < 300 && !(await ok()); i++) await new Promise((r) => setTimeout(r, 100));
    };
    await waitFor(() => Deno.stat(beat).then(() => true, () => false));
    proc.kill("SIGKILL");
    await proc.status;
    await new Promise((r) => setTimeout(r, 500));
    const last = await Deno.readTextFile(beat);
    await new Promise((r) => setTimeout(r, 500));
    assert.equal(await Deno.readTextFile(beat), last, "the child still beats after its pool died");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("ompThreadsFor() splits the cores between concurrent children", () => {
  assert.equal(ompThreadsFor(1, 2, null), 2);
  assert.equal(ompThreadsFor(2, 2, null), 1);
  assert.equal(ompThreadsFor(4, 2, null), 1);
  assert.equal(ompThreadsFor(2, 16, null), 8);
});

Deno.test("ompThreadsFor() keeps under the caller's OMP_NUM_THREADS; envThreadLimit() reads it", () => {
  assert.equal(ompThreadsFor(1, 2, 1), 1);
  assert.equal(ompThreadsFor(1, 16, 4), 4);
  assert.equal(ompThreadsFor(4, 16, 8), 4); // the share is smaller: the share
  assert.equal(envThreadLimit("1"), 1);
  assert.equal(envThreadLimit(" 3 "), 3);
  for (const bad of [undefined, "", "0", "-2", "1.5", "two", "4,2"]) {
    assert.equal(envThreadLimit(bad), undefined, String(bad));
  }
});
