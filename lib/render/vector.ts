/**
 * Figures for papers: each plotly figure exported at a paper size and font as SVG (plotly's own
 * static export, run in headless chromium), PDF (that SVG printed by chromium: vector, one page
 * of exactly the figure's size) and a high-resolution PNG.
 *
 * Default size {@link PAPER_FIGURE}: 6.5 x 4 inches (the text width of a one-column article),
 * 10 pt text, 12 pt titles; the PNG at 3x (288 dpi).
 * @module
 */
import { dirname, join, resolve } from "node:path";
import type { Figure } from "../plots/figure.ts";
import { figureTitle } from "../plots/figure.ts";
import { writeFileAtomic, writeTextAtomic } from "../util/atomic.ts";
import { plotlySource } from "./plotly.ts";
import { dumpDom, type HeadlessResult, printPdf } from "./headless.ts";

/** A figure size for print. */
export interface PaperSize {
  widthIn: number;
  heightIn: number;
  /** Text size in points (titles are 1.2x). */
  fontPt: number;
  /** PNG pixels per CSS pixel (96 per inch), default 3. */
  pngScale?: number;
}

/** The default: 6.5 x 4 in, 10 pt. */
export const PAPER_FIGURE: PaperSize = { widthIn: 6.5, heightIn: 4, fontPt: 10, pngScale: 3 };

const CSS_PX_PER_IN = 96;
const PX_PER_PT = 96 / 72;

/** Pixel width and height of `size` (CSS pixels, 96 per inch). */
export function paperPixels(size: PaperSize): { width: number; height: number } {
  return {
    width: Math.round(size.widthIn * CSS_PX_PER_IN),
    height: Math.round(size.heightIn * CSS_PX_PER_IN),
  };
}

/**
 * The figure laid out for print: fixed size, `fontPt` text (1.2x for the title), no mode bar,
 * white background. The input is not changed.
 */
export function paperFigure(fig: Figure, size: PaperSize = PAPER_FIGURE): Figure {
  const { width, height } = paperPixels(size);
  const font = { ...(fig.layout.font as Record<string, unknown> | undefined ?? {}) };
  const margin = { ...(fig.layout.margin as Record<string, unknown> | undefined ?? {}) };
  const layout: Figure["layout"] = {
    ...fig.layout,
    width,
    height,
    autosize: false,
    paper_bgcolor: "#ffffff",
    // Room for the last tick label at the right edge.
    margin: { ...margin, r: Math.max(30, Number(margin.r ?? 0)) },
    font: { ...font, family: "Helvetica, Arial, sans-serif", size: size.fontPt * PX_PER_PT },
  };
  if (fig.layout.title?.text) {
    layout.title = {
      ...fig.layout.title,
      font: { size: 1.2 * size.fontPt * PX_PER_PT },
    } as Figure["layout"]["title"];
  }
  return {
    data: fig.data,
    layout,
    config: { ...(fig.config ?? {}), staticPlot: true, displayModeBar: false },
  };
}

/** Options of {@link renderFigureImages} and {@link writeFigureFiles}. */
export interface FigureExportOptions {
  /** Paper size (default {@link PAPER_FIGURE}). */
  size?: PaperSize;
  /** Browser executable (default: `findChromium()`). */
  browser?: string;
  /** Folder for temporary pages (default: the system's; `writeFigureFiles`: above `dir`). */
  tempDir?: string;
}

/** One figure's static images. */
export interface FigureImages {
  /** Standalone SVG document. */
  svg: string;
  png: Uint8Array;
}

function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, "\\u003c");
}

/** The page that renders `figs` and writes their SVG and PNG (base64) into `<pre>` elements. */
function exportPage(figs: Figure[], plotly: string, scale: number): string {
  return `<!doctype html><html><head><meta charset="utf-8"></head><body>
<script>${plotly}</script>
<script type="application/json" id="specs">${scriptJson(figs)}</script>
<script>
(async function () {
  var specs = JSON.parse(document.getElementById("specs").textContent);
  function out(id, text) {
    var pre = document.createElement("pre");
    pre.id = id;
    pre.textContent = text;
    document.body.appendChild(pre);
  }
  try {
    for (var i = 0; i < specs.length; i++) {
      var s = specs[i], div = document.createElement("div");
      document.body.appendChild(div);
      await Plotly.newPlot(div, s.data, s.layout, s.config);
      var size = { width: s.layout.width, height: s.layout.height, imageDataOnly: true };
      var svg = await Plotly.toImage(div, Object.assign({ format: "svg" }, size));
      out("geomad-svg-" + i, btoa(unescape(encodeURIComponent(svg))));
      var png = await Plotly.toImage(div, Object.assign({ format: "png", scale: ${scale} }, size));
      out("geomad-png-" + i, png);
      Plotly.purge(div);
      div.remove();
    }
    out("geomad-done", String(specs.length));
  } catch (err) {
    out("geomad-error", String(err && err.stack || err));
  }
})();
</script></body></html>`;
}

function fromBase64(text: string): Uint8Array {
  return Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
}

/**
 * SVG and PNG of each figure (laid out with {@link paperFigure}), rendered by plotly in one
 * headless chromium run. `{ ok: false, reason }` when there is no browser or the export fails.
 */
export async function renderFigureImages(
  figs: Figure[],
  options: FigureExportOptions = {},
): Promise<HeadlessResult<FigureImages[]>> {
  const size = options.size ?? PAPER_FIGURE;
  if (figs.length === 0) return { ok: true, value: [], ms: 0 };
  const dir = await Deno.makeTempDir({
    prefix: ".geomad-figures-",
    ...(options.tempDir ? { dir: options.tempDir } : {}),
  });
  try {
    const page = join(dir, "export.html");
    const laid = figs.map((f) => paperFigure(f, size));
    await Deno.writeTextFile(page, exportPage(laid, await plotlySource(), size.pngScale ?? 3));
    const dom = await dumpDom(page, {
      ...(options.browser ? { browser: options.browser } : {}),
      tempDir: dir,
      settleMs: 10_000 + 2_000 * figs.length,
      timeoutMs: 60_000 + 10_000 * figs.length,
    });
    if (!dom.ok) return dom;
    const pre = (id: string) => dom.value.match(new RegExp(`<pre id="${id}">([^<]*)</pre>`))?.[1];
    const error = pre("geomad-error");
    if (error) return { ok: false, reason: `plotly export failed: ${error.split("\n")[0]}` };
    if (pre("geomad-done") !== String(figs.length)) {
      return { ok: false, reason: "plotly export did not finish in the time given" };
    }
    const images = figs.map((_, i) => ({
      svg: new TextDecoder().decode(fromBase64(pre(`geomad-svg-${i}`) ?? "")),
      png: fromBase64(pre(`geomad-png-${i}`) ?? ""),
    }));
    return { ok: true, value: images, ms: dom.ms };
  } finally {
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
}

/** A one-page HTML document of exactly `size` holding the SVG, for print-to-PDF. */
export function svgPrintPage(svg: string, size: PaperSize = PAPER_FIGURE): string {
  const { width, height } = paperPixels(size);
  const root = svg.replace(/^[\s\S]*?(<svg\b)/, "$1"); // drop any XML prolog
  const sized = root.replace(
    /<svg\b([^>]*)>/,
    (_m, attrs: string) =>
      `<svg${
        attrs.replace(/\s(width|height)="[^"]*"/g, "")
      } width="${width}" height="${height}" style="display:block" ${
        /\sviewBox=/.test(attrs) ? "" : `viewBox="0 0 ${width} ${height}"`
      }>`,
  );
  return `<!doctype html><html><head><meta charset="utf-8"><style>
@page { size: ${size.widthIn}in ${size.heightIn}in; margin: 0 }
html, body { margin: 0; padding: 0; width: ${width}px; height: ${height}px; overflow: hidden }
</style></head><body>${sized}</body></html>`;
}

/** A file-name stem from a figure title: lower case, `-` between words, at most 48 characters. */
export function figureSlug(fig: Figure, index: number): string {
  const title = figureTitle(fig).replace(/<[^>]*>/g, " ");
  const slug = title.toLowerCase().normalize("NFKD").replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "").slice(0, 48).replace(/-+$/, "");
  return `${String(index + 1).padStart(2, "0")}-${slug || "figure"}`;
}

/** The files of one figure. */
export interface FigureFiles {
  svg: string;
  pdf: string;
  png: string;
}

/** What {@link writeFigureFiles} wrote, or why it wrote nothing. */
export type FigureFilesResult =
  | { ok: true; dir: string; files: FigureFiles[]; ms: number }
  | { ok: false; reason: string };

/**
 * Writes every figure to `dir` as `NN-<title slug>.svg`, `.pdf` and `.png` (atomically) at a
 * paper size (default {@link PAPER_FIGURE}). `{ ok: false, reason }` when there is no browser
 * or the export fails; never throws for those.
 */
export async function writeFigureFiles(
  figs: Figure[],
  dir: string,
  options: FigureExportOptions = {},
): Promise<FigureFilesResult> {
  const start = performance.now();
  const size = options.size ?? PAPER_FIGURE;
  const tempDir = options.tempDir ?? dirname(resolve(dir));
  await Deno.mkdir(tempDir, { recursive: true });
  const images = await renderFigureImages(figs, { ...options, tempDir });
  if (!images.ok) return images;
  await Deno.mkdir(dir, { recursive: true });
  const files: FigureFiles[] = [];
  const tmp = await Deno.makeTempDir({ dir: tempDir, prefix: ".geomad-print-" });
  try {
    for (const [i, image] of images.value.entries()) {
      const stem = join(dir, figureSlug(figs[i]!, i));
      await writeTextAtomic(`${stem}.svg`, image.svg);
      await writeFileAtomic(`${stem}.png`, image.png);
      const page = join(tmp, `${i}.html`);
      await Deno.writeTextFile(page, svgPrintPage(image.svg, size));
      const pdf = await printPdf(page, `${stem}.pdf`, {
        ...(options.browser ? { browser: options.browser } : {}),
        tempDir: tmp,
        settleMs: 2_000,
      });
      if (!pdf.ok) return { ok: false, reason: `PDF of figure ${i + 1}: ${pdf.reason}` };
      files.push({ svg: `${stem}.svg`, pdf: `${stem}.pdf`, png: `${stem}.png` });
    }
  } finally {
    await Deno.remove(tmp, { recursive: true }).catch(() => {});
  }
  return { ok: true, dir, files, ms: performance.now() - start };
}
