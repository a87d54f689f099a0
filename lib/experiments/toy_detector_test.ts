/**
 * What adding a detector takes, shown with a toy one (distance to the mean training image):
 * the detector (here in this file; normally lib/detectors/<name>.ts), its test (the shared
 * kit, testDeepDetector), and one catalogue entry with its presets (`defineMethod`, normally
 * appended to METHODS in lib/detectors/catalogue.ts). Nothing else: the run path below is the
 * one `deno task run` takes, and the result record is the same versioned record.
 */
import assert from "node:assert/strict";
import { type Images, imageSize } from "../data/types.ts";
import { defineMethod } from "../detectors/catalogue.ts";
import type { Detector, FitOptions } from "../detectors/detector.ts";
import { testDeepDetector } from "../detectors/testing.ts";
import { ConfigCheck } from "../detectors/validate.ts";
import { RunError } from "../util/errors.ts";
import { join } from "node:path";
import { readRunResult, runKey, writeRunResult } from "./result.ts";
import { readScoresFile } from "./scores_file.ts";
import { evaluate } from "../metrics/evaluate.ts";
import { runMethodKept } from "./run_method.ts";
import { formatMetricsTable } from "./table.ts";
import { aurocDeLong } from "../metrics/auroc_se.ts";

interface ToyConfig {
  /** Exponent of the distance (1 = L1, 2 = L2). */
  power: number;
  trainLimit?: number;
  testLimit?: number;
}

/** Anomaly score = sum |x - mean|^power over the pixels. */
class ToyDetector implements Detector {
  readonly name = "toy-mean";
  readonly selectsByTestLabels = false;
  #mean?: Float64Array;
  #shape?: string;
  #identical = false;

  constructor(readonly config: ToyConfig) {
    new ConfigCheck("toy-mean").positive("power", config.power);
  }

  get hyperparameters(): Record<string, unknown> {
    return { ...this.config };
  }

  fit(train: Images, _options: FitOptions = {}): Promise<this> {
    const size = imageSize(train);
    const mean = new Float64Array(size);
    for (let i = 0; i < train.n * size; i++) {
      const v = train.data[i]!;
      if (!Number.isFinite(v)) {
        return Promise.reject(
          new RunError(`Cannot train toy-mean: pixel is ${v} at epoch 1 step 1`),
        );
      }
      mean[i % size]! += v / train.n;
    }
    this.#identical = train.data.every((v, i) => v === train.data[i % size]);
    this.#mean = mean;
    this.#shape = `${train.height}x${train.width}x${train.channels}`;
    return Promise.resolve(this);
  }

  score(x: Images): Promise<Float64Array> {
    if (!this.#mean) return Promise.reject(new Error("Cannot score with toy-mean: not fitted"));
    if (`${x.height}x${x.width}x${x.channels}` !== this.#shape) {
      return Promise.reject(
        new RangeError(`Cannot score with toy-mean: shape is not ${this.#shape}`),
      );
    }
    const size = imageSize(x), out = new Float64Array(x.n);
    for (let i = 0; i < x.n * size; i++) {
      out[Math.floor(i / size)]! += Math.abs(x.data[i]! - this.#mean[i % size]!) **
        this.config.power;
    }
    return Promise.resolve(out);
  }

  state(): Record<string, unknown> {
    return { fitted: this.#mean !== undefined, identicalTrainImages: this.#identical };
  }

  dispose(): void {}
}

/** Its catalogue entry: presets beside it, limits, how to build it. */
const TOY = defineMethod<ToyConfig>({
  name: "toy-mean",
  title: "Toy",
  description: "distance to the mean training image",
  presets: ["smoke", "quick"],
  config: (preset) =>
    preset === "smoke" ? { power: 2, trainLimit: 32, testLimit: 60 } : { power: 1 },
  limits: {
    get: (c) => ({ trainLimit: c.trainLimit, testLimit: c.testLimit }),
    set: (c, l) => Object.assign(c, l),
  },
  create: (c) => new ToyDetector(c),
});

// Its test: the same checks as every detector (deterministic: the seed changes nothing).
testDeepDetector({
  name: "toy-mean",
  make: (o = {}) => new ToyDetector({ power: 2, ...o }),
  badOptions: [{ power: 0 }],
  seeded: false,
  fast: {},
});

Deno.test("a detector added by one catalogue entry runs through the run path of every method", async () => {
  const plan = TOY.plan("smoke", { testLimit: 50 });
  assert.deepEqual(plan.expected, { power: 2, trainLimit: 32, testLimit: 50 });
  assert.throws(() => TOY.plan("smoke", { epochs: 2 }), /takes no 'epochs' override/);
  const { result, scores, data, detector } = await runMethodKept(TOY, {
    dataset: "fashion-mnist-sample",
    normalClass: 1,
  }, {
    preset: "smoke",
    overrides: { testLimit: 50 },
    backend: "cpu",
    quiet: true,
  });
  assert.equal(result.status, "ok", String(result.error));
  assert.equal(result.method, "toy-mean");
  assert.equal(result.data.trainLimit, 32);
  assert.equal(result.data.testLimit, 50);
  const m = result.metrics["toy-mean"]!;
  assert.ok(m.auroc > 0.5);
  // The breakdown by anomalous class: the nine other classes, weighted back to the pooled AUROC.
  assert.deepEqual(m.byClass!.map((e) => e.class), [0, 2, 3, 4, 5, 6, 7, 8, 9]);
  assert.equal(m.byClass![0]!.name, "T-shirt/top");
  const n = m.byClass!.reduce((s, e) => s + e.n, 0);
  assert.equal(n, 50 - 5);
  const weighted = m.byClass!.reduce((s, e) => s + e.n * e.auroc, 0) / n;
  assert.ok(Math.abs(weighted - m.auroc) < 1e-12, `${weighted} vs ${m.auroc}`);
  // Each entry is that class's own AUROC, from the scores of its own test images.
  detector.dispose();
  for (const e of m.byClass!) {
    const idx = [...data.testClasses.keys()].filter((i) =>
      [1, e.class].includes(data.testClasses[i]!)
    );
    const own = evaluate(
      idx.map((i) => scores["toy-mean"]![i]!),
      idx.map((i) => data.testLabels[i]!),
    );
    assert.equal(e.auroc, own.auroc, `class ${e.class}`);
    assert.equal(e.n, idx.length - 5);
  }
  assert.ok(new Set(m.byClass!.map((e) => e.auroc)).size > 1, "every class alike: a weak check");
  const se = m.aurocSe!;
  const normality = Array.from(scores["toy-mean"]!, (s) => -s);
  assert.equal(se, aurocDeLong(normality, data.testLabels).se); // normal = positive
  assert.ok(se > 0 && se < 0.2, `aurocSe ${se}`);
  assert.match(
    formatMetricsTable(result),
    new RegExp(`toy-mean\\s+\\d\\.\\d{4}\\s+${se.toFixed(4)}\\s`),
  );
  assert.match(
    formatMetricsTable(result),
    /anomalous class\s+n\s+toy-mean\n[- ]+\n0 T-shirt\/top\s+5\s+\d\.\d{4}\n2 Pullover/,
  );
  const dir = await Deno.makeTempDir();
  try {
    await writeRunResult(join(dir, "r.json"), result);
    assert.equal((await readRunResult(join(dir, "r.json"))).method, "toy-mean"); // validated
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("scoresPath: the run's scores beside it; a failed write says the result is kept", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const options = {
      preset: "smoke",
      overrides: { testLimit: 50 },
      backend: "cpu",
      quiet: true,
    } as const;
    const path = join(dir, "r.scores.json.gz");
    const { result, scores } = await runMethodKept(TOY, {
      dataset: "fashion-mnist-sample",
      normalClass: 1,
    }, { ...options, scoresPath: path });
    const kept = await readScoresFile(path);
    assert.deepEqual(kept.scores["toy-mean"], Array.from(scores["toy-mean"]!));
    assert.equal(kept.run, runKey(result));
    // A folder where the file should go: the write fails, the run says what is kept.
    await Deno.mkdir(join(dir, "blocked.scores.json.gz"));
    await assert.rejects(
      runMethodKept(TOY, { dataset: "fashion-mnist-sample", normalClass: 1 }, {
        ...options,
        scoresPath: join(dir, "blocked.scores.json.gz"),
      }),
      (e) => e instanceof RunError && /the result is written, not its scores/.test(e.message),
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
