/**
 * Shared notebooks show their figures: a notebook that shows a ROC curve and a score histogram
 * is executed on the Deno kernel (scripts/run_notebooks.py), converted with
 * `jupyter nbconvert --to html`, and opened offline in headless chromium: the HTML holds each
 * figure's div with its PNG and the pinned plotly.js script, and the screenshot shows the ROC
 * line and both histogram colours. Skipped outside CI when nbconvert or chromium is missing.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import sharp from "sharp";
import { renderPng } from "../lib/render/chromium.ts";
import { plotlyCdnUrl } from "../lib/display/share.ts";
import { PALETTE } from "../lib/plots/figure.ts";
import { CHROMIUM, NBCONVERT, runTool, toolGate } from "../lib/util/tool_testing.ts";

const REPO = fileURLToPath(new URL("..", import.meta.url));

const CELLS = [
  `import { showFigure } from "geomad/display/mod.ts";
import { rocFigure } from "geomad/plots/roc.ts";
import { scoreHistogramFigure } from "geomad/plots/histogram.ts";`,
  `await showFigure(rocFigure([{ name: "GEOM", fpr: [0, 0.05, 0.2, 1], tpr: [0, 0.6, 0.9, 1], auroc: 0.9 }], { title: "ROC curve" }));`,
  `await showFigure(scoreHistogramFigure([
  { name: "normal", scores: [0.1, 0.2, 0.2, 0.3, 0.35] },
  { name: "anomalous", scores: [0.6, 0.7, 0.7, 0.9] },
], { title: "anomaly scores", bins: 10 }));`,
];

function notebook() {
  return {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: { kernelspec: { name: "deno", display_name: "Deno", language: "typescript" } },
    cells: CELLS.map((source, i) => ({
      id: `c${i}`,
      cell_type: "code",
      metadata: {},
      source,
      outputs: [],
      execution_count: null,
    })),
  };
}

function rgb(hex: string): number[] {
  return hex.match(/\w\w/g)!.map((h) => parseInt(h, 16));
}

/** Pixels within `tol` of `color` (any alpha blend of the histogram bars counts via tol). */
function count(data: Uint8Array, channels: number, color: number[], tol: number): number {
  let n = 0;
  for (let p = 0; p < data.length; p += channels) {
    if (color.every((v, k) => Math.abs(data[p + k]! - v) <= tol)) n++;
  }
  return n;
}

const gate = toolGate(
  "notebook: executed, nbconvert --to html, opened offline in chromium: charts are there",
  [NBCONVERT, CHROMIUM],
);
Deno.test({
  name: gate.name,
  ignore: gate.ignore,
  async fn() {
    const tools = gate.require();
    // Inside the repository, so the kernel finds deno.json (and "geomad/"); _tmp* is ignored.
    const dir = await Deno.makeTempDir({ dir: REPO, prefix: "_tmp-share-test-" });
    try {
      await Deno.writeTextFile(join(dir, "share.ipynb"), JSON.stringify(notebook()));
      const ran = await runTool("/usr/bin/python3", [
        join(REPO, "scripts/run_notebooks.py"),
        "--deno",
        Deno.execPath(),
        "--save",
        join(dir, "out"),
        join(dir, "share.ipynb"),
      ]);
      assert.equal(ran.code, 0, ran.output);
      const executed = JSON.parse(await Deno.readTextFile(join(dir, "out", "share.ipynb")));
      const outputs = executed.cells.flatMap((c: { outputs: unknown[] }) => c.outputs);
      const kinds = outputs.flatMap((o: { data?: Record<string, unknown> }) =>
        Object.keys(o.data ?? {})
      );
      for (const k of ["application/vnd.plotly.v1+json", "text/html", "image/png"]) {
        assert.equal(kinds.filter((x: string) => x === k).length, 2, `${k} in ${kinds}`);
      }
      const conv = await runTool(tools["jupyter-nbconvert"]!, [
        "--to",
        "html",
        "--output-dir",
        join(dir, "html"),
        join(dir, "out", "share.ipynb"),
      ]);
      assert.equal(conv.code, 0, conv.output);
      const htmlPath = join(dir, "html", "share.html");
      const html = await Deno.readTextFile(htmlPath);
      assert.equal(html.match(/<div id="geomad-figure-[\w-]+" class="geomad-figure"/g)?.length, 2);
      const tag = `<script src="${plotlyCdnUrl()}" charset="utf-8" id="geomad-plotly-cdn">`;
      assert.equal(html.split(tag).length, 2, "the pinned plotly.js script, once");
      const imgs = [...html.matchAll(/<img src="data:image\/png;base64,([A-Za-z0-9+/=]*)"/g)];
      assert.ok(imgs.length >= 2 && imgs.every((m) => m[1]!.length > 1000), "PNGs with data");

      // Offline the CDN script cannot load: the embedded pictures must show the charts.
      const shot = await renderPng(htmlPath, join(dir, "shot.png"), {
        browser: tools.chromium!,
        width: 1100,
        height: 1500,
        settleMs: 8000,
      });
      assert.ok(shot.ok, shot.ok ? "" : shot.reason);
      const { data, info } = await sharp(join(dir, "shot.png")).removeAlpha().raw()
        .toBuffer({ resolveWithObject: true });
      const pixels = new Uint8Array(data);
      const line = count(pixels, info.channels, rgb(PALETTE[0]!), 10);
      assert.ok(line > 500, `ROC line pixels: ${line}`);
      // Histogram bars: palette colours at plotly's bar opacity over white.
      const blend = (hex: string, a: number) =>
        rgb(hex).map((v) => Math.round(a * v + (1 - a) * 255));
      const normal = count(pixels, info.channels, blend(PALETTE[0]!, 0.6), 12);
      const anomalous = count(pixels, info.channels, blend(PALETTE[1]!, 0.6), 12);
      assert.ok(normal > 2000 && anomalous > 2000, `bars: ${normal}, ${anomalous}`);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});
