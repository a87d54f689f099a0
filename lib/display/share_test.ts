import assert from "node:assert/strict";
import denoConfig from "../../deno.json" with { type: "json" };
import {
  figureHtml,
  figureMode,
  plotlyCdnUrl,
  plotlyVersion,
  resetSharedFigures,
  setFigureMode,
  sharedFigureBundle,
} from "./share.ts";
import { PLOTLY_MIME } from "./mime.ts";
import { rocFigure } from "../plots/roc.ts";
import { CHROMIUM, toolTest } from "../util/tool_testing.ts";

const fig = rocFigure([{ name: "GEOM", fpr: [0, 0.2, 1], tpr: [0, 0.8, 1], auroc: 0.85 }], {
  title: "ROC <class 0>",
});

Deno.test("plotlyCdnUrl() is pinned to the plotly.js version in deno.json", () => {
  const spec = denoConfig.imports["plotly.js-dist-min"];
  assert.equal(spec, `npm:plotly.js-dist-min@${plotlyVersion()}`);
  assert.equal(plotlyCdnUrl(), `https://cdn.plot.ly/plotly-${plotlyVersion()}.min.js`);
});

Deno.test("setFigureMode() sets and resets the mode; bad modes are one-line errors", () => {
  try {
    setFigureMode("mime");
    assert.equal(figureMode(), "mime");
    setFigureMode("+cdn" as "cdn");
    assert.equal(figureMode(), "cdn");
    assert.throws(() => setFigureMode("png" as "mime"), {
      name: "RangeError",
      message: "Cannot set the figure mode: the mode is 'png' (choose from mime, cdn, static)",
    });
  } finally {
    setFigureMode(undefined);
  }
  assert.ok(["cdn", "static"].includes(figureMode()));
});

Deno.test("figureHtml() has a div, the pinned script once, a loader and the figure", () => {
  const first = figureHtml(fig, { scriptTag: true, id: "f1" });
  assert.match(first, /^<div id="f1" class="geomad-figure" style="width:100%;min-height:450px">/);
  const tag = `<script src="${plotlyCdnUrl()}" charset="utf-8" id="geomad-plotly-cdn"></script>`;
  assert.equal(first.split(tag).length, 2);
  assert.match(first, /ROC &#60;class 0&#62; \(plotly figure: loading plotly\.js\)/);
  assert.match(first, /"text":"ROC \\u003cclass 0>"/); // JSON safe inside <script>
  const later = figureHtml(fig, { scriptTag: false, id: "f2", png: new Uint8Array([1, 2, 3]) });
  assert.ok(!later.includes("<script src="));
  assert.match(later, /s\.src = url/); // loads plotly itself when no tag is on the page
  assert.match(
    later,
    /<img src="data:image\/png;base64,AQID" alt="ROC &#60;class 0&#62;" width="700"/,
  );
});

Deno.test("sharedFigureBundle() in mime and cdn modes", async () => {
  resetSharedFigures();
  const mime = await sharedFigureBundle(fig, { mode: "mime" });
  assert.ok(PLOTLY_MIME in mime);
  assert.ok(!(mime["text/html"] as string).includes("<script"));
  const layout = (mime[PLOTLY_MIME] as { layout: { title: { yref: string } } }).layout;
  assert.equal(layout.title.yref, "paper"); // clear of the mode bar in JupyterLab too
  const a = await sharedFigureBundle(fig, { mode: "cdn" });
  const b = await sharedFigureBundle(fig, { mode: "cdn" });
  assert.ok((a["text/html"] as string).includes(`<script src="${plotlyCdnUrl()}"`));
  assert.ok(!(b["text/html"] as string).includes("<script src=")); // once per notebook
  assert.ok(!("image/png" in a));
});

toolTest(
  "sharedFigureBundle() in static mode carries a PNG of the chart",
  [CHROMIUM],
  async ({ chromium }) => {
    const bundle = await sharedFigureBundle(fig, { mode: "static", browser: chromium! });
    const png = Uint8Array.from(atob(bundle["image/png"] as string), (c) => c.charCodeAt(0));
    assert.deepEqual([...png.slice(1, 4)], [80, 78, 71]); // "PNG"
    const view = new DataView(png.buffer);
    assert.deepEqual([view.getUint32(16), view.getUint32(20)], [1400, 900]); // 700x450 at 2x
    assert.match(
      bundle["text/html"] as string,
      /<img src="data:image\/png;base64,[A-Za-z0-9+/]{1000,}/,
    );
    const broken = await sharedFigureBundle(fig, { mode: "static", browser: "/nonexistent/x" });
    assert.ok(!("image/png" in broken));
    assert.match(broken["text/plain"] as string, /\(no static image: cannot run \/nonexistent\/x/);
  },
);
