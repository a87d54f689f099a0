import assert from "node:assert/strict";
import { presetCopy, type TrainingConfig } from "./training_config.ts";
import { UsageError } from "../util/errors.ts";

const TABLE: Record<"a" | "b", TrainingConfig> = {
  a: { model: "tiny-cnn", lr: 1e-3, betas: [0.9, 0.999], adamEpsilon: 1e-7, predictBatchSize: 8 },
  b: { model: "small-cnn", lr: 1e-4, betas: [0.5, 0.9], adamEpsilon: 1e-8, predictBatchSize: 16 },
};

Deno.test("presetCopy returns a copy the caller can change without touching the table", () => {
  const copy = presetCopy(["a", "b"], TABLE, "b");
  assert.deepEqual(copy, TABLE.b);
  copy.betas[0] = 0;
  copy.lr = 1;
  assert.deepEqual(TABLE.b.betas, [0.5, 0.9]);
  assert.equal(TABLE.b.lr, 1e-4);
});

Deno.test("presetCopy refuses an unknown name and lists the known ones", () => {
  assert.throws(
    () => presetCopy(["a", "b"], TABLE, "paper"),
    (e: unknown) =>
      e instanceof UsageError && e.message === "unknown preset 'paper' (choose from a, b)",
  );
});
