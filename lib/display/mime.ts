/**
 * Jupyter mime bundles for figures, PNG images and tables (pure; no display side effects).
 * @module
 */
import { Buffer } from "node:buffer";
import { type Figure, figureTitle } from "../plots/figure.ts";
import { escapeHtml, tableHtml, type TableOptions, type TableRow, tableText } from "./html.ts";

/** The mime type JupyterLab, VS Code and nteract render with their bundled plotly. */
export const PLOTLY_MIME = "application/vnd.plotly.v1+json";

/** A Jupyter mime bundle: mime type to data (strings, or JSON objects). */
export type MimeBundle = Record<string, string | object>;

/** Base64 of bytes. */
export function toBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("base64");
}

/** Width and height from a PNG's IHDR chunk; throws TypeError when `png` is not a PNG. */
export function pngSize(png: Uint8Array): { width: number; height: number } {
  const sig = [137, 80, 78, 71, 13, 10, 26, 10];
  if (png.length < 24 || sig.some((b, i) => png[i] !== b)) {
    throw new TypeError("Cannot read PNG size: bytes are not a PNG");
  }
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  return { width: view.getUint32(16), height: view.getUint32(20) };
}

/**
 * A figure as plotly JSON plus a small text/html and text/plain fallback (title and trace
 * names only: plotly.js itself is never embedded).
 */
export function figureBundle(fig: Figure): MimeBundle {
  const title = figureTitle(fig) || "figure";
  const names = fig.data.map((t) => t.name).filter((n): n is string => typeof n === "string");
  const summary = `${fig.data.length} trace${fig.data.length === 1 ? "" : "s"}` +
    (names.length ? `: ${names.join(", ")}` : "");
  return {
    [PLOTLY_MIME]: { data: fig.data, layout: fig.layout, config: fig.config ?? {} },
    "text/html": `<div class="geomad-figure-fallback"><b>${escapeHtml(title)}</b> ` +
      `<small>(plotly figure, ${escapeHtml(summary)}; open in JupyterLab or VS Code to see ` +
      `it)</small></div>`,
    "text/plain": `Figure: ${title} (${summary})`,
  };
}

/** Options for {@link imageBundle}. */
export interface ImageBundleOptions {
  /** Alternative text / caption for the text/plain fallback. */
  alt?: string;
}

/** A PNG as an image/png bundle with a text/plain description. */
export function imageBundle(png: Uint8Array, options: ImageBundleOptions = {}): MimeBundle {
  const { width, height } = pngSize(png);
  return {
    "image/png": toBase64(png),
    "text/plain": `${options.alt ?? "PNG image"} (${width}x${height})`,
  };
}

/** A table as text/html plus an aligned text/plain version. */
export function tableBundle(rows: TableRow[], options: TableOptions = {}): MimeBundle {
  return { "text/html": tableHtml(rows, options), "text/plain": tableText(rows, options) };
}
