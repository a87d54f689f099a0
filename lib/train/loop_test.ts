import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { RunError } from "../util/errors.ts";
import { Rng } from "../util/rng.ts";
import {
  batchTensor,
  type LoopPosition,
  mapBatches,
  runEpochs,
  sampleWithoutReplacement,
  trainLoop,
} from "./loop.ts";
import { Progress } from "../util/progress.ts";
import { useCpu } from "../backend/testing.ts";
import { syntheticImages } from "../data/testdata/synthetic.ts";

Deno.test("trainLoop(): shuffled passes, partial last batch, per-epoch weighted means", async () => {
  await useCpu();
  const seen: number[][] = [];
  const rec = await trainLoop(
    { method: "T", n: 10, epochs: 2, batchSize: 4, seed: 1, quiet: true },
    (batch, info) => {
      seen.push(Array.from(batch));
      assert.ok(info.epoch >= 1 && info.step >= 1);
      return { loss: tf.scalar(batch.length), other: tf.scalar(info.epoch) };
    },
  );
  assert.deepEqual(seen.map((b) => b.length), [4, 4, 2, 4, 4, 2]);
  assert.deepEqual([...seen.slice(0, 3).flat()].sort((a, b) => a - b), [
    0,
    1,
    2,
    3,
    4,
    5,
    6,
    7,
    8,
    9,
  ]);
  assert.notDeepEqual(seen.slice(0, 3), seen.slice(3));
  assert.equal(rec.steps, 6);
  assert.deepEqual(rec.lossHistory.loss, [3.6, 3.6]); // (4*4 + 4*4 + 2*2) / 10
  assert.deepEqual(rec.lossHistory.other, [1, 2]);
  assert.deepEqual(rec.finalLoss, { loss: 3.6, other: 2 });
});

Deno.test("trainLoop(): stepsPerEpoch draws distinct indices; a NaN loss is a RunError", async () => {
  await useCpu();
  let steps = 0;
  await trainLoop(
    { method: "G", n: 5, epochs: 2, batchSize: 3, stepsPerEpoch: 4, seed: 2, quiet: true },
    (batch) => {
      steps++;
      assert.equal(new Set(batch).size, 3);
      return tf.scalar(0);
    },
  );
  assert.equal(steps, 8);
  await assert.rejects(
    trainLoop(
      { method: "Foo", n: 8, epochs: 3, batchSize: 4, seed: 1, quiet: true },
      (_b, i) => ({
        mse: tf.scalar(1),
        energy: tf.scalar(i.epoch === 2 && i.step === 2 ? NaN : 1),
      }),
    ),
    (e: unknown) => {
      assert.ok(e instanceof RunError);
      assert.equal(e.message, "Cannot train Foo: energy is NaN at epoch 2 step 2");
      return true;
    },
  );
});

Deno.test("sampleWithoutReplacement() and batchTensor()/mapBatches() keep image order", async () => {
  await useCpu();
  const s = sampleWithoutReplacement(6, 10, new Rng(1));
  assert.deepEqual([...s].sort(), [0, 1, 2, 3, 4, 5]);
  const x = syntheticImages(5, { kind: "normal", seed: 1, side: 8 });
  const t = batchTensor(x, [3, 1]);
  assert.deepEqual(t.shape, [2, 8, 8, 1]);
  assert.deepEqual(t.dataSync().slice(0, 64), x.data.slice(3 * 64, 4 * 64));
  t.dispose();
  const means = await mapBatches(x, { batchSize: 2, width: 1 }, (b) => b.mean([1, 2, 3]));
  for (let i = 0; i < 5; i++) {
    const want = x.data.slice(i * 64, (i + 1) * 64).reduce((a, b) => a + b, 0) / 64;
    assert.ok(Math.abs(means[i]! - want) < 1e-5);
  }
});

Deno.test("runEpochs(): resumed from a mid-epoch position, it ends as the uninterrupted run", async () => {
  await useCpu();
  // Losses depend on (epoch, step) only; batches of 3, 3 and 1 images per epoch.
  const sizes = [3, 3, 1];
  const run = async (start?: LoopPosition, stopAfter?: number) => {
    const positions: LoopPosition[] = [];
    const calls: string[] = [];
    const out = await runEpochs({
      method: "R",
      epochs: 2,
      stepsPerEpoch: 3,
      start,
      progress: new Progress("t", 14, { quiet: true }),
      units: (m) => m,
      epochStart: (epoch, resumeStep) => {
        calls.push(`start ${epoch} ${resumeStep}`);
        return (s) => new Int32Array(sizes[s - 1]!);
      },
      step: (_batch, { epoch, step }) => {
        calls.push(`step ${epoch}.${step}`);
        return { loss: tf.scalar(epoch * 10 + step), aux: tf.scalar(step) };
      },
      afterStep: (p) => {
        positions.push(structuredClone(p));
        if (stopAfter !== undefined && p.steps === stopAfter) throw new Error("killed");
      },
    }).catch((e: Error) => e);
    return { out, positions, calls };
  };
  const whole = await run();
  assert.ok(!(whole.out instanceof Error));
  const { position, images } = whole.out;
  assert.equal(images, 14);
  assert.equal(position.steps, 6);
  // Epoch 1: (11*3 + 12*3 + 13*1) / 7; epoch 2: (21*3 + 22*3 + 23*1) / 7.
  assert.deepEqual(position.history.loss, [82 / 7, 152 / 7]);
  assert.deepEqual(position.history.aux, [12 / 7, 12 / 7]);
  // Killed after step 2 of epoch 2, resumed from the position saved there.
  const killed = await run(undefined, 5);
  assert.ok(killed.out instanceof Error);
  const saved = killed.positions.at(-1)!;
  assert.deepEqual({ ...saved, history: undefined }, {
    epochsDone: 1,
    step: 2,
    steps: 5,
    sums: { loss: 21 * 3 + 22 * 3, aux: 1 * 3 + 2 * 3 },
    seen: 6,
    history: undefined,
  });
  const resumed = await run(saved);
  assert.deepEqual(resumed.calls, ["start 2 2", "step 2.3"]);
  assert.ok(!(resumed.out instanceof Error));
  assert.deepEqual(resumed.out.position, position);
  assert.equal(resumed.out.images, 1);
});
