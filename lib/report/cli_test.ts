import assert from "node:assert/strict";
import { reportMain } from "./cli.ts";
import { writeFakeResults } from "./testdata/fake_results.ts";

Deno.test("reportMain() writes a self-contained report.html from a results folder", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const written = await writeFakeResults(dir);
    const lines: string[] = [];
    const out = await reportMain([dir, "--no-png", "--title", "CI run"], (l) => lines.push(l));
    assert.equal(out.html, `${dir}/report.html`);
    assert.equal(out.records, written);
    assert.equal(out.png, undefined);
    const html = await Deno.readTextFile(out.html);
    assert.match(html, /plotly\.js v\d/);
    assert.match(html, /<title>CI run<\/title>/);
    // 1 bar chart + 2 ROC figures (2 classes).
    assert.match(html, /id="figure-2"/);
    assert.doesNotMatch(html, /id="figure-3"/);
    assert.match(lines[0]!, /^report: wrote .*report\.html \(8 records, 0 skipped\)$/);
    const leftovers = [...Deno.readDirSync(dir)].filter((e) => e.name.startsWith("."));
    assert.deepEqual(leftovers, []);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("reportMain() rejects bad usage and folders without results", async () => {
  await assert.rejects(reportMain([], () => {}), { name: "UsageError" });
  await assert.rejects(reportMain(["a", "b"], () => {}), { name: "UsageError" });
  await assert.rejects(reportMain(["x", "--width", "abc"], () => {}), { name: "UsageError" });
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${dir}/x.json`, "{}");
    await assert.rejects(reportMain([dir, "--no-png"], () => {}), /no result records.*1 skipped/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
