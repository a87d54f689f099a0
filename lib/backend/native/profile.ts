/**
 * An opt-in per-kernel profiler for the `native` backend: calls, wall-clock milliseconds and
 * process CPU milliseconds (all threads, so oneDNN's OpenMP workers count) per tfjs kernel.
 * CPU time is the useful figure on a shared machine, where wall time includes waiting for a core.
 * @module
 */
import process from "node:process";

/** Totals for one kernel name. */
export interface KernelProfileEntry {
  calls: number;
  wallMs: number;
  cpuMs: number;
}

/**
 * Totals for one primitive: also how many of its calls had an argument of 64 KiB or more whose
 * data did not start on a 64-byte boundary (AMX kernels run up to 2.5x slower on those).
 */
export interface PrimitiveProfileEntry extends KernelProfileEntry {
  misalignedCalls: number;
}

let enabled = false;
const totals = new Map<string, KernelProfileEntry>();
let primitivesOn = false;
const primitiveTotals = new Map<string, PrimitiveProfileEntry>();

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
  const t0 = performance.now();
  try {
    return f();
  } finally {
    const c = process.cpuUsage(c0);
    let e = totals.get(name);
    if (!e) totals.set(name, e = { calls: 0, wallMs: 0, cpuMs: 0 });
    e.calls++;
    e.wallMs += performance.now() - t0;
    e.cpuMs += (c.user + c.system) / 1000;
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
export function profiledPrimitive(name: string, f: () => void, misaligned = false): void {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  try {
    f();
  } finally {
    const c = process.cpuUsage(c0);
    let e = primitiveTotals.get(name);
    if (!e) primitiveTotals.set(name, e = { calls: 0, wallMs: 0, cpuMs: 0, misalignedCalls: 0 });
    e.calls++;
    e.wallMs += performance.now() - t0;
    e.cpuMs += (c.user + c.system) / 1000;
    if (misaligned) e.misalignedCalls++;
  }
}
