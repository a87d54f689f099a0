import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { buildModel } from "./build.ts";
import { UsageError } from "../util/errors.ts";

Deno.test("buildModel() builds each named network with the right output size", async () => {
  await tf.setBackend("cpu");
  for (const name of ["tiny-cnn", "small-cnn", "wrn-10-4"]) {
    const m = buildModel(name, { inputShape: [32, 32, 1], nClasses: 72, seed: 1 });
    assert.deepEqual(m.outputs[0]!.shape, [null, 72], name);
    m.dispose();
  }
});

Deno.test("buildModel() rejects an unknown name with a UsageError", () => {
  assert.throws(
    () => buildModel("resnet-50", { inputShape: [32, 32, 1], nClasses: 4 }),
    UsageError,
  );
});
