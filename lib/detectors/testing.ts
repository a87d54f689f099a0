/**
 * The checks every detector must pass (the project's check_estimator), registered as `Deno.test`
 * cases by {@linkcode testDeepDetector}, on seeded synthetic images
 * (lib/data/testdata/synthetic.ts).
 * @module
 */
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { useCpu } from "../backend/testing.ts";
import { syntheticImages, syntheticTest, TEST_SIDE } from "../data/testdata/synthetic.ts";
import type { Images } from "../data/types.ts";
import { type Detector, selectsByTestLabels } from "./detector.ts";
import { auroc } from "../metrics/roc.ts";
import { RunError, UsageError } from "../util/errors.ts";

/** The detector test kit in one import: the synthetic data and the cpu backend. */
export { syntheticImages, syntheticTest, TEST_SIDE, useCpu };

/** AUROC of anomaly scores with normal = positive (scores negated). */
export function normalAuroc(anomalyScores: Float64Array, labels: Uint8Array): number {
  return auroc(anomalyScores.map((s) => -s), labels);
}

/** Options of {@linkcode testDeepDetector}. */
export interface DeepDetectorTestOptions {
  /** Method name as `detector.name`. */
  name: string;
  /** A detector with a small, fast configuration (modified by `overrides`). */
  make: (overrides?: Record<string, unknown>) => Detector;
  /** Hyperparameter overrides that must be rejected (each its own case). */
  badOptions: Record<string, unknown>[];
  /** AUROC floor on the synthetic task (default 0.8). */
  minAuroc?: number;
  /** Training images (default 48). */
  nTrain?: number;
  /** Image side (default {@linkcode TEST_SIDE}). */
  side?: number;
  /** Overrides for the cases that need a fitted detector, not a good one (default 1 epoch). */
  fast?: Record<string, unknown>;
  /** What a rejected option's UsageError starts with (default `Cannot create `). */
  badMessage?: RegExp;
  /** False for a deterministic method (OC-SVM): another seed must give the SAME scores. */
  seeded?: boolean;
  /** The state key that flags identical training images (default `identicalTrainImages`). */
  identicalKey?: string;
  /** The error NaN training data gives (default: the trainers' `Cannot train ... is NaN at
   * epoch 1 step 1`). */
  nanError?: { kind: typeof RunError | typeof RangeError; message: RegExp };
}

/** Fits `d` and, for a detector with hindsight selection, selects on `test` (as the runner). */
async function fitAndSelect(
  d: Detector,
  train: Images,
  test: { x: Images; labels: Uint8Array },
  seed: number,
): Promise<void> {
  await d.fit(train, { seed, quiet: true });
  if (selectsByTestLabels(d)) await d.selectByTestLabels(test.x, test.labels);
}

/**
 * tfjs keeps timers and wasm/ffi resources alive across tests, which Deno's op and resource
 * sanitizers would report; tensors are checked instead, with `tf.memory()` (see the first
 * case). Leak checks stay on: only Deno's generic sanitizers are off.
 */
const TFJS_SANITIZERS = { sanitizeOps: false, sanitizeResources: false };

/**
 * Registers the checks every detector must pass (the project's check_estimator; every catalogue
 * method runs it: GEOM, GOAD, rot-trans, OC-SVM, every deep baseline): scores of the right length and direction (AUROC floor), same
 * seed -> same scores, a different seed -> different ones (same ones for a deterministic
 * method), hindsight selection exactly when the detector declares it, bad
 * hyperparameters -> UsageError, NaN inputs -> RunError naming method/epoch/step, a single
 * repeated image trains without error and is flagged, scoring before fit or on images of
 * another shape throws, and no tensors leak.
 */
export function testDeepDetector(o: DeepDetectorTestOptions): void {
  const side = o.side ?? TEST_SIDE;
  const fast = o.fast ?? { epochs: 1 };
  const train = syntheticImages(o.nTrain ?? 48, { kind: "normal", seed: 1, side });
  const test = syntheticTest(24, { seed: 100, side });
  const kit = { side, fast, train, test };
  checkScores(o, kit);
  checkSeeds(o, kit);
  checkBadOptions(o);
  checkNaN(o, kit);
  checkRepeatedImage(o, kit);
  checkScoringErrors(o, kit);
}

/** What the checks of {@link testDeepDetector} share: image side, fast options, data. */
interface DetectorTestKit {
  side: number;
  fast: Record<string, unknown>;
  train: Images;
  test: ReturnType<typeof syntheticTest>;
}

/** Scores: one finite value per image, anomalies ranked higher, no tensor leaked. */
function checkScores(o: DeepDetectorTestOptions, k: DetectorTestKit): void {
  const { train, test } = k;
  Deno.test(`${o.name}: scores have one finite value per image and rank anomalies higher`, {
    ...TFJS_SANITIZERS,
  }, async () => {
    await useCpu();
    const before = tf.memory().numTensors;
    const d = o.make();
    assert.equal(d.name, o.name);
    assert.equal(typeof d.selectsByTestLabels, "boolean");
    await fitAndSelect(d, train, test, 3);
    const s = await d.score(test.x);
    assert.equal(s.length, test.x.n);
    assert.ok(s.every(Number.isFinite));
    const a = normalAuroc(s, test.labels);
    assert.ok(a > (o.minAuroc ?? 0.8), `AUROC ${a.toFixed(3)} <= ${o.minAuroc ?? 0.8}`);
    const st = d.state();
    assert.equal(st.fitted, true);
    assert.equal(st[o.identicalKey ?? "identicalTrainImages"], false);
    d.dispose();
    assert.equal(tf.memory().numTensors, before, "tensors leaked");
  });
}

/** The same seed reproduces the scores; another seed changes them (unless not seeded). */
function checkSeeds(o: DeepDetectorTestOptions, k: DetectorTestKit): void {
  const { side, fast, test } = k;
  Deno.test(`${o.name}: the same seed reproduces the scores, another seed changes them`, {
    ...TFJS_SANITIZERS,
  }, async () => {
    await useCpu();
    const small = syntheticImages(24, { kind: "normal", seed: 5, side });
    const run = async (seed: number) => {
      const d = o.make(fast);
      await fitAndSelect(d, small, test, seed);
      const s = await d.score(test.x);
      d.dispose();
      return s;
    };
    const a = await run(7), b = await run(7), c = await run(8);
    assert.deepEqual(a, b);
    if (o.seeded === false) assert.deepEqual(a, c);
    else assert.notDeepEqual(a, c);
  });
}

/** Each bad option is a UsageError naming it. */
function checkBadOptions(o: DeepDetectorTestOptions): void {
  for (const bad of o.badOptions) {
    Deno.test(`${o.name}: rejects ${JSON.stringify(bad)}`, () => {
      assert.throws(() => o.make(bad), (e: unknown) => {
        assert.ok(e instanceof UsageError, String(e));
        assert.match(e.message, o.badMessage ?? /^Cannot create /);
        assert.match(e.message, new RegExp(Object.keys(bad)[0]!));
        return true;
      });
    });
  }
}

/** NaN in the training data is a RunError naming epoch and step. */
function checkNaN(o: DeepDetectorTestOptions, k: DetectorTestKit): void {
  const { side } = k;
  Deno.test(`${o.name}: NaN in the training data is a RunError naming epoch and step`, {
    ...TFJS_SANITIZERS,
  }, async () => {
    await useCpu();
    const bad = syntheticImages(16, { kind: "normal", seed: 9, side });
    bad.data.fill(NaN, 0, bad.data.length);
    const d = o.make();
    await assert.rejects(d.fit(bad, { seed: 1, quiet: true }), (e: unknown) => {
      const want = o.nanError ??
        { kind: RunError, message: /^Cannot train .+ is NaN at epoch 1 step 1$/ };
      assert.ok(e instanceof want.kind, String(e));
      assert.match(e.message, want.message);
      return true;
    });
    d.dispose();
  });
}

/** A single repeated training image trains, is flagged and scores finite. */
function checkRepeatedImage(o: DeepDetectorTestOptions, k: DetectorTestKit): void {
  const { side, fast, test } = k;
  Deno.test(`${o.name}: a single repeated training image trains, is flagged, scores finite`, {
    ...TFJS_SANITIZERS,
  }, async () => {
    await useCpu();
    const one = syntheticImages(1, { kind: "normal", seed: 4, side });
    const data = new Float32Array(one.data.length * 20);
    for (let i = 0; i < 20; i++) data.set(one.data, i * one.data.length);
    const d = o.make(fast);
    await fitAndSelect(d, { ...one, n: 20, data }, test, 1);
    assert.equal(d.state()[o.identicalKey ?? "identicalTrainImages"], true);
    const s = await d.score(test.x);
    assert.ok(s.every(Number.isFinite));
    d.dispose();
  });
}

/** Scoring before fit, or images of another shape, throws. */
function checkScoringErrors(o: DeepDetectorTestOptions, k: DetectorTestKit): void {
  const { side, fast, test } = k;
  Deno.test(`${o.name}: scoring before fit or on another image shape throws`, {
    ...TFJS_SANITIZERS,
  }, async () => {
    await useCpu();
    const d = o.make(fast);
    await assert.rejects(d.score(test.x), /not fitted|call fit\(\) first/);
    await fitAndSelect(d, syntheticImages(16, { kind: "normal", seed: 2, side }), test, 1);
    const wrong = syntheticImages(2, { kind: "normal", seed: 2, side: 2 * side });
    await assert.rejects(d.score(wrong), RangeError);
    d.dispose();
  });
}
