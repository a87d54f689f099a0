/** GOAD's training (custom loss, whole-image batches, two outputs) killed and resumed. */
import assert from "node:assert/strict";
import { join } from "node:path";
import * as tf from "@tensorflow/tfjs";
import { withFeatures } from "../models/multi_head.ts";
import { checkpointRoot, RunCheckpoint } from "./checkpoint.ts";
import { predictTransformed } from "./predict.ts";
import { flips4, killable, tinyImages, tinyModel } from "./testdata/tiny.ts";
import { trainTransformClassifier } from "./trainer.ts";
import { goadLoss } from "./triplet_centre.ts";

await tf.setBackend("cpu");

Deno.test("GOAD training killed mid-epoch resumes bit for bit; its features resume too", async () => {
  const dir = await Deno.makeTempDir({ prefix: "geomad-goad-ckpt-" });
  try {
    const root = checkpointRoot(join(dir, "seed-0.json"));
    const config = { method: "goad", dataset: "x", normalClass: 0, seed: 0 };
    const images = tinyImages(10, 4);
    const opts = {
      epochs: 2,
      batchSize: 8, // 2 whole images x 4 transformations
      wholeImages: true,
      loss: goadLoss({ nTransforms: 4, margin: 1, lambda: 0.1, featurePenalty: 10 }),
      modelLosses: false,
      lr: 0.01,
      seed: 6,
      quiet: true,
    };
    const a = withFeatures(tinyModel(8));
    await trainTransformClassifier(a, images, { ...opts, transforms: flips4() });
    const log: string[] = [];
    const open = () =>
      RunCheckpoint.open(root, config, { intervalSeconds: 0, log: (l) => log.push(l) });
    const b = withFeatures(tinyModel(8));
    await assert.rejects(
      trainTransformClassifier(b, images, {
        ...opts,
        transforms: killable(8), // epoch 2, step 3
        checkpoint: await (await open()).trainer(images),
      }),
      /killed/,
    );
    b.dispose();
    const c = withFeatures(tinyModel(8));
    await trainTransformClassifier(c, images, {
      ...opts,
      transforms: flips4(),
      checkpoint: await (await open()).trainer(images),
    });
    assert.match(log.at(-1)!, /resuming training from epoch 2 step 2 \(56\/80 pairs/);
    const weights = (m: tf.LayersModel) => m.getWeights().map((w) => Array.from(w.dataSync()));
    assert.deepEqual(weights(c), weights(a));
    // Features (a custom forward, 4 values per pair here) saved and resumed by the predictor.
    const width = c.outputs[0]!.shape[1] as number;
    const popts = {
      batchSize: 12,
      forward: (m: tf.LayersModel, x: tf.Tensor4D) => (m.apply(x) as tf.Tensor[])[0]!,
      outputWidth: width,
      quiet: true,
    };
    const ref = await predictTransformed(a, images, { ...popts, transforms: flips4() });
    const ck = await open();
    await assert.rejects(
      predictTransformed(c, images, {
        ...popts,
        transforms: killable(3),
        checkpoint: await ck.predictor("fit-features", images),
      }),
      /killed/,
    );
    const resumed = await predictTransformed(c, images, {
      ...popts,
      transforms: flips4(),
      checkpoint: await (await open()).predictor("fit-features", images),
    });
    assert.match(log.at(-1)!, /predict: resuming at pair 24\/40/);
    assert.deepEqual(Array.from(resumed), Array.from(ref));
    a.dispose();
    c.dispose();
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
