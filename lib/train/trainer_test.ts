import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { getTransformSet } from "../transforms/registry.ts";
import { RunError } from "../util/errors.ts";
import { categoricalCrossEntropy } from "./loss.ts";
import { type TrainCheckpoint, trainTransformClassifier } from "./trainer.ts";
import { decodeTrainSnapshot, encodeTrainSnapshot } from "./train_state.ts";
import { flips4, tinyImages, tinyModel } from "./testdata/tiny.ts";

await tf.setBackend("cpu");

const weightsOf = (m: tf.LayersModel) => m.getWeights().map((w) => Array.from(w.dataSync()));

Deno.test("trainTransformClassifier() learns, records the run and leaks no tensors", async () => {
  const model = tinyModel(1);
  const images = tinyImages(24, 2);
  const before = tf.memory().numTensors;
  const atEpochEnd: number[] = [];
  const lines: string[] = [];
  const rec = await trainTransformClassifier(model, images, {
    transforms: flips4(),
    epochs: 4,
    batchSize: 10,
    lr: 0.01,
    seed: 3,
    onProgress: (line) => lines.push(line),
    onEpochEnd: () => atEpochEnd.push(tf.memory().numTensors),
  });
  assert.equal(tf.memory().numTensors, before, "optimizer state released");
  assert.equal(new Set(atEpochEnd).size, 1, `numTensors per epoch ${atEpochEnd}`);
  assert.equal(rec.epochs, 4);
  assert.equal(rec.samplesPerEpoch, 96);
  assert.equal(rec.steps, 4 * 10); // ceil(96 / 10) steps per epoch, last one partial
  assert.equal(rec.lossHistory.length, 4);
  assert.equal(rec.finalLoss, rec.lossHistory[3]);
  assert.ok(rec.lossHistory[3]! < 0.7 * rec.lossHistory[0]!, `loss ${rec.lossHistory}`);
  assert.ok(rec.seconds > 0 && rec.imagesPerSecond > 0);
  assert.match(lines.at(-1)!, /train .* 384\/384 .* img\/s .*epoch 4\/4 loss \d\.\d{4}/);
  model.dispose();
});

Deno.test("trainTransformClassifier() is reproducible from its seed", async () => {
  const images = tinyImages(12, 5);
  const run = async (seed: number) => {
    const model = tinyModel(11);
    const t = flips4();
    const rec = await trainTransformClassifier(model, images, {
      transforms: t,
      epochs: 2,
      batchSize: 16,
      seed,
      quiet: true,
    });
    const w = weightsOf(model);
    model.dispose();
    return { w, loss: rec.lossHistory, seeds: t.seeds };
  };
  const a = await run(4), b = await run(4), c = await run(5);
  assert.deepEqual(a.w, b.w);
  assert.deepEqual(a.loss, b.loss);
  assert.deepEqual(a.seeds, b.seeds);
  assert.ok(a.seeds.every((s) => Number.isInteger(s) && s > 0), "every batch gets a seed");
  assert.notDeepEqual(a.w, c.w);
});

Deno.test("trainTransformClassifier() loss is cross-entropy plus the L2 terms", async () => {
  // one epoch of one full batch: the loss is order-free, so it can be computed directly
  const images = tinyImages(6, 8);
  const t = flips4();
  const ref = tinyModel(21);
  const expected = tf.tidy(() => {
    const x = tf.tensor4d(images.data, [6, 8, 8, 1]);
    const idx = Array.from({ length: 24 }, (_, p) => p % 4);
    const xs = t.apply(tf.gather(x, idx.map((_, p) => Math.floor(p / 4))) as tf.Tensor4D, idx);
    const probs = ref.apply(xs, { training: true }) as tf.Tensor;
    const ce = categoricalCrossEntropy(tf.oneHot(tf.tensor1d(idx, "int32"), 4), probs);
    const l2 = ref.getWeights().filter((w) => w.shape.length > 1)
      .reduce((s, w) => s + 1e-2 * w.square().sum().dataSync()[0]!, 0);
    assert.ok(l2 > 0.01);
    return ce.dataSync()[0]! + l2;
  });
  ref.dispose();
  const model = tinyModel(21);
  const rec = await trainTransformClassifier(model, images, {
    transforms: t,
    epochs: 1,
    batchSize: 24,
    quiet: true,
  });
  assert.ok(Math.abs(rec.finalLoss - expected) < 1e-5, `${rec.finalLoss} vs ${expected}`);
  model.dispose();
});

Deno.test("trainTransformClassifier() stops on a NaN loss naming epoch and step", async () => {
  const images = tinyImages(8, 1);
  images.data[images.data.length - 1] = NaN; // last image; reached at some step of epoch 1
  const model = tinyModel(1);
  const before = tf.memory().numTensors;
  await assert.rejects(
    trainTransformClassifier(model, images, {
      transforms: flips4(),
      epochs: 2,
      batchSize: 4,
      quiet: true,
    }),
    (err: unknown) =>
      err instanceof RunError && /Cannot train: loss is NaN at epoch 1 step \d+$/.test(err.message),
  );
  assert.equal(tf.memory().numTensors, before);
  model.dispose();
});

Deno.test("trainTransformClassifier() rejects mismatched models and bad options", async () => {
  const images = tinyImages(4, 1);
  const model = tinyModel(1, 3);
  const t = flips4();
  await assert.rejects(
    trainTransformClassifier(model, images, { transforms: t, epochs: 1, quiet: true }),
    /Cannot train: the model outputs shape \[batch, 3\], not \[batch, 4\]/,
  );
  const m4 = tinyModel(1);
  await assert.rejects(
    trainTransformClassifier(m4, tinyImages(4, 1, 6), { transforms: t, epochs: 1, quiet: true }),
    /Cannot train: the model takes 8x8x1 images, not 6x6x1/,
  );
  await assert.rejects(
    trainTransformClassifier(m4, images, { transforms: t, epochs: 0, quiet: true }),
    /Cannot train: epochs 0/,
  );
  await assert.rejects(
    trainTransformClassifier(m4, images, { transforms: t, epochs: 1, lr: -1, quiet: true }),
    /Cannot train: lr -1/,
  );
  await assert.rejects(
    trainTransformClassifier(m4, { ...images, n: 5 }, { transforms: t, epochs: 1, quiet: true }),
    /Cannot train: images.data has 256 values, not 5x8x8x1/,
  );
  model.dispose();
  m4.dispose();
});

Deno.test("trainTransformClassifier() trains with a stochastic geomad set reproducibly", async () => {
  const transforms = getTransformSet("rot4-noise", { height: 8, width: 8 });
  const images = tinyImages(4, 6);
  const run = async (seed: number) => {
    const model = tinyModel(2, transforms.size);
    const rec = await trainTransformClassifier(model, images, {
      transforms,
      epochs: 1,
      batchSize: 16,
      seed,
      quiet: true,
    });
    const w = weightsOf(model);
    model.dispose();
    return { w, loss: rec.finalLoss };
  };
  const a = await run(1), b = await run(1), c = await run(2);
  assert.ok(Number.isFinite(a.loss));
  assert.deepEqual(a, b);
  assert.notDeepEqual(a.w, c.w);
});

/** A checkpoint kept in memory (through the file encoding) that saves every step. */
function memoryCheckpoint(intervalSeconds = 0) {
  const log: string[] = [];
  let bytes: Uint8Array | undefined;
  let saves = 0;
  const ck: TrainCheckpoint = {
    intervalSeconds,
    log: (l) => log.push(l),
    load: async () => bytes ? await decodeTrainSnapshot(bytes) : undefined,
    save: async (s) => (bytes = await encodeTrainSnapshot(s), saves++, undefined),
  };
  return { ck, log, saves: () => saves };
}

/** flips4 that throws ("killed") on its `killAt`-th apply. */
function killable(killAt: number) {
  const t = flips4();
  let calls = 0;
  return {
    size: t.size,
    seeds: t.seeds,
    apply: (x: tf.Tensor4D, idx: ArrayLike<number>, o?: { seed?: number }) => {
      if (++calls === killAt) throw new Error("killed");
      return t.apply(x, idx, o);
    },
  };
}

Deno.test("trainTransformClassifier() interrupted mid-epoch resumes from its checkpoint bit for bit", async () => {
  const images = tinyImages(10, 4);
  const opts = { epochs: 3, batchSize: 7, lr: 0.01, seed: 6, quiet: true };
  const a = tinyModel(8);
  const ref = await trainTransformClassifier(a, images, { ...opts, transforms: flips4() });
  // 40 pairs, 6 steps per epoch: killed at step 4 of epoch 2 (the 10th batch)
  for (const [killAt, from] of [[10, "epoch 2 step 3"], [7, "epoch 2 step 0"]] as const) {
    const mem = memoryCheckpoint();
    const b = tinyModel(8);
    const before = tf.memory().numTensors;
    await assert.rejects(
      trainTransformClassifier(b, images, {
        ...opts,
        transforms: killable(killAt),
        checkpoint: mem.ck,
      }),
      /killed/,
    );
    assert.equal(tf.memory().numTensors, before, "no tensors leaked by saves or the failure");
    b.dispose();
    const c = tinyModel(8); // a fresh process: same seeded init, state from the checkpoint
    const atStart = tf.memory().numTensors;
    const rec = await trainTransformClassifier(c, images, {
      ...opts,
      transforms: flips4(),
      checkpoint: mem.ck,
    });
    assert.equal(tf.memory().numTensors, atStart, "the restored state is released at the end");
    assert.deepEqual(weightsOf(c), weightsOf(a), `killed at batch ${killAt}`);
    assert.deepEqual(rec.lossHistory, ref.lossHistory);
    assert.equal(rec.steps, ref.steps);
    assert.match(
      mem.log.at(-1)!,
      new RegExp(`resuming training from ${from} \\(\\d+/120 pairs, saved \\d+ s ago\\)`),
    );
    c.dispose();
  }
  // killed after training ended (e.g. while scoring): the rerun restores the trained weights
  const mem = memoryCheckpoint();
  const d = tinyModel(8);
  await trainTransformClassifier(d, images, { ...opts, transforms: flips4(), checkpoint: mem.ck });
  d.dispose();
  const e = tinyModel(8);
  const t = flips4();
  const rec = await trainTransformClassifier(e, images, {
    ...opts,
    transforms: t,
    checkpoint: mem.ck,
  });
  assert.match(mem.log.at(-1)!, /training finished in an earlier session \(3 epochs, 18 steps/);
  assert.equal(t.seeds.length, 0, "no step taken");
  assert.deepEqual(rec.resumedFrom, { epoch: 4, step: 0, pairs: 120 });
  assert.deepEqual(weightsOf(e), weightsOf(a));
  assert.deepEqual(rec.lossHistory, ref.lossHistory);
  e.dispose();
  a.dispose();
});

Deno.test("trainTransformClassifier() saves at epoch ends and every interval, and ignores a foreign checkpoint", async () => {
  const images = tinyImages(10, 4);
  const mem = memoryCheckpoint(3600);
  const m = tinyModel(8);
  const opts = { epochs: 2, batchSize: 7, seed: 6, quiet: true, transforms: flips4() };
  const rec = await trainTransformClassifier(m, images, { ...opts, checkpoint: mem.ck });
  assert.equal(mem.saves(), 2, "one save per epoch end, none within (interval 1 h)");
  assert.deepEqual(rec.checkpoints?.saves, 2);
  // the same checkpoint offered to a run with another batch size is not used
  const other = tinyModel(8);
  const rec2 = await trainTransformClassifier(other, images, {
    ...opts,
    batchSize: 8,
    checkpoint: mem.ck,
  });
  assert.match(
    mem.log.at(-1)!,
    /ignoring the training checkpoint: it was made with batchSize 7, not 8/,
  );
  assert.equal(rec2.resumedFrom, undefined);
  assert.equal(rec2.steps, 2 * 5);
  for (const x of [m, other]) x.dispose();
});
