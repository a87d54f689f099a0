import assert from "node:assert/strict";
import { join } from "node:path";
import {
  figureSlug,
  PAPER_FIGURE,
  paperFigure,
  paperPixels,
  svgPrintPage,
  writeFigureFiles,
} from "./vector.ts";
import { rocFigure } from "../plots/roc.ts";
import { heatmapFigure } from "../plots/heatmap.ts";
import { CHROMIUM, PDFINFO, toolTest } from "../util/tool_testing.ts";
import { assertPaperFigureFiles } from "./vector_testing.ts";

const roc = rocFigure([{ name: "GEOM", fpr: [0, 0.1, 1], tpr: [0, 0.8, 1], auroc: 0.9 }], {
  title: "ROC: class 0 (T-shirt/top)",
});

Deno.test("paperFigure() fixes size and font and turns the mode bar off", () => {
  assert.deepEqual(paperPixels(PAPER_FIGURE), { width: 624, height: 384 });
  const f = paperFigure(roc);
  assert.equal(f.layout.width, 624);
  assert.equal(f.layout.height, 384);
  assert.equal((f.layout.font as { size: number }).size.toFixed(2), "13.33"); // 10 pt
  assert.equal((f.layout.title as unknown as { font: { size: number } }).font.size, 16); // 12 pt
  assert.equal(f.config?.displayModeBar, false);
  assert.equal(roc.layout.width, undefined); // input unchanged
});

Deno.test("figureSlug() and svgPrintPage() name and size the files", () => {
  assert.equal(figureSlug(roc, 0), "01-roc-class-0-t-shirt-top");
  assert.equal(figureSlug({ data: [], layout: {} }, 11), "12-figure");
  const page = svgPrintPage('<?xml version="1.0"?><svg xmlns="x" width="1" height="2"><g/></svg>');
  assert.match(page, /@page \{ size: 6\.5in 4in; margin: 0 \}/);
  assert.match(
    page,
    /<svg xmlns="x" width="624" height="384" style="display:block" viewBox="0 0 624 384"><g\/><\/svg>/,
  );
  assert.doesNotMatch(page, /<\?xml/);
});

toolTest(
  "writeFigureFiles() writes SVG, one-page vector PDF and 3x PNG per figure",
  [CHROMIUM, PDFINFO],
  async (tools, dir) => {
    const heat = heatmapFigure([[1, 2], [3, 4]], { title: "heat & map" });
    const out = await writeFigureFiles([roc, heat], join(dir, "figs"), {
      browser: tools.chromium!,
    });
    assert.ok(out.ok, out.ok ? "" : out.reason);
    assert.deepEqual(out.files.map((f) => f.svg.slice(dir.length + 1)), [
      "figs/01-roc-class-0-t-shirt-top.svg",
      "figs/02-heat-map.svg",
    ]);
    const svgs = [];
    for (const f of out.files) svgs.push(await assertPaperFigureFiles(tools.pdfinfo!, f));
    assert.match(svgs[0]!, />ROC: class 0 \(T-shirt\/top\)</);
    // Text stays text in the PDF (a vector figure, not a screenshot).
    const pdf = new TextDecoder("latin1").decode(await Deno.readFile(out.files[0]!.pdf));
    assert.match(pdf, /\/FontFile2|\/FontFile3|\/Font/);
    const left = [...Deno.readDirSync(dir)].map((e) => e.name);
    assert.deepEqual(left, ["figs"]); // no temp folders left
  },
);
