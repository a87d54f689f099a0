/**
 * `deno task report <folder>` builds index.html from the records of a real smoke sweep, and
 * the page filters by method in headless chromium: opened with `#method=dsebm`, its script
 * hides every other run (read back with --dump-dom). Skipped outside CI without chromium.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { reportMain } from "../lib/report/cli.ts";
import { dumpDom } from "../lib/render/headless.ts";
import { CHROMIUM, toolTest } from "../lib/util/tool_testing.ts";
import { smokeCompare } from "./sweep_testing.ts";

/** The `<tr>` start tags of the runs table in a serialized DOM. */
function runRows(dom: string): string[] {
  const body = dom.match(/<table id="runs">[\s\S]*?<tbody>([\s\S]*?)<\/tbody>/)?.[1] ?? "";
  return body.match(/<tr\b[^>]*>/g) ?? [];
}

toolTest(
  "report: index.html lists the runs of a smoke sweep and filters by method in chromium",
  [CHROMIUM],
  async (tools) => {
    const { root } = await smokeCompare();
    const lines: string[] = [];
    const outcome = await reportMain([root, "--no-png", "--no-figures"], (l) => lines.push(l));
    assert.equal(outcome.index, join(root, "index.html"));
    assert.ok(lines.some((l) => /wrote .*index\.html \(4 runs, 1 sweeps, 0 benches/.test(l)));
    const html = await Deno.readTextFile(outcome.index!);
    assert.equal(runRows(html).length, 4);
    // Every run links to the comparison it belongs to.
    assert.equal(
      html.match(/<a href="compare\/fashion-mnist-sample\/summary\.html">/g)?.length,
      5,
    );

    const all = await dumpDom(outcome.index!, { browser: tools.chromium! });
    assert.ok(all.ok, all.ok ? "" : all.reason);
    assert.equal(runRows(all.value).filter((r) => !/\shidden/.test(r)).length, 4);

    const filtered = await dumpDom(outcome.index!, {
      browser: tools.chromium!,
      hash: "#method=dsebm&sort=auroc&dir=desc",
    });
    assert.ok(filtered.ok, filtered.ok ? "" : filtered.reason);
    const rows = runRows(filtered.value);
    const shown = rows.filter((r) => !/\shidden/.test(r));
    assert.equal(shown.length, 2);
    assert.ok(shown.every((r) => r.includes('data-method="dsebm"')), shown.join("\n"));
    assert.equal(rows.filter((r) => r.includes('data-method="raw-ocsvm"')).length, 2);
    assert.match(filtered.value, /id="geomad-index-status" data-visible="2">2 of 4 runs shown/);
    assert.match(filtered.value, /<select data-filter="method" id="filter-method">/);
    // Sorted by AUROC, highest first, among the visible rows.
    const aurocs = [
      ...filtered.value.matchAll(
        /<tr data-method="dsebm"[^>]*>.*?<td data-key="auroc" data-value="([\d.]+)"/g,
      ),
    ]
      .map((m) => Number(m[1]));
    assert.equal(aurocs.length, 2);
    assert.ok(aurocs[0]! >= aurocs[1]!, `sorted descending: ${aurocs}`);
  },
);
