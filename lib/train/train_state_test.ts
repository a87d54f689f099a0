import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { categoricalCrossEntropy } from "./loss.ts";
import { flips4, tinyImages, tinyModel } from "./testdata/tiny.ts";
import {
  captureTrainState,
  decodeTrainSnapshot,
  encodeTrainSnapshot,
  restoreMismatch,
  restoreTrainState,
  type TrainPosition,
} from "./train_state.ts";

await tf.setBackend("cpu");

const bits = (m: tf.LayersModel) =>
  m.getWeights().map((w) => new Uint32Array(w.dataSync().slice().buffer));

/** `k` Adam steps (BN in training mode) on fixed batches. */
function steps(model: tf.LayersModel, opt: tf.Optimizer, from: number, k: number): void {
  const images = tinyImages(8, 3);
  const t = flips4();
  const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
  for (let s = from; s < from + k; s++) {
    tf.tidy(() => {
      const x = tf.tensor4d(images.data, [8, 8, 8, 1]);
      const labels = Array.from({ length: 8 }, (_, i) => (i + s) % 4);
      const xt = t.apply(x, labels);
      const y = tf.oneHot(tf.tensor1d(labels, "int32"), 4);
      opt.minimize(
        () => {
          const p = model.apply(xt, { training: true }) as tf.Tensor;
          return tf.addN([categoricalCrossEntropy(y, p), ...model.calculateLosses()]) as tf.Scalar;
        },
        false,
        vars,
      );
    });
  }
}

const position: TrainPosition = {
  epochsDone: 1,
  step: 3,
  steps: 13,
  rngEpoch: 123,
  rng: 4567,
  lossSum: 0.1 + 0.2,
  lossHistory: [1.25, 0.7],
  seconds: 1.5,
};

Deno.test("training state: save after k steps, restore into a fresh model and optimiser, continue bit for bit", async () => {
  const adam = () => tf.train.adam(0.01, 0.9, 0.999, 1e-7);
  // uninterrupted: 12 steps
  const a = tinyModel(5), optA = adam();
  steps(a, optA, 0, 12);
  // interrupted after 5 steps, saved through a file's bytes, restored, 7 more steps
  const b = tinyModel(5), optB = adam();
  steps(b, optB, 0, 5);
  const before = tf.memory().numTensors;
  const snap = await captureTrainState(b, optB, position, { n: 8 });
  assert.equal(tf.memory().numTensors, before, "capture creates no lasting tensors");
  // BN moving statistics are weights too (non-trainable), so they are saved
  assert.equal(snap.weights.length, b.weights.length);
  assert.ok(b.weights.length > b.trainableWeights.length);
  assert.equal(snap.optimizer.iterations, 5);
  assert.equal(snap.optimizer.moments.length, 2 * b.trainableWeights.length);
  const bytes = await encodeTrainSnapshot(snap);
  optB.dispose();
  b.dispose();
  const back = await decodeTrainSnapshot(bytes);
  assert.deepEqual({ ...back, weights: 0, optimizer: 0 }, { ...snap, weights: 0, optimizer: 0 });
  const c = tinyModel(99), optC = adam(); // another init: every weight must come from the file
  const t0 = tf.memory().numTensors;
  await restoreTrainState(c, optC, back);
  assert.equal(
    tf.memory().numTensors,
    t0 + 2 * c.trainableWeights.length,
    "only the optimiser's moment variables are new",
  );
  steps(c, optC, 5, 7);
  assert.deepEqual(bits(c), bits(a));
  // the bias-correction powers are restored as accumulated, not recomputed with pow()
  const acc = (o: tf.Optimizer) =>
    (o as unknown as { accBeta2: tf.Variable }).accBeta2.dataSync()[0];
  assert.equal(acc(optC), acc(optA));
  for (const x of [a, c]) x.dispose();
  optA.dispose();
  optC.dispose();
});

Deno.test("training state: a snapshot that does not fit the model is refused", async () => {
  const m = tinyModel(1), opt = tf.train.adam(0.01);
  const snap = await captureTrainState(m, opt, position, {});
  const wide = tinyModel(1, 5);
  assert.match(restoreMismatch(wide, snap)!, /weight \d+ has shape \[.*\], the model's \[.*\]/);
  await assert.rejects(restoreTrainState(wide, opt, snap), /Cannot restore the training state/);
  assert.equal(restoreMismatch(m, snap), undefined);
  const bad = { ...snap, weights: snap.weights.slice(1) };
  assert.match(restoreMismatch(m, bad)!, /weights saved, the model has/);
  await assert.rejects(
    decodeTrainSnapshot((await encodeTrainSnapshot(snap)).slice(0, 100)),
    /bytes, the header says|truncated/,
  );
  for (const x of [m, wide]) x.dispose();
  opt.dispose();
});
