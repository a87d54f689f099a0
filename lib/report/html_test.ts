import assert from "node:assert/strict";
import { estimateReportHeight, type Report, reportHtml } from "./html.ts";
import { rocFigure } from "../plots/roc.ts";
import { montage } from "../plots/montage.ts";

const tinyPng = () =>
  montage({ data: new Float32Array(4), n: 1, height: 2, width: 2, channels: 1 }, {
    scale: 10,
    padding: 0,
  });

Deno.test("reportHtml() inlines plotly once, figures as JSON, images as data URIs", async () => {
  const fig = rocFigure([{ name: "</script><b>", fpr: [0, 1], tpr: [0, 1] }]);
  const report: Report = {
    title: "R & D",
    meta: ["from x"],
    sections: [
      { title: "A", text: ["para <1>"], figures: [fig, fig] },
      {
        title: "B",
        images: [{ png: await tinyPng(), caption: "grid" }],
        tables: [{ rows: [{ a: 1 }] }],
      },
    ],
  };
  const html = reportHtml(report, { plotly: "/*PLOTLY*/" });
  assert.equal(html.split("/*PLOTLY*/").length, 2);
  assert.match(html, /<title>R &#38; D<\/title>/);
  assert.match(html, /<p>para &#60;1&#62;<\/p>/);
  assert.match(html, /id="figure-0"/);
  assert.match(html, /id="figure-1"/);
  assert.match(html, /<img src="data:image\/png;base64,[A-Za-z0-9+/=]+" width="20" height="20"/);
  assert.match(html, /<figcaption>grid<\/figcaption>/);
  assert.match(html, /<table class="geomad-table">/);
  // The figure JSON cannot close its script element early.
  const json = html.slice(html.indexOf('id="geomad-figures">'));
  assert.equal(json.slice(0, json.indexOf("</script>")).includes("<"), false);
  const specs = JSON.parse(json.slice(json.indexOf(">") + 1, json.indexOf("</script>")));
  assert.equal(specs.length, 2);
  assert.equal(specs[0].data[0].name, "</script><b>");
});

Deno.test("reportHtml() needs the plotly source only when there are figures", () => {
  const empty: Report = { title: "t", sections: [{ title: "s", text: ["x"] }] };
  assert.doesNotMatch(reportHtml(empty), /<script/);
  const withFig: Report = {
    title: "t",
    sections: [{ title: "s", figures: [rocFigure([{ name: "a", fpr: [0, 1], tpr: [0, 1] }])] }],
  };
  assert.throws(() => reportHtml(withFig), /need the plotly source/);
});

Deno.test("estimateReportHeight() grows with content and wraps figures into columns", () => {
  const fig = rocFigure([{ name: "a", fpr: [0, 1], tpr: [0, 1] }]);
  const one: Report = { title: "t", sections: [{ title: "s", figures: [fig] }] };
  const four: Report = { title: "t", sections: [{ title: "s", figures: [fig, fig, fig, fig] }] };
  const wide = estimateReportHeight(four, 1200), narrow = estimateReportHeight(four, 600);
  assert.ok(estimateReportHeight(one, 1200) < wide);
  assert.ok(wide < narrow, `${wide} < ${narrow}`);
});
