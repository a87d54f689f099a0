import assert from "node:assert/strict";
import { forEachConcurrent } from "./concurrent.ts";

const tick = () => new Promise((r) => setTimeout(r, 1));

Deno.test("forEachConcurrent: every item from `from` once, at most `jobs` at a time", async () => {
  let running = 0, most = 0;
  const seen: number[] = [];
  await forEachConcurrent([..."abcdefghij"], 3, async (_, i) => {
    most = Math.max(most, ++running);
    await tick();
    seen.push(i);
    running--;
  }, 2);
  assert.deepEqual(seen.sort((a, b) => a - b), [2, 3, 4, 5, 6, 7, 8, 9]);
  assert.equal(most, 3);
});

Deno.test("forEachConcurrent: the first failure stops new items and is rethrown", async () => {
  const started: number[] = [];
  await assert.rejects(
    forEachConcurrent([0, 1, 2, 3, 4, 5, 6, 7], 2, async (x) => {
      started.push(x);
      await tick();
      if (x === 1) throw new Error("item 1");
    }),
    /item 1/,
  );
  assert.ok(started.length < 8, `started ${started}`);
});
