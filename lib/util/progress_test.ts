import assert from "node:assert/strict";
import { Progress } from "./progress.ts";

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
