/**
 * Writes a summary's figures as a self-contained HTML page (plotly inlined) and, where a
 * headless chromium exists, a PNG screenshot of it.
 * @module
 */
import { renderPng, type RenderResult } from "./chromium.ts";
import { estimateReportHeight, type Report, reportHtml } from "./html.ts";
import { plotlySource } from "./plotly.ts";
import { writeTextAtomic } from "../util/atomic.ts";

/** What {@linkcode writeReportFiles} wrote. */
export interface ReportFiles {
  html: string;
  /** The PNG outcome, or undefined when not asked for. */
  png?: RenderResult;
}

/**
 * Writes `report` to `<base>.html` (atomically) and, unless `png` is false, `<base>.png` with
 * headless chromium (`png.ok` false with the reason when no browser is available).
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
  return { html, png };
}
