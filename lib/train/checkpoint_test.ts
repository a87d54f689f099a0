import assert from "node:assert/strict";
import { join } from "node:path";
import * as tf from "@tensorflow/tfjs";
import { checkpointRoot, RunCheckpoint } from "./checkpoint.ts";
import { predictTransformed } from "./predict.ts";
import { flips4, killable, tinyImages, tinyModel } from "./testdata/tiny.ts";
import { trainTransformClassifier } from "./trainer.ts";

await tf.setBackend("cpu");

const config = { method: "geom", dataset: "x", normalClass: 0, seed: 0, plan: { epochs: 2 } };

async function withDir(f: (root: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "geomad-ckpt-" });
  try {
    await f(checkpointRoot(join(dir, "seed-0.json")));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("RunCheckpoint: prediction killed part-way resumes after the saved outputs, same result", async () => {
  await withDir(async (root) => {
    const model = tinyModel(3);
    const images = tinyImages(9, 2);
    const opts = { batchSize: 5, seed: 4, quiet: true, label: "score" };
    const ref = await predictTransformed(model, images, { ...opts, transforms: flips4() });
    const log: string[] = [];
    const open = () =>
      RunCheckpoint.open(root, config, { intervalSeconds: 0, log: (l) => log.push(l) });
    let ck = await open();
    await assert.rejects(
      predictTransformed(model, images, {
        ...opts,
        transforms: killable(5), // 36 pairs in batches of 5: killed at the 5th
        checkpoint: await ck.predictor("score", images),
      }),
      /killed/,
    );
    // 4 batches saved, one file each
    const files = [...Deno.readDirSync(ck.dir)].map((e) => e.name).sort();
    assert.deepEqual(files, [
      "config.json",
      "score-0-5.bin",
      "score-10-15.bin",
      "score-15-20.bin",
      "score-5-10.bin",
    ]);
    ck = await open();
    const t = flips4();
    const got = await predictTransformed(model, images, {
      ...opts,
      transforms: t,
      checkpoint: await ck.predictor("score", images),
    });
    assert.match(log.at(-1)!, /^checkpoint: score: resuming at pair 20\/36 \(saved \d+ s ago\)$/);
    assert.equal(t.seeds.length, 4, "only the 4 remaining batches ran");
    assert.deepEqual(new Uint32Array(got.buffer), new Uint32Array(ref.buffer));
    // the same phase on other images does not use those outputs
    const other = tinyImages(9, 3);
    const p = await ck.predictor("score", other);
    assert.equal(
      await p.load(new Float32Array(36 * 4), {
        n: 9,
        height: 8,
        width: 8,
        channels: 1,
        nTransforms: 4,
        batchSize: 5,
        seed: 4,
      }),
      undefined,
    );
    assert.match(log.at(-1)!, /ignoring .*score-0-5\.bin: made for other images/);
    await ck.remove();
    assert.equal(await Deno.stat(root).catch(() => undefined), undefined, "folder removed");
    model.dispose();
  });
});

Deno.test("RunCheckpoint: training through files resumes bit for bit; another config's checkpoint is ignored", async () => {
  await withDir(async (root) => {
    const images = tinyImages(10, 4);
    const opts = { epochs: 2, batchSize: 7, lr: 0.01, seed: 6, quiet: true };
    const a = tinyModel(8);
    await trainTransformClassifier(a, images, { ...opts, transforms: flips4() });
    const log: string[] = [];
    const open = (c: Record<string, unknown>) =>
      RunCheckpoint.open(root, c, { intervalSeconds: 0, log: (l) => log.push(l) });
    const ck = await open(config);
    const b = tinyModel(8);
    await assert.rejects(
      trainTransformClassifier(b, images, {
        ...opts,
        transforms: killable(9),
        checkpoint: await ck.trainer(images),
      }),
      /killed/,
    );
    b.dispose();
    // another configuration (seed 1) at the same result path: its own folder, and a message
    const foreign = await open({ ...config, seed: 1 });
    assert.notEqual(foreign.dir, ck.dir);
    assert.match(
      log.at(-1)!,
      /^checkpoint: ignoring .*\.ckpt\/[0-9a-f]{16}: another configuration \(seed 0, not 1\)$/,
    );
    assert.equal(await foreign.exists(), false);
    const c = tinyModel(8);
    await trainTransformClassifier(c, images, {
      ...opts,
      transforms: flips4(),
      checkpoint: await (await open(config)).trainer(images),
    });
    assert.match(log.at(-1)!, /resuming training from epoch 2 step 2 \(54\/80 pairs/);
    assert.deepEqual(
      c.getWeights().map((w) => Array.from(w.dataSync())),
      a.getWeights().map((w) => Array.from(w.dataSync())),
    );
    // a damaged training file is ignored with a message, and training starts afresh
    const path = join(ck.dir, "train.bin");
    const bytes = Deno.readFileSync(path);
    bytes[bytes.length - 1]! ^= 1;
    Deno.writeFileSync(path, bytes);
    const d = tinyModel(8);
    const rec = await trainTransformClassifier(d, images, {
      ...opts,
      transforms: flips4(),
      checkpoint: await (await open(config)).trainer(images),
    });
    assert.match(
      log.at(-1)!,
      /^checkpoint: ignoring damaged .*train\.bin \(checksum mismatch\); training afresh$/,
    );
    assert.equal(rec.resumedFrom, undefined);
    // a damaged config.json: the folder is dropped
    Deno.writeTextFileSync(join(ck.dir, "config.json"), "{");
    await open(config);
    assert.match(log.at(-1)!, /^checkpoint: ignoring damaged checkpoint .* starting afresh$/);
    assert.equal(await Deno.stat(ck.dir).catch(() => undefined), undefined);
    for (const m of [a, c, d]) m.dispose();
  });
});
