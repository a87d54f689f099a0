/**
 * Writes a summary's figures as a self-contained HTML page (plotly inlined) and, where a
 * headless chromium exists, a PNG screenshot of it and each figure for papers (SVG, PDF and a
 * high-resolution PNG in `<base>-figures/`, see lib/report/vector.ts).
 * @module
 */
import { renderPng, type RenderResult } from "../report/chromium.ts";
import { estimateReportHeight, type Report, reportHtml } from "../report/html.ts";
import { plotlySource } from "../report/plotly.ts";
import { writeTextAtomic } from "../util/atomic.ts";
import { type FigureFilesResult, writeFigureFiles } from "../report/vector.ts";

/** What {@linkcode writeReportFiles} wrote. */
export interface ReportFiles {
  html: string;
  /** The PNG outcome, or undefined when not asked for. */
  png?: RenderResult;
  /** The per-figure SVG/PDF/PNG outcome, or undefined when not asked for. */
  figures?: FigureFilesResult;
}

/**
 * Writes `report` to `<base>.html` (atomically) and, unless `png` is false, `<base>.png` with
 * headless chromium and every figure as SVG, PDF and PNG in `<base>-figures/` (`ok` false
 * with the reason when no browser is available).
 */
export async function writeReportFiles(
  base: string,
  report: Report,
  options: { png?: boolean; width?: number } = {},
): Promise<ReportFiles> {
  const html = `${base}.html`;
  await writeTextAtomic(html, reportHtml(report, { plotly: await plotlySource() }));
  if (options.png === false) return { html };
  const width = options.width ?? 1200;
  const png = await renderPng(html, `${base}.png`, {
    width,
    height: estimateReportHeight(report, width),
  });
  const figs = report.sections.flatMap((s) => s.figures ?? []);
  const figures = figs.length ? await writeFigureFiles(figs, `${base}-figures`) : undefined;
  return { html, png, ...(figures ? { figures } : {}) };
}
