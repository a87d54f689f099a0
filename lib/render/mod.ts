/**
 * Rendering figures outside a notebook: plotly.js's source, headless chromium (PNG screenshots,
 * DOM dumps, print-to-PDF), per-figure SVG/PDF/PNG files for papers, and the layout rule that
 * keeps plotly's mode bar off a title. Below display and report, which both use it.
 * @module
 */
export * from "./plotly.ts";
export * from "./chromium.ts";
export * from "./headless.ts";
export * from "./modebar.ts";
export * from "./vector.ts";
