import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { predictTransformed } from "./predict.ts";
import { flips4, tinyImages, tinyModel } from "./testdata/tiny.ts";

await tf.setBackend("cpu");

Deno.test("predictTransformed() returns [n, T, T] softmax rows matching a direct forward pass", async () => {
  const model = tinyModel(3);
  const images = tinyImages(5, 4);
  const t = flips4();
  const before = tf.memory().numTensors;
  const probs = await predictTransformed(model, images, {
    transforms: t,
    batchSize: 7,
    quiet: true,
  });
  assert.equal(tf.memory().numTensors, before);
  assert.equal(probs.length, 5 * 4 * 4);
  // reference: image i under transformation k, one forward pass per transformation
  const x = tf.tensor4d(images.data, [5, 8, 8, 1]);
  for (let k = 0; k < 4; k++) {
    const ref = tf.tidy(() => (model.predict(t.apply(x, [k, k, k, k, k])) as tf.Tensor).dataSync());
    for (let i = 0; i < 5; i++) {
      let sum = 0;
      for (let c = 0; c < 4; c++) {
        const got = probs[(i * 4 + k) * 4 + c]!;
        sum += got;
        assert.ok(Math.abs(got - ref[i * 4 + c]!) < 1e-6, `image ${i} t ${k} class ${c}`);
      }
      assert.ok(Math.abs(sum - 1) < 1e-5);
    }
  }
  x.dispose();
  // batch size does not change the result (inference-mode BN)
  const one = await predictTransformed(model, images, { transforms: t, batchSize: 1, quiet: true });
  assert.ok(one.every((v, j) => Math.abs(v - probs[j]!) < 1e-6));
  model.dispose();
});

Deno.test("predictTransformed() passes seeds to the set and reports progress", async () => {
  const model = tinyModel(3);
  const t = flips4();
  const lines: string[] = [];
  await predictTransformed(model, tinyImages(3, 1), {
    transforms: t,
    batchSize: 5,
    seed: 9,
    onProgress: (l) => lines.push(l),
  });
  assert.equal(t.seeds.length, 3); // 12 pairs in batches of 5
  assert.ok(t.seeds.every((s) => s > 0));
  assert.match(lines.at(-1)!, /predict .* 12\/12 /);
  const again = flips4();
  await predictTransformed(model, tinyImages(3, 1), {
    transforms: again,
    batchSize: 5,
    seed: 9,
    quiet: true,
  });
  assert.deepEqual(again.seeds, t.seeds);
  model.dispose();
});

Deno.test("predictTransformed() rejects a model that does not fit the set", async () => {
  const model = tinyModel(3, 5);
  await assert.rejects(
    predictTransformed(model, tinyImages(2, 1), { transforms: flips4(), quiet: true }),
    /Cannot predict: the model outputs shape \[batch, 5\], not \[batch, 4\]/,
  );
  const m4 = tinyModel(1);
  await assert.rejects(
    predictTransformed(m4, tinyImages(2, 1), { transforms: flips4(), batchSize: 0 }),
    /Cannot predict: batchSize 0/,
  );
  model.dispose();
  m4.dispose();
});
