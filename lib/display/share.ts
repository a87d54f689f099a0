/**
 * Figures that survive sharing a notebook. `showFigure` displays a figure as up to three
 * representations in one mime bundle, chosen by the figure mode:
 *
 * - `mime`: plotly JSON (`application/vnd.plotly.v1+json`, drawn by JupyterLab and VS Code)
 *   plus a one-line text/html note. Smallest; shows nothing in exported HTML or on GitHub.
 * - `cdn`: + a text/html div and a script that loads plotly.js from its CDN, pinned to the
 *   version in deno.json, at most once per page (plotly's own "notebook connected"
 *   convention): interactive in nbviewer, `jupyter nbconvert --to html` and classic Jupyter,
 *   when the reader is online.
 * - `static` (the default when a headless chromium is found, else `cdn`): + a PNG rendered by
 *   plotly in that browser, as `image/png` (GitHub's notebook viewer shows it) and inside the
 *   div, where the interactive chart replaces it once plotly.js loads; offline or where
 *   scripts are stripped, the picture stays.
 *
 * Set the mode with `setFigureMode("mime" | "cdn" | "static")` in a notebook, or the
 * environment variable `GEOMAD_FIGURES` before the kernel starts.
 * @module
 */
import denoConfig from "../../deno.json" with { type: "json" };
import type { Figure } from "../plots/figure.ts";
import { findChromium } from "../render/headless.ts";
import { clearOfModeBar } from "../render/modebar.ts";
import { type PaperSize, renderFigureImages } from "../render/vector.ts";
import { escapeHtml } from "./html.ts";
import { figureBundle, type MimeBundle, PLOTLY_MIME, toBase64 } from "./mime.ts";
import { figureTitle } from "../plots/figure.ts";

/** How figures are represented in notebook outputs (see the module doc). */
export type FigureMode = "mime" | "cdn" | "static";

/** The modes, for messages. */
export const FIGURE_MODES: readonly FigureMode[] = ["mime", "cdn", "static"];

let chosen: FigureMode | undefined;

function envMode(): string | undefined {
  try {
    return Deno.env.get("GEOMAD_FIGURES") || undefined;
  } catch {
    return undefined; // no --allow-env
  }
}

function parseMode(value: string, where: string): FigureMode {
  const mode = value.trim().toLowerCase().replace(/^\+/, "");
  if ((FIGURE_MODES as readonly string[]).includes(mode)) return mode as FigureMode;
  throw new RangeError(
    `Cannot set the figure mode: ${where} is '${value}' (choose from ${FIGURE_MODES.join(", ")})`,
  );
}

/** Sets the figure mode for every later `showFigure` (undefined: back to the default). */
export function setFigureMode(mode: FigureMode | undefined): void {
  chosen = mode === undefined ? undefined : parseMode(mode, "the mode");
}

/**
 * The figure mode in effect: set by {@link setFigureMode}, else `$GEOMAD_FIGURES`, else
 * `static` when a headless chromium exists, else `cdn`. Throws RangeError for a bad
 * `$GEOMAD_FIGURES`.
 */
export function figureMode(): FigureMode {
  if (chosen) return chosen;
  const env = envMode();
  if (env) return parseMode(env, "GEOMAD_FIGURES");
  return findChromium() ? "static" : "cdn";
}

/** The plotly.js version pinned in deno.json (`plotly.js-dist-min`). */
export function plotlyVersion(): string {
  const spec = (denoConfig.imports as Record<string, string>)["plotly.js-dist-min"] ?? "";
  const version = spec.match(/@(\d+\.\d+\.\d+[\w.-]*)$/)?.[1];
  if (!version) throw new TypeError(`Cannot find the plotly.js version in deno.json: '${spec}'`);
  return version;
}

/** plotly.js on plotly's CDN, pinned to {@link plotlyVersion}. */
export function plotlyCdnUrl(): string {
  return `https://cdn.plot.ly/plotly-${plotlyVersion()}.min.js`;
}

/** Default size of a notebook figure's static image when its layout sets none. */
export const NOTEBOOK_FIGURE = { width: 700, height: 450 };

/** The static image size of `fig`: its layout's width and height, or {@link NOTEBOOK_FIGURE}. */
export function notebookSize(fig: Figure): PaperSize {
  const width = fig.layout.width ?? NOTEBOOK_FIGURE.width;
  const height = fig.layout.height ?? NOTEBOOK_FIGURE.height;
  return { widthIn: width / 96, heightIn: height / 96, fontPt: 9.75, pngScale: 2 };
}

function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, "\\u003c");
}

let counter = 0;
let scriptTagSent = false;

/** Forget that the CDN script tag was sent (a new notebook page); for tests. */
export function resetSharedFigures(): void {
  scriptTagSent = false;
}

/** Options of {@link figureHtml}. */
export interface FigureHtmlOptions {
  /** The static picture shown until (or instead of) the interactive chart. */
  png?: Uint8Array;
  /** Include the `<script src>` of plotly.js (the first figure of a page). */
  scriptTag: boolean;
  /** The div's id (default: a fresh one). */
  id?: string;
}

/**
 * The text/html representation: a div (holding the PNG when given), plotly.js from the pinned
 * CDN URL (a `<script src>` when `scriptTag`, and in any case a loader that adds it once per
 * page when missing), and a script that draws the figure into the div when plotly is there.
 */
export function figureHtml(fig: Figure, options: FigureHtmlOptions): string {
  const id = options.id ?? `geomad-figure-${Date.now().toString(36)}-${++counter}`;
  const height = fig.layout.height ?? NOTEBOOK_FIGURE.height;
  const title = figureTitle(fig) || "figure";
  const url = plotlyCdnUrl();
  const spec = {
    data: fig.data,
    layout: { ...clearOfModeBar(fig.layout), autosize: true, height },
    config: { responsive: true, displaylogo: false, ...(fig.config ?? {}) },
  };
  const width = fig.layout.width ?? NOTEBOOK_FIGURE.width;
  const img = options.png
    ? `<img src="data:image/png;base64,${toBase64(options.png)}" alt="${escapeHtml(title)}" ` +
      `width="${width}" style="max-width:100%;height:auto">`
    : `<small>${escapeHtml(title)} (plotly figure: loading plotly.js)</small>`;
  const tag = options.scriptTag
    ? `<script src="${url}" charset="utf-8" id="geomad-plotly-cdn"></script>\n`
    : "";
  return `<div id="${id}" class="geomad-figure" style="width:100%;min-height:${height}px">` +
    `${img}</div>\n${tag}<script type="text/javascript">
(function () {
  var id = ${JSON.stringify(id)}, url = ${JSON.stringify(url)};
  var spec = ${scriptJson(spec)};
  if (!window.Plotly && !document.getElementById("geomad-plotly-cdn")) {
    var s = document.createElement("script");
    s.id = "geomad-plotly-cdn"; s.src = url; s.charset = "utf-8";
    document.head.appendChild(s);
  }
  var tries = 0;
  (function draw() {
    var el = document.getElementById(id);
    if (!el) return;
    if (window.Plotly) {
      el.innerHTML = "";
      window.Plotly.newPlot(el, spec.data, spec.layout, spec.config);
    } else if (++tries < 200) {
      setTimeout(draw, 100);
    }
  })();
})();
</script>`;
}

/** Options of {@link sharedFigureBundle}. */
export interface SharedFigureOptions {
  /** Default: {@link figureMode}. */
  mode?: FigureMode;
  /** Browser for the static image (default: `findChromium()`). */
  browser?: string;
}

/**
 * The mime bundle of `fig` in the figure mode (see the module doc). In `static` mode without a
 * working browser it falls back to `cdn` and says why in text/plain.
 */
export async function sharedFigureBundle(
  fig: Figure,
  options: SharedFigureOptions = {},
): Promise<MimeBundle> {
  const mode = options.mode ?? figureMode();
  const base = figureBundle(fig);
  const plotly = base[PLOTLY_MIME] as { layout: Figure["layout"] };
  const bundle: MimeBundle = {
    ...base,
    [PLOTLY_MIME]: { ...plotly, layout: clearOfModeBar(plotly.layout) },
  };
  if (mode === "mime") return bundle;
  let png: Uint8Array | undefined;
  let note = "";
  if (mode === "static") {
    const images = await renderFigureImages([fig], {
      size: notebookSize(fig),
      ...(options.browser ? { browser: options.browser } : {}),
    });
    if (images.ok && images.value[0]!.png.length > 0) png = images.value[0]!.png;
    else note = ` (no static image: ${images.ok ? "empty export" : images.reason})`;
  }
  const html = figureHtml(fig, { ...(png ? { png } : {}), scriptTag: !scriptTagSent });
  scriptTagSent = true;
  return {
    ...bundle,
    ...(png ? { "image/png": toBase64(png) } : {}),
    "text/html": html,
    "text/plain": `${base["text/plain"]}${note}`,
  };
}
