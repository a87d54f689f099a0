import assert from "node:assert/strict";
import { fmtAgo, Progress } from "./progress.ts";

Deno.test("Progress.line() shows count, rate, ETA and fields", () => {
  const lines: string[] = [];
  const p = new Progress("train", 10, { unit: "img", intervalMs: 0, write: (l) => lines.push(l) });
  p.tick(5, { loss: "0.50" });
  p.finish();
  assert.equal(lines.length, 2);
  assert.match(lines[0]!, /train \[#+-+\]\s+50% 5\/10 [\d.]+ img\/s .* eta .* loss 0\.50/);
  assert.ok(p.rate > 0);
});

Deno.test("Progress with quiet prints nothing", () => {
  const lines: string[] = [];
  const p = new Progress("x", 3, { quiet: true, write: (l) => lines.push(l) });
  p.tick(3);
  p.finish();
  assert.equal(lines.length, 0);
});

/** Runs `f` with `performance.now()` returning `clock.t` (milliseconds). */
function withClock(f: (clock: { t: number }) => void): void {
  const clock = { t: 1_000_000 };
  const real = performance.now;
  Object.defineProperty(performance, "now", { value: () => clock.t, configurable: true });
  try {
    f(clock);
  } finally {
    Object.defineProperty(performance, "now", { value: real, configurable: true });
  }
}

Deno.test("Progress resumed part-way counts the earlier units as done, not in the rate", () => {
  withClock((clock) => {
    const lines: string[] = [];
    const p = new Progress("train", 1000, {
      initial: 600,
      intervalMs: 0,
      write: (l) => lines.push(l),
    });
    clock.t += 10_000;
    p.tick(100);
    assert.equal(p.done, 700);
    assert.equal(p.rate, 10); // 100 units in 10 s, not 700
    assert.match(lines[0]!, / 70% 700\/1000 10\.0 it\/s elapsed 00:10 eta 00:30$/);
  });
});

Deno.test("Progress with a window follows the recent rate, and shows the run's ETA", () => {
  withClock((clock) => {
    const lines: string[] = [];
    const p = new Progress("train", 10_000, {
      windowSeconds: 100,
      intervalMs: 0,
      write: (l) => lines.push(l),
      later: (rate) => ({ seconds: 2000 / (4 * rate), guess: true }),
    });
    for (let i = 0; i < 100; i++) (clock.t += 1000, p.tick(20)); // 20/s for 100 s
    for (let i = 0; i < 200; i++) (clock.t += 1000, p.tick(5)); // then 5/s (machine got busy)
    assert.ok(Math.abs(p.rate - 5) < 0.3, `windowed rate ${p.rate}`);
    // since the start it would be 3000 / 300 = 10/s; the ETA uses the recent 5/s:
    // 7000 / 5 = 1400 s, and the run 1400 + 2000 / (4 * 5) = 1500 s
    assert.match(lines.at(-1)!, / 3000\/10000 5\.0 it\/s elapsed 05:00 eta 23:20 run eta ~25:00$/);
  });
});

Deno.test("fmtAgo() says how long ago, in s, min or h", () => {
  const now = Date.now();
  assert.equal(fmtAgo(now - 20_000), "20 s ago");
  assert.equal(fmtAgo(now - 180_000), "3 min ago");
  assert.equal(fmtAgo(now - 7_560_000), "2.1 h ago");
});
