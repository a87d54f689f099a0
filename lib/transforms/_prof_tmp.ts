import { gaussianNoise } from "geomad/transforms/noise.ts";
import { Rng } from "geomad/util/rng.ts";
function time(name: string, f: () => void, reps = 20) {
  for (let i = 0; i < 3; i++) f();
  const ts: number[] = [];
  for (let i = 0; i < reps; i++) { const t0 = performance.now(); f(); ts.push(performance.now() - t0); }
  ts.sort((a, b) => a - b);
  console.log(name, "min", ts[0]!.toFixed(2), "median", ts[reps >> 1]!.toFixed(2), "ms");
}
time("gaussianNoise 393216", () => gaussianNoise(393216, 1));
time("rng.next x 393216", () => { const r = new Rng(1); let s = 0; for (let i = 0; i < 393216; i++) s += r.next(); });
time("log+sqrt+cos+sin x 196608", () => { let s = 0; for (let i = 1; i < 196609; i++) { const r = Math.sqrt(-2 * Math.log(i / 196609)); s += r * Math.cos(i) + r * Math.sin(i); } });
