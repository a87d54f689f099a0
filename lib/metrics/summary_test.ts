import assert from "node:assert/strict";
import { meanSem } from "./summary.ts";

Deno.test("meanSem() gives mean and SD(n-1)/sqrt(n) (hand-computed)", () => {
  // values 1..5: mean 3, sample variance 2.5, sem sqrt(2.5 / 5) = sqrt(0.5).
  const r = meanSem([1, 2, 3, 4, 5]);
  assert.equal(r.mean, 3);
  assert.equal(r.n, 5);
  assert.ok(Math.abs(r.sem - Math.SQRT1_2) < 1e-15);
  // scipy.stats.sem([0.9, 0.92, 0.94]) = 0.011547005383792526
  assert.ok(
    Math.abs(meanSem(new Float64Array([0.9, 0.92, 0.94])).sem - 0.011547005383792526) < 1e-15,
  );
});

Deno.test("meanSem() of one value has sem 0; of equal values sem 0", () => {
  assert.deepEqual(meanSem([0.7]), { mean: 0.7, sem: 0, n: 1 });
  assert.equal(meanSem([2, 2, 2]).sem, 0);
});

Deno.test("meanSem() throws RangeError on empty or non-finite input", () => {
  assert.throws(() => meanSem([]), {
    name: "RangeError",
    message: /Cannot summarise runs: no values/,
  });
  assert.throws(() => meanSem([1, NaN]), /value 1 is NaN/);
  assert.throws(() => meanSem([1, Infinity]), /value 1 is Infinity/);
});
