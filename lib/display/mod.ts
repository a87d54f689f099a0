/**
 * Notebook display: plotly figures as `application/vnd.plotly.v1+json` (plus, by the figure
 * mode, an HTML chart from plotly's pinned CDN and a static PNG: see share.ts), images as PNG,
 * tables as HTML. In the Deno Jupyter kernel the `show*` helpers display; everywhere they return the
 * mime bundle.
 *
 * ```ts
 * import { showTable } from "geomad/display/mod.ts";
 * await showTable([{ method: "GEOM", auroc: 0.93 }]);
 * ```
 * @module
 */
export * from "./html.ts";
export * from "./mime.ts";
export * from "./show.ts";
export * from "./progress.ts";
export * from "./share.ts";
