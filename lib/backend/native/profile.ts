/**
 * An opt-in per-kernel profiler for the `native` backend: calls, wall-clock milliseconds and
 * process CPU milliseconds (all threads, so oneDNN's OpenMP workers count) per tfjs kernel.
 * CPU time is the useful figure on a shared machine, where wall time includes waiting for a core.
 *
 * With {@linkcode profileNativeThreads} on (libc through FFI), it also reads the main thread's
 * CPU time and the process's around every primitive: `critMs`, the CPU time of its busiest
 * thread (the main one, or the others' time split evenly among them: exact with two threads), is
 * what the primitive would take on idle cores; a primitive that one thread runs alone shows
 * `critMs` equal to `cpuMs`. Summed with the main thread's CPU time
 * outside the primitives, it estimates a multi-thread step's wall time on an idle machine from a
 * run on a busy one (with `OMP_WAIT_POLICY=PASSIVE`, so that a waiting thread sleeps instead of
 * spinning and its CPU time is its work).
 * @module
 */
import process from "node:process";
import { libraryCandidates } from "./ffi.ts";

/** Totals for one kernel name. */
export interface KernelProfileEntry {
  calls: number;
  wallMs: number;
  cpuMs: number;
  /**
   * With thread times on: the main thread's CPU ms plus, for each primitive inside, how much
   * longer its busiest other thread ran than the main thread did (else 0).
   */
  critMs: number;
  /** With thread times on: the main thread's CPU ms (else 0). */
  mainMs: number;
}

/**
 * Totals for one primitive: also how many of its calls had an argument of 64 KiB or more whose
 * data did not start on a 64-byte boundary (AMX kernels run up to 2.5x slower on those).
 */
export interface PrimitiveProfileEntry extends KernelProfileEntry {
  misalignedCalls: number;
  /** OpenMP threads it ran on. */
  threads: number;
}

let enabled = false;
const totals = new Map<string, KernelProfileEntry>();
let primitivesOn = false;
const primitiveTotals = new Map<string, PrimitiveProfileEntry>();
let threadsOn = false;
/** Sum over primitives of max(0, the busiest other thread's CPU - the main thread's), in ms. */
let waitedMs = 0;

const CLOCK_PROCESS_CPUTIME_ID = 2;
const CLOCK_THREAD_CPUTIME_ID = 3;
let clockLib:
  | Deno.DynamicLibrary<{
    clock_gettime: { parameters: ["i32", "buffer"]; result: "i32" };
  }>
  | null
  | undefined;
const timespec = new BigInt64Array(2);

/** CPU nanoseconds of `clock` through libc's clock_gettime (needs FFI), or NaN. */
function clockNs(clock: number): number {
  if (clockLib === undefined) {
    clockLib = null;
    for (const path of libraryCandidates("libc.so.6")) {
      try {
        clockLib = Deno.dlopen(path, {
          clock_gettime: { parameters: ["i32", "buffer"], result: "i32" },
        });
        break;
      } catch {
        // next candidate
      }
    }
  }
  if (!clockLib || clockLib.symbols.clock_gettime(clock, timespec) !== 0) return NaN;
  return Number(timespec[0]!) * 1e9 + Number(timespec[1]!);
}

/** CPU nanoseconds the calling thread has run (libc `CLOCK_THREAD_CPUTIME_ID`), or NaN. */
export function threadCpuNs(): number {
  return clockNs(CLOCK_THREAD_CPUTIME_ID);
}

/** CPU nanoseconds all of this process's threads have run, or NaN. */
export function processCpuNs(): number {
  return clockNs(CLOCK_PROCESS_CPUTIME_ID);
}

/**
 * Turns per-thread CPU times on or off (needs FFI and libc): every primitive then records
 * `critMs` (see the module text).
 */
export function profileNativeThreads(on: boolean): void {
  threadsOn = on;
}

/**
 * The sum, since the last reset, of how much longer each primitive's busiest other thread ran
 * than the main thread did in it (ms): add it to the main thread's CPU time over a stretch of
 * work to estimate that work's wall time on idle cores.
 */
export function nativeThreadWaitMs(reset = false): number {
  const w = waitedMs;
  if (reset) waitedMs = 0;
  return w;
}

/** Turns kernel profiling on or off (off by default; when off it costs one branch per call). */
export function profileNativeKernels(on: boolean): void {
  enabled = on;
}

/** Totals since the last reset, largest CPU time first. */
export function nativeKernelProfile(reset = false): Array<[string, KernelProfileEntry]> {
  const out = [...totals].map(([k, v]) => [k, { ...v }] as [string, KernelProfileEntry])
    .sort((a, b) => b[1].cpuMs - a[1].cpuMs);
  if (reset) totals.clear();
  return out;
}

/** Runs `f` as kernel `name`, recording it when profiling is on. */
export function profiled<T>(name: string, f: () => T): T {
  if (!enabled) return f();
  const c0 = process.cpuUsage();
  const m0 = threadsOn ? threadCpuNs() : 0;
  const w0 = waitedMs;
  const t0 = performance.now();
  try {
    return f();
  } finally {
    const c = process.cpuUsage(c0);
    let e = totals.get(name);
    if (!e) totals.set(name, e = { calls: 0, wallMs: 0, cpuMs: 0, critMs: 0, mainMs: 0 });
    e.calls++;
    e.wallMs += performance.now() - t0;
    e.cpuMs += (c.user + c.system) / 1000;
    if (threadsOn) {
      const main = (threadCpuNs() - m0) / 1e6;
      e.mainMs += main;
      e.critMs += main + (waitedMs - w0);
    }
  }
}

/**
 * Turns per-primitive profiling on or off: every oneDNN primitive execution (convolution,
 * reorder, batch normalisation, ...) recorded under its kind, implementation and argument sizes
 * (and how many calls had a large argument off a 64-byte boundary), so a kernel's time splits into its
 * primitives (e.g. a bf16 convolution and the conversions around it). Off by default.
 */
export function profileNativePrimitives(on: boolean): void {
  primitivesOn = on;
}

/** Whether per-primitive profiling is on (checked by `Primitive.exec`). */
export function primitiveProfiling(): boolean {
  return primitivesOn;
}

/** Primitive totals since the last reset, largest CPU time first. */
export function nativePrimitiveProfile(reset = false): Array<[string, PrimitiveProfileEntry]> {
  const out = [...primitiveTotals].map(([k, v]) => [k, { ...v }] as [string, PrimitiveProfileEntry])
    .sort((a, b) => b[1].cpuMs - a[1].cpuMs);
  if (reset) primitiveTotals.clear();
  return out;
}

/**
 * Runs `f` as primitive `name`, recording it (callers check `primitiveProfiling()` first);
 * `misaligned`: one of its large arguments does not start on a 64-byte boundary.
 */
export function profiledPrimitive(
  name: string,
  f: () => void,
  misaligned = false,
  threads = 1,
): void {
  const m0 = threadsOn ? threadCpuNs() : 0;
  const p0 = threadsOn ? processCpuNs() : 0;
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  try {
    f();
  } finally {
    const c = process.cpuUsage(c0);
    const wall = performance.now() - t0;
    let e = primitiveTotals.get(name);
    if (!e) {
      primitiveTotals.set(
        name,
        e = { calls: 0, wallMs: 0, cpuMs: 0, critMs: 0, mainMs: 0, misalignedCalls: 0, threads },
      );
    }
    e.calls++;
    e.wallMs += wall;
    e.cpuMs += (c.user + c.system) / 1000;
    if (misaligned) e.misalignedCalls++;
    if (threadsOn) {
      const all = (processCpuNs() - p0) / 1e6;
      const main = (threadCpuNs() - m0) / 1e6;
      // the other threads' CPU time, split evenly among them (exact with two threads)
      const other = threads > 1 ? (all - main) / (threads - 1) : 0;
      const busiest = Math.max(main, other);
      e.mainMs += main;
      e.critMs += busiest;
      waitedMs += busiest - main;
    }
  }
}
