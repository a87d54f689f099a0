/**
 * Killing the `deno task ablation` wrapper (kill -9 of the `deno task` process, not only of
 * the pool) leaves no geomad process behind within 5 s (issue 15, item 6): the pool stops when
 * its starter exits, and its children die with the pool.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const REPO = fileURLToPath(new URL("..", import.meta.url));

/**
 * Pids of the processes whose command line contains `marker`, from `ps` (Deno reads /proc only
 * with --allow-all, and the test suite runs with narrower permissions).
 */
function processesWith(marker: string): number[] {
  const out = new Deno.Command("ps", { args: ["-eo", "pid=,args="], stdout: "piped" }).outputSync();
  const pids: number[] = [];
  for (const line of new TextDecoder().decode(out.stdout).split("\n")) {
    const m = /^\s*(\d+)\s+(.*)$/.exec(line);
    if (!m || Number(m[1]) === Deno.pid || !m[2]!.includes(marker) || m[2]!.startsWith("ps ")) {
      continue;
    }
    pids.push(Number(m[1]));
  }
  return pids;
}

async function waitFor(ms: number, done: () => boolean): Promise<boolean> {
  for (const t0 = Date.now(); Date.now() - t0 < ms;) {
    if (done()) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return done();
}

Deno.test({
  name: "ablation: kill -9 of the deno task wrapper leaves no geomad process within 5 s",
  ignore: Deno.build.os !== "linux",
  async fn() {
    const root = `results/.kill-test-${Deno.pid}-${Date.now()}`;
    const task = new Deno.Command(Deno.execPath(), {
      args: [
        "task",
        "ablation",
        ...["--dataset", "fashion-mnist-sample", "--preset", "smoke", "--classes", "0"],
        ...["--transforms", "rot4,blur,gamma", "--jobs", "1", "--no-png", "--root", root],
      ],
      cwd: REPO,
      stdout: "null",
      stderr: "null",
    }).spawn();
    try {
      // Wait until the pool has started a run (its --out names the root).
      const started = await waitFor(
        60_000,
        () => processesWith(`${root}/fashion-mnist-sample/runs/`).length > 0,
      );
      assert.ok(started, "no run started within 60 s");
      assert.ok(processesWith(root).length >= 2, "expected the pool and a run");
      task.kill("SIGKILL");
      await task.status;
      const gone = await waitFor(5_000, () => processesWith(root).length === 0);
      assert.ok(gone, `still running 5 s after kill -9: ${processesWith(root).join(", ")}`);
    } finally {
      try {
        task.kill("SIGKILL");
      } catch {
        // already gone
      }
      for (const pid of processesWith(root)) Deno.kill(pid, "SIGKILL");
      await Deno.remove(join(REPO, root), { recursive: true }).catch(() => {});
    }
  },
});
