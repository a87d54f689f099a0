import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { initBackend, parseBackend } from "./select.ts";
import { UsageError } from "../util/errors.ts";

Deno.test("parseBackend() rejects unknown names with a UsageError", () => {
  assert.equal(parseBackend(undefined), "auto");
  assert.equal(parseBackend("wasm"), "wasm");
  assert.throws(() => parseBackend("cuda"), UsageError);
});

Deno.test("initBackend('auto') falls back past tfjs-node to wasm here and records why", async () => {
  const info = await initBackend("auto");
  assert.ok(["tensorflow", "wasm"].includes(info.name));
  assert.equal(tf.getBackend(), info.name);
  if (info.name === "wasm") assert.match(info.skipped[0]!, /^tensorflow: /);
  const y = tf.tidy(() => tf.add(tf.scalar(1), tf.scalar(2)).dataSync()[0]);
  assert.equal(y, 3);
});
