/**
 * The figures of a rendered report are really there: render a report holding a ROC plot and
 * an image montage with headless chromium, decode the screenshot and find both.
 * Skipped (with a note) when no browser is installed.
 */
import assert from "node:assert/strict";
import sharp from "sharp";
import { estimateReportHeight, type Report, reportHtml } from "./html.ts";
import { plotlySource } from "../render/plotly.ts";
import { renderPng } from "../render/chromium.ts";
import { findChromium } from "../render/headless.ts";
import { rocFigure } from "../plots/roc.ts";
import { montage } from "../plots/montage.ts";
import { PALETTE } from "../plots/figure.ts";
import { Rng } from "../util/rng.ts";

const browser = findChromium();

/** 8 RGB 8x8 tiles: magenta/green checkerboards, so the montage's pixels are unmistakable. */
function checkerTiles() {
  const n = 8, h = 8, w = 8, data = new Float32Array(n * h * w * 3);
  for (let i = 0; i < n * h * w; i++) {
    const x = i % w, y = Math.floor(i / w) % h;
    const magenta = (x + y) % 2 === 0;
    data.set(magenta ? [1, -1, 1] : [-1, 1, -1], i * 3);
  }
  return { data, n, height: h, width: w, channels: 3 };
}

/** Bounding box and count of pixels within `tol` of `rgb`. */
function findColor(
  data: Uint8Array,
  width: number,
  channels: number,
  rgb: number[],
  tol: number,
) {
  let count = 0, x0 = Infinity, y0 = Infinity, x1 = -1, y1 = -1;
  for (let i = 0; i < data.length / channels; i++) {
    const p = i * channels;
    if (rgb.every((v, k) => Math.abs(data[p + k]! - v) <= tol)) {
      count++;
      const x = i % width, y = Math.floor(i / width);
      x0 = Math.min(x0, x), x1 = Math.max(x1, x), y0 = Math.min(y0, y), y1 = Math.max(y1, y);
    }
  }
  return { count, x0, y0, x1, y1 };
}

/** Number of distinct colours in a box. */
function colorsIn(
  data: Uint8Array,
  width: number,
  channels: number,
  box: { x0: number; y0: number; x1: number; y1: number },
) {
  const seen = new Set<number>();
  for (let y = box.y0; y <= box.y1; y++) {
    for (let x = box.x0; x <= box.x1; x++) {
      const p = (y * width + x) * channels;
      seen.add((data[p]! << 16) | (data[p + 1]! << 8) | data[p + 2]!);
    }
  }
  return seen.size;
}

Deno.test({
  name: "renderPng() screenshot of a report shows the ROC curve and the montage",
  ignore: browser === undefined,
  async fn() {
    const rng = new Rng(3);
    const fpr = [0], tpr = [0];
    for (let i = 1; i <= 50; i++) {
      fpr.push(i / 50);
      tpr.push(Math.min(1, Math.max(tpr.at(-1)!, Math.sqrt(i / 50) + 0.02 * rng.normal())));
    }
    tpr[50] = 1;
    const tiles = checkerTiles();
    const png = await montage(tiles, { columns: 4, scale: 6, padding: 2 });
    const report: Report = {
      title: "render test",
      sections: [
        { title: "ROC", figures: [rocFigure([{ name: "GEOM", fpr, tpr, auroc: 0.8 }])] },
        { title: "Montage", images: [{ png, caption: "checkerboards" }] },
      ],
    };
    const dir = await Deno.makeTempDir();
    try {
      await Deno.writeTextFile(
        `${dir}/r.html`,
        reportHtml(report, { plotly: await plotlySource() }),
      );
      const width = 1000, height = estimateReportHeight(report, width);
      const result = await renderPng(`${dir}/r.html`, `${dir}/r.png`, { width, height });
      assert.ok(result.ok, result.ok ? "" : result.reason);
      const { data, info } = await sharp(`${dir}/r.png`).removeAlpha().raw().toBuffer({
        resolveWithObject: true,
      });
      const pixels = new Uint8Array(data);
      assert.equal(info.width, width);
      assert.equal(info.height, height);
      // The ROC curve: plotly drew a line in the first palette colour, spanning most of the
      // plot both ways (only plotly's rendering can put that colour on the page).
      const blue = PALETTE[0]!.match(/\w\w/g)!.map((h) => parseInt(h, 16));
      const curve = findColor(pixels, info.width, info.channels, blue, 12);
      assert.ok(curve.count > 300, `ROC line pixels: ${curve.count}`);
      assert.ok(curve.x1 - curve.x0 > 300 && curve.y1 - curve.y0 > 200, JSON.stringify(curve));
      const plotBox = {
        x0: Math.max(0, curve.x0 - 60),
        y0: curve.y0,
        x1: curve.x1,
        y1: Math.min(info.height - 1, curve.y1 + 40),
      };
      assert.ok(colorsIn(pixels, info.width, info.channels, plotBox) > 20, "plot is not blank");
      // The montage: every magenta pixel of the PNG is on screen (drawn 1:1), below the plot.
      const magenta = findColor(pixels, info.width, info.channels, [255, 0, 255], 0);
      const expected = tiles.n * 32 * 36; // 8 tiles x 32 magenta pixels x scale 6^2
      assert.equal(magenta.count, expected);
      assert.ok(magenta.y0 > curve.y1, `montage top ${magenta.y0} below plot ${curve.y1}`);
      assert.equal(magenta.x1 - magenta.x0 + 1, 4 * 48 + 3 * 2); // 4 tiles, 3 gaps
      assert.ok(colorsIn(pixels, info.width, info.channels, magenta) >= 3, "montage region");
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test("renderPng() reports a missing browser instead of throwing", async () => {
  const result = await renderPng("/nonexistent.html", "/tmp/geomad-never.png", {
    browser: "/nonexistent/chromium",
  });
  assert.equal(result.ok, false);
  assert.match(result.ok ? "" : result.reason, /cannot run \/nonexistent\/chromium/);
});
