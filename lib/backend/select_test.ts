import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { initBackend, parseBackend } from "./mod.ts";
import { UsageError } from "../util/errors.ts";
import { BACKEND_KIND, COMMON_FLAGS } from "../util/cli.ts";
import { BACKENDS } from "./select.ts";

Deno.test("parseBackend() rejects unknown names with a UsageError", () => {
  assert.equal(parseBackend(undefined), "auto");
  assert.equal(parseBackend("wasm"), "wasm");
  assert.throws(() => parseBackend("cuda"), UsageError);
});

Deno.test("initBackend('auto') falls back past tfjs-node and records why", async () => {
  const info = await initBackend("auto");
  assert.ok(["tensorflow", "native", "wasm"].includes(info.name), info.name);
  assert.equal(tf.getBackend(), info.name);
  if (info.name !== "tensorflow") assert.match(info.skipped[0]!, /^tensorflow: /);
  if (info.name === "wasm") assert.match(info.skipped[1]!, /^native: /);
  const y = tf.tidy(() => tf.add(tf.scalar(1), tf.scalar(2)).dataSync()[0]);
  assert.equal(y, 3);
});

Deno.test("initBackend('wasm') registers geomad's gradient kernels", async () => {
  const info = await initBackend("wasm");
  assert.equal(info.name, "wasm");
  assert.ok(info.extensions.includes("geomad-wasm-grad-v1"), info.extensions.join(","));
});

Deno.test("--help's list of backends (COMMON_FLAGS) is BACKENDS", () => {
  assert.equal(BACKEND_KIND, BACKENDS.join("|"));
  assert.equal(COMMON_FLAGS.backend().kind, BACKENDS.join("|"));
});
