import assert from "node:assert/strict";
import { join } from "node:path";
import { clearOfModeBar, MODEBAR_HEIGHT } from "../render/modebar.ts";
import { reportHtml } from "./html.ts";
import { plotlySource } from "../render/plotly.ts";
import { dumpDom } from "../render/headless.ts";
import { rocFigure } from "../plots/roc.ts";
import { CHROMIUM, toolTest } from "../util/tool_testing.ts";

Deno.test("clearOfModeBar() anchors the title above the plot and grows the top margin", () => {
  const layout = { title: { text: "A<br>B" }, font: { size: 10 }, margin: { l: 1, t: 50 } };
  const out = clearOfModeBar(layout);
  assert.deepEqual(out.title, {
    text: "A<br>B",
    y: 1,
    yref: "paper",
    yanchor: "bottom",
    pad: { b: 8 },
  });
  // strip + pad + 2 lines of 14 px titles x 1.3 + 4
  assert.deepEqual(out.margin, { l: 1, t: Math.ceil(MODEBAR_HEIGHT + 8 + 2 * 1.3 * 14 + 4) });
  assert.deepEqual(layout.margin, { l: 1, t: 50 }); // input unchanged
  assert.deepEqual(clearOfModeBar({ margin: { t: 20 } }).margin, { t: MODEBAR_HEIGHT });
  assert.deepEqual(clearOfModeBar({ margin: { t: 200 }, title: { text: "x" } }).margin, { t: 200 });
});

/** A report page that, once plotted, writes whether each title box meets its mode bar box. */
async function overlapPage(dir: string, title: string, fix: boolean): Promise<string> {
  const fig = rocFigure([{ name: "GEOM", fpr: [0, 0.2, 1], tpr: [0, 0.7, 1], auroc: 0.8 }], {
    title,
  });
  let html = reportHtml({ title: "t", sections: [{ title: "s", figures: [fig] }] }, {
    plotly: await plotlySource(),
  });
  if (!fix) html = html.replace("still ? s.layout : s.interactive", "s.layout");
  const probe = `<script>
setTimeout(function () {
  var t = document.querySelector(".gtitle").getBoundingClientRect();
  var m = document.querySelector(".modebar").getBoundingClientRect();
  var overlap = t.left < m.right && m.left < t.right && t.top < m.bottom && m.top < t.bottom;
  var p = document.createElement("pre");
  p.id = "probe";
  p.textContent = JSON.stringify({ overlap: overlap, title: [t.top, t.bottom], bar: [m.top, m.bottom] });
  document.body.appendChild(p);
}, 2000);
</script></body>`;
  const path = join(dir, fix ? "fixed.html" : "plain.html");
  await Deno.writeTextFile(path, html.replace("</body>", probe));
  return path;
}

toolTest(
  "report.html in chromium: the mode bar does not cover a long title",
  [CHROMIUM],
  async ({ chromium }, dir) => {
    const title = "ROC curves of every method on normal class 0, " +
      "T-shirt/top, with the chance line, one seed";
    const probe = async (fix: boolean) => {
      const dom = await dumpDom(await overlapPage(dir, title, fix), {
        browser: chromium!,
        width: 700,
      });
      assert.ok(dom.ok, dom.ok ? "" : dom.reason);
      const text = dom.value.match(/<pre id="probe">([^<]*)<\/pre>/)?.[1];
      assert.ok(text, "the probe ran");
      return JSON.parse(text) as { overlap: boolean };
    };
    // Without the fix plotly puts a long centred title under the bar; with it, never.
    assert.equal((await probe(false)).overlap, true);
    const fixed = await probe(true);
    assert.equal(fixed.overlap, false, JSON.stringify(fixed));
  },
);
