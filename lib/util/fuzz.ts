/**
 * A small seeded fuzzer for the readers' tests: mutations of valid inputs (byte flips,
 * truncations, extensions, overwritten header words, spliced chunks), checked to end either
 * in a value or in one of the expected error types, never in any other error or a hang.
 * `GEOMAD_FUZZ_CASES` sets the cases per reader (default 300, so the suite stays fast).
 * @module
 */
import { Rng } from "./rng.ts";

/** Cases per reader: `GEOMAD_FUZZ_CASES` or `fallback`. */
export function fuzzCases(fallback = 300): number {
  try {
    const n = Number(Deno.env.get("GEOMAD_FUZZ_CASES"));
    return Number.isSafeInteger(n) && n > 0 ? n : fallback;
  } catch {
    return fallback;
  }
}

/** One mutation of `input` (which is not modified). */
export function mutate(input: Uint8Array, rng: Rng): Uint8Array {
  const out = input.slice();
  const kind = rng.int(7);
  const at = () => rng.int(Math.max(1, out.length));
  if (kind === 0) { // flip a few bytes
    for (let i = rng.int(8) + 1; i > 0 && out.length; i--) out[at()] = rng.int(256);
    return out;
  }
  if (kind === 1) return out.subarray(0, at()); // truncate
  if (kind === 2) { // extend with random bytes
    const extra = new Uint8Array(rng.int(4096) + 1).map(() => rng.int(256));
    const r = new Uint8Array(out.length + extra.length);
    r.set(out);
    r.set(extra, out.length);
    return r;
  }
  if (kind === 3) { // overwrite a 32-bit big-endian word in the first 64 bytes
    const pos = rng.int(Math.max(1, Math.min(64, out.length - 3)));
    const words = [
      0,
      1,
      0xffffffff,
      0x7fffffff,
      0x80000000,
      rng.int(1 << 16),
      rng.next() * 2 ** 32,
    ];
    const v = words[rng.int(words.length)]! >>> 0;
    for (let i = 0; i < 4 && pos + i < out.length; i++) out[pos + i] = (v >>> (24 - 8 * i)) & 255;
    return out;
  }
  if (kind === 4) { // splice a chunk of itself elsewhere
    const a = at(), b = Math.min(out.length, a + rng.int(1024) + 1), to = at();
    const chunk = out.slice(a, b);
    out.set(chunk.subarray(0, Math.max(0, out.length - to)), to);
    return out;
  }
  if (kind === 5) { // zero a run of bytes
    const a = at();
    out.fill(0, a, Math.min(out.length, a + rng.int(600) + 1));
    return out;
  }
  return new Uint8Array(rng.int(2048)).map(() => rng.int(256)); // random bytes
}

/** What a fuzz run found. */
export interface FuzzReport {
  cases: number;
  /** Ended in a value. */
  accepted: number;
  /** Ended in an expected (typed) error. */
  rejected: number;
  /** Cases that ended in any other error. */
  untypedCount: number;
  /** The first 10 of them: "<case>: <name>: <message>". */
  untyped: string[];
  /** The slowest case, ms. */
  slowestMs: number;
}

/**
 * Runs `read` on `cases` seeded mutations of the inputs (each mutation applied 1-3 times in a
 * row). Errors for which `typed` returns true count as rejections; any other is recorded.
 */
export function fuzz(
  inputs: readonly Uint8Array[],
  read: (bytes: Uint8Array) => unknown,
  typed: (err: unknown) => boolean,
  options: { cases: number; seed: number },
): FuzzReport {
  const rng = new Rng(options.seed);
  const report: FuzzReport = {
    cases: options.cases,
    accepted: 0,
    rejected: 0,
    untypedCount: 0,
    untyped: [],
    slowestMs: 0,
  };
  for (let c = 0; c < options.cases; c++) {
    let bytes = inputs[rng.int(inputs.length)]!;
    for (let m = rng.int(3) + 1; m > 0; m--) bytes = mutate(bytes, rng);
    const t0 = performance.now();
    try {
      read(bytes);
      report.accepted++;
    } catch (err) {
      if (typed(err)) report.rejected++;
      else {
        report.untypedCount++;
        const e = err as Error | undefined;
        if (report.untyped.length < 10) report.untyped.push(`${c}: ${e?.name}: ${e?.message}`);
      }
    }
    report.slowestMs = Math.max(report.slowestMs, performance.now() - t0);
  }
  return report;
}
