/**
 * A self-contained HTML report: sections of plotly figures, PNG images (as data URIs) and
 * tables; plotly.js is inlined once, so the file opens offline anywhere.
 * @module
 */
import type { Figure } from "../plots/figure.ts";
import { escapeHtml, tableHtml, type TableOptions, type TableRow } from "../display/html.ts";
import { pngSize, toBase64 } from "../display/mime.ts";
import { clearOfModeBar } from "../render/modebar.ts";

/** An image in a report. */
export interface ReportImage {
  png: Uint8Array;
  caption?: string;
}

/** A table in a report. */
export interface ReportTable extends TableOptions {
  rows: TableRow[];
}

/** A report section: shown as title, text, figures (in a grid), images, then tables. */
export interface ReportSection {
  title: string;
  /** Paragraphs of plain text. */
  text?: string[];
  figures?: Figure[];
  images?: ReportImage[];
  tables?: ReportTable[];
}

/** A whole report. */
export interface Report {
  title: string;
  /** Plain-text lines under the title (e.g. source folder, date). */
  meta?: string[];
  sections: ReportSection[];
}

/** Options for {@link reportHtml}. */
export interface ReportHtmlOptions {
  /** plotly.min.js source (from `plotlySource()`); required when the report has figures. */
  plotly?: string;
}

/** Default figure height in pixels when a figure's layout gives none. */
export const FIGURE_HEIGHT = 420;
/** The smallest figure width before the figure grid wraps to fewer columns. */
export const FIGURE_MIN_WIDTH = 480;

const CSS = `
body { font-family: sans-serif; margin: 24px; color: #222; background: #fff; }
h1 { font-size: 24px; margin: 0 0 4px; }
h2 { font-size: 19px; margin: 28px 0 8px; border-bottom: 1px solid #ddd; padding-bottom: 4px; }
p.meta { color: #666; margin: 0; font-size: 13px; }
.figures { display: grid; gap: 16px;
  grid-template-columns: repeat(auto-fill, minmax(${FIGURE_MIN_WIDTH}px, 1fr)); }
.figure { width: 100%; }
figure { display: inline-block; margin: 8px 16px 8px 0; }
figure img { image-rendering: pixelated; max-width: 100%; }
figcaption { font-size: 13px; color: #444; }
table.geomad-table { border-collapse: collapse; margin: 8px 0 16px; font-size: 13px; }
table.geomad-table th, table.geomad-table td { border: 1px solid #ddd; padding: 3px 8px; }
table.geomad-table th { background: #f4f4f4; }
table.geomad-table caption { text-align: left; font-weight: bold; padding: 4px 0; }
`;

/** JSON safe inside a `<script>` element. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, "\\u003c");
}

/**
 * The report as one HTML document. Figures render with the inlined plotly.js when the page
 * loads (figure `i` in document order sits in `<div id="figure-i">`); opened with the URL
 * fragment `#static` (as `renderPng` does) the figures have no mode bar, otherwise their
 * titles sit below the mode bar's strip (`clearOfModeBar`).
 * Throws TypeError when there are figures but no plotly source.
 */
export function reportHtml(report: Report, options: ReportHtmlOptions = {}): string {
  const figures: Figure[] = [];
  const body: string[] = [`<h1>${escapeHtml(report.title)}</h1>`];
  for (const line of report.meta ?? []) body.push(`<p class="meta">${escapeHtml(line)}</p>`);
  for (const section of report.sections) body.push(...sectionHtml(section, figures));
  const scripts = figures.length > 0 ? figureScripts(figures, options.plotly) : "";
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(report.title)}</title>
<style>${CSS}</style>
</head>
<body>
${body.join("\n")}
${scripts}
</body>
</html>
`;
}

/**
 * One section's HTML lines: its title, paragraphs, a placeholder per figure (the figures are
 * appended to `figures`, whose index names the placeholder), images and tables.
 */
function sectionHtml(section: ReportSection, figures: Figure[]): string[] {
  const out: string[] = [];
  out.push(`<section>`, `<h2>${escapeHtml(section.title)}</h2>`);
  for (const p of section.text ?? []) out.push(`<p>${escapeHtml(p)}</p>`);
  if (section.figures?.length) {
    out.push(`<div class="figures">`);
    for (const fig of section.figures) {
      const height = fig.layout.height ?? FIGURE_HEIGHT;
      out.push(
        `<div class="figure" id="figure-${figures.length}" style="height:${height}px"></div>`,
      );
      figures.push(fig);
    }
    out.push(`</div>`);
  }
  for (const image of section.images ?? []) {
    const { width, height } = pngSize(image.png);
    const alt = escapeHtml(image.caption ?? "image");
    out.push(
      `<figure><img src="data:image/png;base64,${toBase64(image.png)}" width="${width}" ` +
        `height="${height}" alt="${alt}">` +
        (image.caption ? `<figcaption>${escapeHtml(image.caption)}</figcaption>` : "") +
        `</figure>`,
    );
  }
  for (const table of section.tables ?? []) out.push(tableHtml(table.rows, table));
  out.push(`</section>`);
  return out;
}

/** plotly.js, the figures' specs as JSON and the script that plots each into its placeholder. */
function figureScripts(figures: Figure[], plotly: string | undefined): string {
  if (!plotly) throw new TypeError("Cannot build report: figures need the plotly source");
  const specs = figures.map((f) => {
    const layout = { ...f.layout, autosize: true, height: f.layout.height ?? FIGURE_HEIGHT };
    return {
      data: f.data,
      layout,
      // Interactive: the title moved out of the mode bar's strip (see modebar.ts).
      interactive: clearOfModeBar(layout),
      config: { responsive: true, displaylogo: false, ...(f.config ?? {}) },
    };
  });
  return `<script>${plotly}</script>\n` +
    `<script type="application/json" id="geomad-figures">${scriptJson(specs)}</script>\n` +
    `<script>
(function () {
  var specs = JSON.parse(document.getElementById("geomad-figures").textContent);
  var still = location.hash === "#static"; // screenshots: no mode bar
  specs.forEach(function (s, i) {
    if (still) s.config.displayModeBar = false;
    Plotly.newPlot("figure-" + i, s.data, still ? s.layout : s.interactive, s.config);
  });
})();
</script>`;
}

/**
 * A page height (pixels) that holds the whole report at `width` pixels wide, for a
 * screenshot: an estimate from the layout rules above, on the generous side.
 */
export function estimateReportHeight(report: Report, width: number): number {
  const inner = Math.max(1, width - 48);
  const columns = Math.max(1, Math.floor((inner + 16) / (FIGURE_MIN_WIDTH + 16)));
  let h = 48 + 40 + 22 * (report.meta?.length ?? 0);
  for (const s of report.sections) {
    h += 70 + 40 * (s.text?.length ?? 0);
    const figs = s.figures ?? [];
    for (let i = 0; i < figs.length; i += columns) {
      const row = figs.slice(i, i + columns).map((f) => f.layout.height ?? FIGURE_HEIGHT);
      h += Math.max(...row) + 16;
    }
    let rowWidth = 0, rowHeight = 0;
    for (const image of s.images ?? []) {
      const size = pngSize(image.png);
      const w = Math.min(size.width, inner), ih = size.height * (w / size.width) + 40;
      if (rowWidth > 0 && rowWidth + w + 16 > inner) (h += rowHeight), (rowWidth = rowHeight = 0);
      rowWidth += w + 16;
      rowHeight = Math.max(rowHeight, ih);
    }
    h += rowHeight;
    for (const t of s.tables ?? []) h += 60 + 26 * t.rows.length;
  }
  return Math.ceil(h + 40);
}
