/**
 * A pool of child processes: at most `jobs` at once (one tfjs wasm process uses one core),
 * each child's stderr tail kept for error messages, every child stopped on Ctrl-C / SIGTERM.
 * Children started by the pool die with it, even on `kill -9` (Linux: the child calls
 * {@linkcode dieWithParent}), and the pool stops (its children with it) when the process that
 * started it exits, e.g. a killed `deno task ablation` wrapper: an interrupted sweep leaves no
 * stray process behind. (To detach a sweep from a terminal, detach its starter:
 * `nohup deno task ablation ... &`.)
 * @module
 */
import { readEnv } from "../data/paths.ts";
import { RunError } from "../util/errors.ts";

/** This process's parent when it started; an orphan is re-parented, so `Deno.ppid` changes. */
const START_PPID = Deno.ppid;

/** True when the process that started this one has exited. */
export function parentGone(): boolean {
  return Deno.ppid !== START_PPID;
}

/** Environment variable holding the pool's pid, set for every child. */
export const POOL_PARENT_ENV = "GEOMAD_POOL_PARENT";

/** One child process to run: `command args...`. */
export interface PoolTask {
  /** Identifies the task in callbacks and outcomes. */
  id: string;
  args: string[];
}

/** How a child ended. */
export interface PoolExit {
  task: PoolTask;
  /** Exit code (128 + n when killed by signal n). */
  code: number;
  signal: Deno.Signal | null;
  seconds: number;
  /** Last lines of the child's stderr (at most `tailLines`). */
  stderrTail: string[];
}

/** Options for {@linkcode runPool}. */
export interface RunPoolOptions {
  /** Children at once (>= 1). */
  jobs: number;
  /** Executable (default {@linkcode denoExecutable}). */
  command?: string;
  /** Called when a child starts. */
  onStart?: (task: PoolTask) => void;
  /** Called when a child ends (awaited before the next child of this slot starts). */
  onExit?: (exit: PoolExit) => void | Promise<void>;
  /** Lines of stderr kept per child (default 20). */
  tailLines?: number;
  /** Called with each line a child writes to stderr (carriage returns removed, no blank lines). */
  onStderrLine?: (task: PoolTask, line: string) => void;
  /** Stops the pool: running children get SIGTERM and `runPool` rejects. */
  signal?: AbortSignal;
  /** Stop the pool on SIGINT / SIGTERM of this process (default true). */
  handleSignals?: boolean;
  /** Stop the pool when the process that started this one exits (default true). */
  stopWithParent?: boolean;
  /** How often the parent is checked, ms (default 200). */
  parentPollMs?: number;
}

/**
 * The Deno executable to start children with: `Deno.execPath()` when run permission covers
 * it, else `deno` (found on PATH; `--allow-run=deno` grants that name, not the resolved path).
 */
export function denoExecutable(): string {
  const exec = Deno.execPath();
  const state = Deno.permissions.querySync({ name: "run", command: exec }).state;
  return state === "granted" ? exec : "deno";
}

/**
 * Keeps the last `max` lines of a byte stream (each cut to 500 characters), passing each line to
 * `onLine` as it comes.
 */
async function tailOf(
  stream: ReadableStream<Uint8Array>,
  max: number,
  onLine?: (line: string) => void,
): Promise<string[]> {
  const lines: string[] = [];
  let partial = "";
  const push = (line: string) => {
    const clean = line.replace(/\r/g, "").trimEnd();
    if (!clean) return;
    onLine?.(clean);
    lines.push(clean.length > 500 ? clean.slice(0, 500) + "..." : clean);
    if (lines.length > max) lines.shift();
  };
  for await (const text of stream.pipeThrough(new TextDecoderStream())) {
    const parts = (partial + text).split("\n");
    partial = parts.pop()!;
    if (partial.length > 4000) partial = partial.slice(-4000);
    parts.forEach(push);
  }
  push(partial);
  return lines;
}

/**
 * OpenMP threads per child when `jobs` children share the machine's cores (at least 1), and at
 * most `limit` (null: none), by default the caller's own `OMP_NUM_THREADS` when it sets one (a
 * whole number >= 1): `OMP_NUM_THREADS=1 deno task compare ...` gives each child one thread.
 */
export function ompThreadsFor(
  jobs: number,
  cores = navigator.hardwareConcurrency,
  limit: number | null = envThreadLimit(readEnv("OMP_NUM_THREADS")) ?? null,
): number {
  const share = Math.max(1, Math.floor(cores / Math.max(1, jobs)));
  return limit === null ? share : Math.min(share, limit);
}

/** `OMP_NUM_THREADS` as a whole number >= 1, or undefined (unset, malformed or not readable). */
export function envThreadLimit(value: string | undefined): number | undefined {
  const text = value?.trim();
  if (!text || !/^\d+$/.test(text)) return undefined;
  const n = Number(text);
  return n >= 1 ? n : undefined;
}

/**
 * Runs every task as a child process, at most `jobs` at once, in order. Resolves to the exits
 * in completion order. A child that fails is an exit like any other (the caller decides); the
 * pool itself rejects only when stopped (signal, Ctrl-C), after stopping its children.
 */
export async function runPool(tasks: PoolTask[], options: RunPoolOptions): Promise<PoolExit[]> {
  if (!Number.isInteger(options.jobs) || options.jobs < 1) {
    throw new RangeError(`Cannot run pool: jobs must be an integer >= 1, got ${options.jobs}`);
  }
  const command = options.command ?? denoExecutable();
  const tailLines = options.tailLines ?? 20;
  const running = new Set<Deno.ChildProcess>();
  const exits: PoolExit[] = [];
  let stopped: string | undefined;
  const stop = (why: string) => {
    if (stopped) return;
    stopped = why;
    for (const child of running) {
      try {
        child.kill("SIGTERM");
      } catch {
        // already gone
      }
    }
  };
  const release = watchForStop(options, stop);
  // Children share the cores: native (oneDNN/OpenMP) children get cores / jobs threads each
  // (fewer if the caller's OMP_NUM_THREADS says so), since OpenMP threads spin-waiting on an
  // oversubscribed machine slow everything down.
  const ompThreads = ompThreadsFor(options.jobs);
  let next = 0;
  const worker = async () => {
    while (!stopped && next < tasks.length) {
      const task = tasks[next++]!;
      const exit = await runChild(command, task, { ompThreads, tailLines, running, options });
      exits.push(exit);
      if (!stopped) await options.onExit?.(exit);
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(options.jobs, tasks.length) }, worker));
  } finally {
    release();
  }
  if (stopped) {
    throw new RunError(
      `Cannot finish the runs: ${stopped} (${exits.length} of ${tasks.length} ended; ` +
        `finished results are kept, run again to resume)`,
    );
  }
  return exits;
}

/**
 * Calls `stop` on what stops a pool: `options.signal` aborting, SIGINT or SIGTERM (unless
 * `handleSignals` is false), the parent process exiting (unless `stopWithParent` is false).
 * Returns the function that removes these watches.
 */
function watchForStop(options: RunPoolOptions, stop: (why: string) => void): () => void {
  const onAbort = () => stop("aborted");
  options.signal?.addEventListener("abort", onAbort);
  if (options.signal?.aborted) stop("aborted");
  const signals: Array<[Deno.Signal, () => void]> = [];
  if (options.handleSignals !== false && Deno.build.os !== "windows") {
    for (const sig of ["SIGINT", "SIGTERM"] as const) {
      const handler = () => stop(`interrupted by ${sig}`);
      Deno.addSignalListener(sig, handler);
      signals.push([sig, handler]);
    }
  }
  let parentWatch: ReturnType<typeof setInterval> | undefined;
  if (options.stopWithParent !== false) {
    const check = () => {
      if (parentGone()) stop("the process that started it exited");
    };
    check();
    parentWatch = setInterval(check, options.parentPollMs ?? 200);
  }
  return () => {
    if (parentWatch !== undefined) clearInterval(parentWatch);
    options.signal?.removeEventListener("abort", onAbort);
    for (const [sig, handler] of signals) Deno.removeSignalListener(sig, handler);
  };
}

/** Runs one task's child (in `running` while it lives) to its exit, keeping its stderr's tail. */
async function runChild(
  command: string,
  task: PoolTask,
  c: {
    ompThreads: number;
    tailLines: number;
    running: Set<Deno.ChildProcess>;
    options: RunPoolOptions;
  },
): Promise<PoolExit> {
  const t0 = performance.now();
  const child = new Deno.Command(command, {
    args: task.args,
    stdin: "null",
    stdout: "null",
    stderr: "piped",
    env: { [POOL_PARENT_ENV]: String(Deno.pid), OMP_NUM_THREADS: String(c.ompThreads) },
  }).spawn();
  c.running.add(child);
  c.options.onStart?.(task);
  const [status, stderrTail] = await Promise.all([
    child.status,
    tailOf(
      child.stderr,
      c.tailLines,
      c.options.onStderrLine && ((line) => c.options.onStderrLine!(task, line)),
    ),
  ]);
  c.running.delete(child);
  return {
    task,
    code: status.code,
    signal: status.signal,
    seconds: (performance.now() - t0) / 1000,
    stderrTail,
  };
}

/**
 * For a child of {@linkcode runPool}: asks the kernel to SIGTERM this process when the pool
 * dies (Linux `prctl(PR_SET_PDEATHSIG)` through FFI), so a `kill -9` of the pool leaves no
 * orphan computing a run nobody waits for. Exits at once when the pool is already gone.
 * Returns false (and does nothing) outside a pool, off Linux, or without `--allow-ffi`/env.
 */
export function dieWithParent(): boolean {
  let parent: number;
  try {
    const value = Deno.env.get(POOL_PARENT_ENV);
    if (!value || Deno.build.os !== "linux") return false;
    parent = Number(value);
    const libc = Deno.dlopen("libc.so.6", {
      prctl: { parameters: ["i32", "usize", "usize", "usize", "usize"], result: "i32" },
    });
    const PR_SET_PDEATHSIG = 1, SIGTERM = 15n;
    if (libc.symbols.prctl(PR_SET_PDEATHSIG, SIGTERM, 0n, 0n, 0n) !== 0) return false;
  } catch {
    return false; // no permission or no libc: the child just runs to the end
  }
  if (Deno.ppid !== parent) {
    console.error("run: the pool that started this run is gone; stopping");
    Deno.exit(1);
  }
  return true;
}
