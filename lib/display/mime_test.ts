import assert from "node:assert/strict";
import { figureBundle, imageBundle, PLOTLY_MIME, pngSize, tableBundle, toBase64 } from "./mime.ts";
import { rocFigure } from "../plots/roc.ts";
import { montage } from "../plots/montage.ts";

Deno.test("figureBundle() carries plotly JSON and a small fallback without plotly.js", () => {
  const fig = rocFigure([{ name: "GEOM", fpr: [0, 1], tpr: [0, 1], auroc: 0.5 }], {
    title: "ROC <1>",
  });
  const bundle = figureBundle(fig);
  const plotly = bundle[PLOTLY_MIME] as { data: unknown[]; layout: unknown };
  assert.equal(plotly.data.length, 2);
  assert.deepEqual(plotly.layout, fig.layout);
  const html = bundle["text/html"] as string;
  assert.match(html, /ROC &#60;1&#62;/);
  assert.ok(html.length < 1000, `fallback is ${html.length} chars`);
  assert.match(
    bundle["text/plain"] as string,
    /^Figure: ROC <1> \(2 traces: GEOM \(AUROC 0\.500\), chance\)$/,
  );
});

Deno.test("pngSize() reads the IHDR size and rejects non-PNG bytes", async () => {
  const png = await montage(
    { data: new Float32Array(6), n: 1, height: 2, width: 3, channels: 1 },
    { scale: 1, padding: 0 },
  );
  assert.deepEqual(pngSize(png), { width: 3, height: 2 });
  assert.throws(() => pngSize(new Uint8Array(30)), TypeError);
});

Deno.test("imageBundle() base64-encodes the PNG and describes it", async () => {
  const png = await montage(
    { data: new Float32Array(4), n: 1, height: 2, width: 2, channels: 1 },
    { scale: 2, padding: 0 },
  );
  const bundle = imageBundle(png, { alt: "grid" });
  assert.equal(bundle["image/png"], toBase64(png));
  assert.equal(bundle["text/plain"], "grid (4x4)");
});

Deno.test("tableBundle() has HTML and text versions", () => {
  const bundle = tableBundle([{ a: 1 }]);
  assert.match(bundle["text/html"] as string, /<table/);
  assert.equal(bundle["text/plain"], "a\n-\n1");
});

Deno.test("toBase64() encodes a subarray view, not its whole buffer", () => {
  const bytes = new Uint8Array([0, 104, 105, 0]).subarray(1, 3);
  assert.equal(toBase64(bytes), "aGk=");
});
