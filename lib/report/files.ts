/**
 * Writes a report (figures, tables) as a self-contained HTML page (plotly inlined) and, where a
 * headless chromium exists, a PNG screenshot of it.
 * @module
 */
import { renderPng, type RenderResult } from "../render/chromium.ts";
import { estimateReportHeight, type Report, reportHtml } from "./html.ts";
import { plotlySource } from "../render/plotly.ts";
import { type FigureFilesResult, writeFigureFiles } from "../render/vector.ts";
import { writeTextAtomic } from "../util/atomic.ts";
import type { TableFiles } from "./table_files.ts";

/** What {@linkcode writeReportFiles} wrote. */
export interface ReportFiles {
  html: string;
  /** The PNG outcome, or undefined when not asked for. */
  png?: RenderResult;
  /** The per-figure SVG/PDF/PNG outcome, or undefined when not asked for. */
  figures?: FigureFilesResult;
}

/** Where {@linkcode writeReport} writes, and the screenshot's size. */
export interface WriteReportOptions {
  /** The HTML file (written atomically). */
  html: string;
  /** The PNG file, or false for none (default: the HTML path with `.png`). */
  png?: string | false;
  /** Screenshot width in pixels (default 1200). */
  width?: number;
  /** Screenshot height in pixels (default: estimated from the report's content). */
  height?: number;
}

/**
 * Writes `report` as one self-contained HTML page (plotly inlined) and, unless `png` is false,
 * a PNG screenshot of it with headless chromium (`png.ok` false with the reason when no
 * browser is available). The one writer of report files: `deno task report`, `demo`,
 * `compare` and `ablation` all go through here.
 */
export async function writeReport(
  report: Report,
  options: WriteReportOptions,
): Promise<ReportFiles> {
  const { html } = options;
  await writeTextAtomic(html, reportHtml(report, { plotly: await plotlySource() }));
  if (options.png === false) return { html };
  const width = options.width ?? 1200;
  const png = await renderPng(html, options.png ?? html.replace(/\.html?$/i, "") + ".png", {
    width,
    height: options.height ?? estimateReportHeight(report, width),
  });
  return { html, png };
}

/**
 * Writes `report` to `<base>.html` (atomically) and, unless `png` is false, `<base>.png` with
 * headless chromium and every figure as SVG, PDF and PNG in `<base>-figures/` (see vector.ts;
 * `ok` false with the reason when no browser is available).
 */
export async function writeReportFiles(
  base: string,
  report: Report,
  options: { png?: boolean; width?: number } = {},
): Promise<ReportFiles> {
  const files = await writeReport(report, {
    html: `${base}.html`,
    png: options.png === false ? false : `${base}.png`,
    width: options.width,
  });
  if (options.png === false) return files;
  const figs = report.sections.flatMap((s) => s.figures ?? []);
  const figures = figs.length ? await writeFigureFiles(figs, `${base}-figures`) : undefined;
  return { ...files, ...(figures ? { figures } : {}) };
}

/**
 * What a sweep's summary wrote besides its own files, as lines to print: the paper tables, the
 * chart's PNG and the SVG/PDF/PNG figures, or why one of them is missing.
 */
export function writtenLines(files: ReportFiles, tables: TableFiles): string[] {
  const lines = [`tables: ${tables.tex}, ${tables.csv.join(", ")}`];
  if (files.png) {
    lines.push(files.png.ok ? `figure: ${files.png.path}` : `no PNG: ${files.png.reason}`);
  }
  if (files.figures) {
    lines.push(
      files.figures.ok
        ? `figures (SVG, PDF, PNG): ${files.figures.dir}/`
        : `no SVG/PDF figures: ${files.figures.reason}`,
    );
  }
  return lines;
}
