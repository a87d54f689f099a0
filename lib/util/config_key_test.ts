import assert from "node:assert/strict";
import { canonicalJson, configDiff, configKey, sha256Hex } from "./config_key.ts";

Deno.test("canonicalJson() sorts keys at every depth and drops what JSON drops", () => {
  assert.equal(
    canonicalJson({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: undefined }, f: () => 1 }),
    '{"a":{"d":[3,{"y":2,"z":1}]},"b":1}',
  );
});

Deno.test("configKey() is equal for equal values in any key order and differs otherwise", async () => {
  const a = await configKey({ method: "geom", seed: 0, plan: { epochs: 3, lr: 0.001 } });
  const b = await configKey({ plan: { lr: 0.001, epochs: 3 }, seed: 0, method: "geom" });
  const c = await configKey({ method: "geom", seed: 1, plan: { epochs: 3, lr: 0.001 } });
  // a field added later (e.g. precision) changes the key
  const d = await configKey({ method: "geom", seed: 0, plan: { epochs: 3, lr: 0.001 }, p: "bf16" });
  assert.equal(a, b);
  assert.match(a, /^[0-9a-f]{64}$/);
  assert.equal(new Set([a, c, d]).size, 3);
  assert.equal(
    await sha256Hex("abc"),
    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
  );
});

Deno.test("configDiff() names each differing leaf", () => {
  assert.deepEqual(
    configDiff(
      { seed: 1, plan: { epochs: 3, betas: [0.9, 0.99] }, x: "a" },
      { seed: 0, plan: { epochs: 3, betas: [0.9, 0.999] }, y: 2 },
    ),
    [
      "plan.betas [0.9,0.99], not [0.9,0.999]",
      "seed 1, not 0",
      'x "a", not (none)',
      "y (none), not 2",
    ],
  );
  assert.deepEqual(configDiff({ a: 1 }, { a: 1 }), []);
});
