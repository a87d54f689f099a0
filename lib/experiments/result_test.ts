import assert from "node:assert/strict";
import { getMethod } from "../detectors/catalogue.ts";
import { DataError } from "../util/errors.ts";
import {
  parseRunResult,
  readRunResult,
  resultDigest,
  resultProblem,
  runKey,
  withDigest,
  writeRunResult,
} from "./result.ts";
import { fakeResult } from "./testing.ts";

type Obj = Record<string, unknown>;
const obj = (x: unknown) => x as Obj;
const dir = (r: Obj) => obj(obj(r.metrics).dirichlet);
const plan = getMethod("geom").plan("smoke", { transforms: "rot4" });
const good = () =>
  fakeResult(plan, {
    dataset: "fashion-mnist",
    normalClass: 2,
    seed: 1,
    auroc: { dirichlet: 0.8 },
  });

Deno.test("writeRunResult() stores a digest that readRunResult() checks", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const { digest: _, ...plain } = good();
    await writeRunResult(`${dir}/r.json`, plain);
    const r = await readRunResult(`${dir}/r.json`);
    assert.equal(r.digest, resultDigest(r));
    assert.match(r.digest!, /^[0-9a-f]{64}$/);
    const text = await Deno.readTextFile(`${dir}/r.json`);
    await Deno.writeTextFile(`${dir}/r.json`, text.replace('"auroc": 0.8', '"auroc": 0.81'));
    await assert.rejects(() => readRunResult(`${dir}/r.json`), /content digest mismatch/);
    await Deno.writeTextFile(`${dir}/r.json`, text.slice(0, text.length / 2));
    await assert.rejects(() => readRunResult(`${dir}/r.json`), DataError);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("resultProblem() names what is wrong; runKey() is the canonical path's key", () => {
  assert.equal(resultProblem(good()), undefined);
  const split = structuredClone(good()) as unknown as Obj;
  dir(split).byClass = [
    { class: 0, name: "t-shirt", n: 1000, auroc: 0.9 },
    { class: 3, name: "dress", n: 1000, auroc: 0.7 },
  ];
  dir(split).aurocSe = 0.0066;
  assert.equal(resultProblem(withDigest(split as never)), undefined);
  const cases: Array<[(r: Obj) => void, RegExp]> = [
    [(r) => delete r.method, /'method' is missing/],
    [(r) => r.status = "done", /'status' "done" is not ok or failed/],
    [(r) => r.seed = -1, /'seed' -1 is not an integer in \[0, 2\^32\)/],
    [(r) => r.seed = 2 ** 32, /'seed'/],
    [(r) => r.normalClass = 1.5, /'normalClass' 1.5/],
    [(r) => r.metrics = {}, /status ok but 'metrics' is empty/],
    [(r) => r.metrics = { dirichlet: null }, /'metrics.dirichlet' is not an object/],
    [(r) => dir(r).auroc = 1.2, /auroc' 1.2 is not in \[0, 1\]/],
    [(r) => dir(r).fpr95 = "abc", /fpr95' "abc"/],
    [(r) => dir(r).aurocSe = -0.01, /aurocSe' -0.01 is not in \[0, 1\]/],
    [(r) => dir(r).aurocSe = null, /aurocSe' null is not in \[0, 1\]/],
    [(r) => dir(r).roc = { fpr: [0], tpr: [] }, /roc' is not two/],
    [(r) => dir(r).byClass = {}, /byClass' is not a list/],
    [(r) => dir(r).byClass = [{ class: 0, name: "a", n: 0, auroc: 0.5 }], /byClass' holds an/],
    [(r) => dir(r).byClass = [{ class: 2, name: "a", n: 5, auroc: 0.5 }], /class 2 out of order/],
    [(r) => dir(r).byClass = [{ class: 0, name: "a", n: 5, auroc: 1.5 }], /byClass' holds an/],
    [
      (r) =>
        dir(r).byClass = [
          { class: 3, name: "a", n: 5, auroc: 0.5 },
          { class: 3, name: "a", n: 5, auroc: 0.5 },
        ],
      /class 3 out of order, twice/,
    ],
    [
      (r) =>
        dir(r).byClass = [
          { class: 3, name: "a", n: 5, auroc: 0.5 },
          { class: 1, name: "b", n: 5, auroc: 0.5 },
        ],
      /class 1 out of order/,
    ],
    [
      (r) => obj(r.hyperparameters).scores = ["dirichlet", "simple"],
      /score "simple" has no metrics/,
    ],
    [(r) => obj(r.timings).totalSeconds = -1, /timings.totalSeconds/],
    [(r) => r.status = "failed", /status failed without an 'error'/],
    [(r) => delete r.digest, /no content digest/],
  ];
  for (const [edit, re] of cases) {
    const r = structuredClone(good()) as unknown as Record<string, unknown>;
    edit(r);
    if (!/digest/.test(re.source)) Object.assign(r, { digest: resultDigest(r as never) });
    assert.match(resultProblem(r) ?? "valid", re);
  }
  assert.throws(() => parseRunResult("{", "x.json"), /Cannot read result x\.json: /);
  assert.equal(runKey(good()), "geom/fashion-mnist/smoke/class-2/seed-1");
  assert.equal(withDigest(good()).digest, good().digest);
});
