/** The trainer's options for GEOM's family: custom losses, whole-image batches, custom outputs. */
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { withFeatures } from "../models/multi_head.ts";
import { predictTransformed } from "./predict.ts";
import { imageMajorOrder, trainTransformClassifier } from "./trainer.ts";
import { goadLoss } from "./triplet_centre.ts";
import { flips4, tinyImages, tinyModel } from "./testdata/tiny.ts";

await tf.setBackend("cpu");

Deno.test("imageMajorOrder keeps each image's pairs together, in transformation order", () => {
  assert.deepEqual(Array.from(imageMajorOrder([2, 0], 3)), [6, 7, 8, 0, 1, 2]);
});

Deno.test("wholeImages batches hold whole images x all transformations", async () => {
  const model = tinyModel(1);
  const images = tinyImages(6, 2);
  const seen: number[][] = [];
  const transforms = flips4();
  const base = transforms.apply.bind(transforms);
  transforms.apply = (x, t, o) => (seen.push(Array.from(t)), base(x, t, o));
  await assert.rejects(
    trainTransformClassifier(model, images, {
      transforms,
      epochs: 1,
      batchSize: 6,
      wholeImages: true,
    }),
    /not a multiple of the 4/,
  );
  const rec = await trainTransformClassifier(model, images, {
    transforms,
    epochs: 1,
    batchSize: 8,
    wholeImages: true,
    quiet: true,
  });
  assert.equal(rec.steps, 3);
  assert.deepEqual(seen, [[0, 1, 2, 3, 0, 1, 2, 3], [0, 1, 2, 3, 0, 1, 2, 3], [
    0,
    1,
    2,
    3,
    0,
    1,
    2,
    3,
  ]]);
  model.dispose();
});

Deno.test("a custom loss trains a two-output model; forward predicts its features", async () => {
  const base = tinyModel(3);
  const model = withFeatures(base);
  const images = tinyImages(8, 4);
  const before = tf.memory().numTensors;
  const rec = await trainTransformClassifier(model, images, {
    transforms: flips4(),
    epochs: 3,
    batchSize: 16,
    lr: 0.01,
    wholeImages: true,
    loss: goadLoss({ nTransforms: 4, margin: 1, lambda: 0.1, featurePenalty: 10 }),
    modelLosses: false,
    quiet: true,
  });
  assert.equal(tf.memory().numTensors, before);
  assert.ok(rec.lossHistory.every(Number.isFinite));
  assert.ok(rec.lossHistory[2]! < rec.lossHistory[0]!, `loss ${rec.lossHistory}`);
  const width = model.outputs[0]!.shape[1] as number;
  const feats = await predictTransformed(model, images, {
    transforms: flips4(),
    forward: (m, xt) => (m.apply(xt, { training: false }) as tf.Tensor[])[0]!,
    outputWidth: width,
    quiet: true,
  });
  assert.equal(feats.length, 8 * 4 * width);
  // The same features as the model computes directly for image 0 under identity.
  const direct = tf.tidy(() =>
    (model.predict(tf.tensor4d(images.data.slice(0, 64), [1, 8, 8, 1])) as tf.Tensor[])[0]!
      .dataSync()
  );
  for (let k = 0; k < width; k++) assert.ok(Math.abs(direct[k]! - feats[k]!) < 1e-5);
  await assert.rejects(
    predictTransformed(model, images, {
      transforms: flips4(),
      forward: (m, x) => m.apply(x) as tf.Tensor,
    }),
    /outputWidth/,
  );
  base.dispose();
});
