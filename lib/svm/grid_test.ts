import assert from "node:assert/strict";
import { Rng } from "../util/rng.ts";
import { fitOneClassGrid, gridDecisionValues } from "./grid.ts";
import type { Matrix } from "./matrix.ts";
import { decisionValues, OneClassSvm } from "./one_class.ts";
import { initBackend } from "../backend/select.ts";

// The distances run on a started backend (starting one is explicit, lib/backend/select.ts).
await initBackend("auto");

function blobs(rows: number, seed: number): Matrix {
  const rng = new Rng(seed);
  const cols = 6, data = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    const c = r % 3 === 0 ? 2 : 0;
    for (let j = 0; j < cols; j++) data[r * cols + j] = c + rng.normal();
  }
  return { data, rows, cols };
}

const train = blobs(120, 1), test = blobs(50, 2);

Deno.test("fitOneClassGrid() gives the same models as separate fits, in gamma-major order", async () => {
  const nus = [0.1, 0.5], gammas = [0.05, "scale" as const, 1];
  const grid = await fitOneClassGrid(train, { nus, gammas });
  assert.equal(grid.models.length, 6);
  for (let g = 0; g < gammas.length; g++) {
    for (let n = 0; n < nus.length; n++) {
      const m = grid.models[g * nus.length + n]!;
      const single = (await new OneClassSvm({ nu: nus[n], gamma: gammas[g] }).fit(train)).model;
      assert.equal(m.nu, nus[n]);
      assert.equal(m.gammaOption, gammas[g]);
      assert.deepEqual(m.supportIndices, single.supportIndices);
      assert.deepEqual(m.dualCoef, single.dualCoef);
      assert.equal(m.rho, single.rho);
    }
  }
  assert.ok(grid.seconds.distances >= 0 && grid.seconds.solves >= 0);
});

Deno.test("gridDecisionValues() agrees with per-model decisionValues()", async () => {
  const grid = await fitOneClassGrid(train, { nus: [0.1, 0.3, 0.9], gammas: [0.02, 0.5] });
  const all = await gridDecisionValues(grid.models, test, { blockRows: 17 });
  for (let i = 0; i < grid.models.length; i++) {
    const one = await decisionValues(grid.models[i]!, test);
    for (let r = 0; r < test.rows; r++) {
      assert.ok(Math.abs(all[i]![r]! - one[r]!) < 1e-9 * Math.max(1, Math.abs(one[r]!)));
    }
  }
});

Deno.test("fitOneClassGrid() reports progress once per model", async () => {
  const seen: string[] = [];
  await fitOneClassGrid(train, {
    nus: [0.2, 0.4],
    gammas: [0.1],
    onModel: (m, done, total) => seen.push(`${m.nu}:${done}/${total}`),
  });
  assert.deepEqual(seen, ["0.2:1/2", "0.4:2/2"]);
});

Deno.test("fitOneClassGrid() rejects an empty grid and out-of-range values", async () => {
  await assert.rejects(() => fitOneClassGrid(train, { nus: [], gammas: [1] }), /at least one nu/);
  await assert.rejects(
    () => fitOneClassGrid(train, { nus: [0.1, 2], gammas: [1] }),
    /nu must be in \(0, 1\], got 2/,
  );
  await assert.rejects(
    () => fitOneClassGrid(train, { nus: [0.1], gammas: [0] }),
    /gamma must be a finite number > 0/,
  );
});

Deno.test("gridDecisionValues() refuses models fitted on different data", async () => {
  const a = await new OneClassSvm({ nu: 0.2 }).fit(train);
  const b = await new OneClassSvm({ nu: 0.2 }).fit(blobs(30, 5));
  await assert.rejects(
    () => gridDecisionValues([a.model, b.model], test),
    /models were fitted on different data/,
  );
});
