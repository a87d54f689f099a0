/**
 * Test support for the deep baseline detectors: seeded synthetic images (a normal class and a
 * clearly different anomaly class) and the checks every baseline must pass, registered as
 * `Deno.test` cases by {@linkcode testDeepDetector}.
 * @module
 */
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { initBackend } from "../../backend/select.ts";
import type { Images } from "../../data/types.ts";
import type { Detector } from "../../detectors/detector.ts";
import { auroc } from "../../metrics/roc.ts";
import { RunError, UsageError } from "../../util/errors.ts";
import { Rng } from "../../util/rng.ts";

/** Side of the synthetic test images. */
export const TEST_SIDE = 16;

/**
 * Seeded synthetic images in [-1, 1]: `normal` = a bright disk of random radius near the
 * centre on a dark background; `anomaly` = random vertical stripes. Both with N(0, 0.05) noise.
 */
export function syntheticImages(
  n: number,
  options: { kind: "normal" | "anomaly"; seed: number; side?: number },
): Images {
  const side = options.side ?? TEST_SIDE;
  const rng = new Rng(options.seed);
  const data = new Float32Array(n * side * side);
  for (let i = 0; i < n; i++) {
    const cx = side / 2 + (rng.next() - 0.5) * 2, cy = side / 2 + (rng.next() - 0.5) * 2;
    const r = side * (0.2 + 0.1 * rng.next());
    const period = 2 + rng.int(3);
    for (let y = 0; y < side; y++) {
      for (let x = 0; x < side; x++) {
        const v = options.kind === "normal"
          ? ((x - cx) ** 2 + (y - cy) ** 2 < r * r ? 0.8 : -0.8)
          : (Math.floor(x / period) % 2 === 0 ? 0.8 : -0.8);
        data[(i * side + y) * side + x] = Math.max(-1, Math.min(1, v + 0.05 * rng.normal()));
      }
    }
  }
  return { data, n, height: side, width: side, channels: 1 };
}

/** Normal and anomalous test images concatenated, with labels 1 = normal. */
export function syntheticTest(
  nEach: number,
  options: { seed: number; side?: number },
): { x: Images; labels: Uint8Array } {
  const { seed, side } = options;
  const a = syntheticImages(nEach, { kind: "normal", seed, side });
  const b = syntheticImages(nEach, { kind: "anomaly", seed: seed + 1, side });
  const data = new Float32Array(a.data.length + b.data.length);
  data.set(a.data);
  data.set(b.data, a.data.length);
  const labels = new Uint8Array(2 * nEach);
  labels.fill(1, 0, nEach);
  return { x: { ...a, data, n: 2 * nEach }, labels };
}

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
}

/** Makes the tests run on the deterministic cpu backend. */
export async function useCpu(): Promise<void> {
  await initBackend("cpu");
}

const NO_LEAKS = { sanitizeOps: false, sanitizeResources: false };

/**
 * Registers the checks every deep baseline must pass: scores of the right length and
 * direction (AUROC floor), same seed -> same scores, a different seed -> different ones, bad
 * hyperparameters -> UsageError, NaN inputs -> RunError naming method/epoch/step, a single
 * repeated image trains without error and is flagged, scoring before fit or on images of
 * another shape throws, and no tensors leak.
 */
export function testDeepDetector(o: DeepDetectorTestOptions): void {
  const side = o.side ?? TEST_SIDE;
  const fast = o.fast ?? { epochs: 1 };
  const train = syntheticImages(o.nTrain ?? 48, { kind: "normal", seed: 1, side });
  const test = syntheticTest(24, { seed: 100, side });

  Deno.test(`${o.name}: scores have one finite value per image and rank anomalies higher`, {
    ...NO_LEAKS,
  }, async () => {
    await useCpu();
    const before = tf.memory().numTensors;
    const d = o.make();
    assert.equal(d.name, o.name);
    await d.fit(train, { seed: 3, quiet: true });
    const s = await d.score(test.x);
    assert.equal(s.length, test.x.n);
    assert.ok(s.every(Number.isFinite));
    const a = normalAuroc(s, test.labels);
    assert.ok(a > (o.minAuroc ?? 0.8), `AUROC ${a.toFixed(3)} <= ${o.minAuroc ?? 0.8}`);
    const st = d.state();
    assert.equal(st.fitted, true);
    assert.equal(st.identicalTrainImages, false);
    d.dispose();
    assert.equal(tf.memory().numTensors, before, "tensors leaked");
  });

  Deno.test(`${o.name}: the same seed reproduces the scores, another seed changes them`, {
    ...NO_LEAKS,
  }, async () => {
    await useCpu();
    const small = syntheticImages(24, { kind: "normal", seed: 5, side });
    const run = async (seed: number) => {
      const d = o.make(fast);
      await d.fit(small, { seed, quiet: true });
      const s = await d.score(test.x);
      d.dispose();
      return s;
    };
    const a = await run(7), b = await run(7), c = await run(8);
    assert.deepEqual(a, b);
    assert.notDeepEqual(a, c);
  });

  for (const bad of o.badOptions) {
    Deno.test(`${o.name}: rejects ${JSON.stringify(bad)}`, () => {
      assert.throws(() => o.make(bad), (e: unknown) => {
        assert.ok(e instanceof UsageError, String(e));
        assert.match(e.message, /^Cannot create /);
        assert.match(e.message, new RegExp(Object.keys(bad)[0]!));
        return true;
      });
    });
  }

  Deno.test(`${o.name}: NaN in the training data is a RunError naming epoch and step`, {
    ...NO_LEAKS,
  }, async () => {
    await useCpu();
    const bad = syntheticImages(16, { kind: "normal", seed: 9, side });
    bad.data.fill(NaN, 0, bad.data.length);
    const d = o.make();
    await assert.rejects(d.fit(bad, { seed: 1, quiet: true }), (e: unknown) => {
      assert.ok(e instanceof RunError, String(e));
      assert.match(e.message, /^Cannot train .+ is NaN at epoch 1 step 1$/);
      return true;
    });
    d.dispose();
  });

  Deno.test(`${o.name}: a single repeated training image trains, is flagged, scores finite`, {
    ...NO_LEAKS,
  }, async () => {
    await useCpu();
    const one = syntheticImages(1, { kind: "normal", seed: 4, side });
    const data = new Float32Array(one.data.length * 20);
    for (let i = 0; i < 20; i++) data.set(one.data, i * one.data.length);
    const d = o.make(fast);
    await d.fit({ ...one, n: 20, data }, { seed: 1, quiet: true });
    assert.equal(d.state().identicalTrainImages, true);
    const s = await d.score(test.x);
    assert.ok(s.every(Number.isFinite));
    d.dispose();
  });

  Deno.test(`${o.name}: scoring before fit or on another image shape throws`, {
    ...NO_LEAKS,
  }, async () => {
    await useCpu();
    const d = o.make(fast);
    await assert.rejects(d.score(test.x), /not fitted/);
    await d.fit(syntheticImages(16, { kind: "normal", seed: 2, side }), { seed: 1, quiet: true });
    const wrong = syntheticImages(2, { kind: "normal", seed: 2, side: 2 * side });
    await assert.rejects(d.score(wrong), RangeError);
    d.dispose();
  });
}
