import assert from "node:assert/strict";
import { denoJupyter, showFigure, showImage, showMontage, showTable } from "./show.ts";
import { PLOTLY_MIME } from "./mime.ts";
import { barFigure } from "../plots/bar.ts";

Deno.test("denoJupyter() is undefined outside the Jupyter kernel", () => {
  assert.equal(denoJupyter(), undefined);
});

Deno.test("show*() return their bundles outside Jupyter, displaying as nothing", async () => {
  const fig = await showFigure(barFigure([{ name: "a", x: ["0"], y: [1] }]));
  assert.ok(PLOTLY_MIME in fig);
  const table = await showTable([{ a: 1 }]);
  assert.deepEqual(Object.keys(table), ["text/html", "text/plain"]);
  const display = (table as Record<symbol, () => unknown>)[Symbol.for("Jupyter.display")];
  assert.deepEqual(display?.(), {});
  assert.equal(JSON.stringify(table).includes("Jupyter"), false);
  const grid = await showMontage(
    { data: new Float32Array(2 * 4 * 4), n: 2, height: 4, width: 4, channels: 1 },
    { alt: "zeros", scale: 1, padding: 1 },
  );
  assert.equal(grid["text/plain"], "zeros (11x6)");
  const image = await showImage(
    Uint8Array.from(atob(grid["image/png"] as string), (c) => c.charCodeAt(0)),
  );
  assert.equal(image["image/png"], grid["image/png"]);
});
