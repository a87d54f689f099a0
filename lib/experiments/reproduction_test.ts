import assert from "node:assert/strict";
import { getMethod } from "../detectors/catalogue.ts";
import { reproductionMarkdown, reproductionSection, verdict } from "./reproduction.ts";
import { fakeResult } from "./testing.ts";

Deno.test("reproductionSection() keeps paper-preset GEOM runs beside the paper's numbers", () => {
  const plan = getMethod("geom").plan("paper");
  const run = (c: number, d: number, s: number, createdAt = "2026-12-05T00:00:00Z") => ({
    ...fakeResult(plan, {
      dataset: "fashion-mnist",
      normalClass: c,
      seed: 0,
      auroc: { dirichlet: d, simple: s },
    }),
    preset: "paper",
    createdAt,
  });
  const quick = { ...run(2, 0.5, 0.5), preset: "quick" };
  const limited = { ...run(3, 0.5, 0.5), data: { ...run(3, 0.5, 0.5).data, trainLimit: 40 } };
  const s = reproductionSection(
    [
      run(0, 0.99, 0.98),
      run(1, 0.9, 0.95),
      run(1, 0.95, 0.96, "2026-12-06T00:00:00Z"),
      quick,
      limited,
    ],
    { label: "Fashion-MNIST", paperDataset: "fashion-mnist" },
  );
  assert.deepEqual(
    s.rows.map((r) => r.normalClass),
    [0, 1],
    "quick runs and runs with data limits are not the record",
  );
  assert.equal(s.rows[1]!.auroc.dirichlet, 95, "the newest run of a class wins");
  assert.equal(s.rows[0]!.paper, 99.4);
  assert.ok(Math.abs(s.mean.paper! - (99.4 + 97.6) / 2) < 1e-9, "paper mean over the same classes");
  assert.ok(Math.abs(s.mean.auroc.dirichlet! - 97) < 1e-9);
  assert.equal(s.paperMean, 93.5);
  assert.match(
    s.rows[0]!.command,
    /deno task geom --dataset fashion-mnist --normal 0 --preset paper/,
  );
  const md = reproductionMarkdown(s);
  assert.match(md, /\| 1 .* \| 97\.6 \| 95\.0 \| 96\.0 \|/);
  assert.match(md, /\*\*mean\*\* \| 98\.5 \| 97\.0/);
});

Deno.test("verdict() says within 1 point, above or below", () => {
  assert.equal(verdict(93.9, 93.5), "within 1 point (+0.4)");
  assert.equal(verdict(95, 93.5), "above by 1.5");
  assert.equal(verdict(90, 93.5), "below by 3.5");
  assert.equal(verdict(undefined, 93.5), "-");
});
