import assert from "node:assert/strict";
import { type DisplayFn, liveProgress, progressBundle, progressKey } from "./progress.ts";
import type { MimeBundle } from "./mime.ts";

type Call = { bundle: MimeBundle; options: Parameters<DisplayFn>[1] };

function recorder(): { calls: Call[]; display: DisplayFn } {
  const calls: Call[] = [];
  return {
    calls,
    display: (bundle, options) => {
      calls.push({ bundle, options });
      return Promise.resolve();
    },
  };
}

Deno.test("progressKey() names the bar before its [###] part", () => {
  assert.equal(progressKey("train [##   ] 40% 10/25 loss 1.2"), "train");
  assert.equal(progressKey("fit-probs predict [#####] 100% 64/64"), "fit-probs predict");
  assert.equal(progressKey("done"), "done");
});

Deno.test("progressBundle() escapes HTML and keeps one line per bar", () => {
  const b = progressBundle(["a <b>", "c & d"]);
  assert.equal(b["text/plain"], "a <b>\nc & d");
  assert.match(b["text/html"] as string, /^<pre[^>]*>a &#60;b&#62;\nc &#38; d<\/pre>$/);
});

Deno.test("liveProgress() shows one display, then updates it with the latest line per bar", async () => {
  const { calls, display } = recorder();
  const printed: string[] = [];
  const p = liveProgress({ display, intervalMs: 0, displayId: "x", write: (l) => printed.push(l) });
  p.onProgress("train [#   ] 25%", false);
  p.onProgress("train [####] 100%", true);
  p.onProgress("score predict [####] 100%", true);
  await p.flush();
  assert.deepEqual(calls.map((c) => c.options), [
    { raw: true, display_id: "x" },
    { raw: true, display_id: "x", update: true },
    { raw: true, display_id: "x", update: true },
  ]);
  assert.equal(calls[0]!.bundle["text/plain"], "train [#   ] 25%");
  assert.equal(calls[2]!.bundle["text/plain"], "train [####] 100%\nscore predict [####] 100%");
  assert.deepEqual(p.lines, ["train [####] 100%", "score predict [####] 100%"]);
  // Final lines are also written, so headless runs keep them.
  assert.deepEqual(printed, ["train [####] 100%", "score predict [####] 100%"]);
});

Deno.test("liveProgress() throttles non-final updates but never drops a final line", async () => {
  const { calls, display } = recorder();
  const p = liveProgress({ display, intervalMs: 60_000, printFinal: false, write: () => {} });
  p.onProgress("train [#  ] 1", false); // first: shown
  p.onProgress("train [## ] 2", false); // within the interval: skipped
  p.onProgress("train [###] 3", true); // final: shown
  await p.flush();
  assert.deepEqual(calls.map((c) => c.bundle["text/plain"]), ["train [#  ] 1", "train [###] 3"]);
});

Deno.test("liveProgress() writes every line when there is no display", () => {
  const printed: string[] = [];
  const p = liveProgress({ write: (l) => printed.push(l) });
  p.onProgress("train [# ] 50%", false);
  p.onProgress("train [##] 100%", true);
  assert.deepEqual(printed, ["train [# ] 50%", "train [##] 100%"]);
});

Deno.test("liveProgress() rethrows a display failure from flush()", async () => {
  const p = liveProgress({
    display: () => Promise.reject(new Error("kernel gone")),
    write: () => {},
  });
  p.onProgress("train [#] 100%", true);
  await assert.rejects(p.flush(), { message: "kernel gone" });
  await p.flush(); // reported once
});

Deno.test("liveProgress() rejects a negative interval", () => {
  assert.throws(() => liveProgress({ intervalMs: -1 }), {
    name: "RangeError",
    message: /Cannot show progress: intervalMs must be >= 0/,
  });
});
