/**
 * `deno task report <results folder>`: a self-contained report.html (plotly inlined) from the
 * result JSON files under the folder, plus report.png and each figure as SVG/PDF/PNG for papers
 * (report-figures/) when headless chromium is available, and index.html: every run, sweep and
 * bench under the folder in one sortable, filterable table (lib/report/index_page.ts).
 *
 * Options: --out <html path> (default <folder>/report.html), --png <path> (default: the
 * html path with .png), --no-png, --no-figures, --index <path> (default <folder>/index.html),
 * --no-index, --title <text>, --width <px> (screenshot width, 1200).
 * @module
 */
import { dirname, join } from "node:path";
import { DataError, UsageError } from "../util/errors.ts";
import { type CommandSpec, intFlag, parseCommand, runCli, textFlag } from "../util/cli.ts";
import type { Report } from "./html.ts";
import type { Figure } from "../plots/figure.ts";
import { writeReport } from "./files.ts";
import { readResults } from "./results.ts";
import { resultSections } from "./sections.ts";
import type { RenderResult } from "../render/chromium.ts";
import { type FigureFilesResult, writeFigureFiles } from "../render/vector.ts";
import { collectIndex, indexHtml } from "./index_page.ts";
import { writeTextAtomic } from "../util/atomic.ts";

/** What {@link reportMain} wrote. */
export interface ReportOutcome {
  html: string;
  records: number;
  skipped: number;
  png: RenderResult | undefined;
  /** The per-figure SVG/PDF/PNG files, unless --no-figures. */
  figures?: FigureFilesResult;
  /** The index page written, unless --no-index. */
  index?: string;
}

/** The report command line (`--help` prints it). */
export const REPORT_COMMAND = {
  command: "deno task report",
  usage: "<results folder> [--out FILE] [--png FILE] [--no-png] [--no-figures] [--index FILE] " +
    "[--no-index] [--title TEXT] [--width PX]",
  about: "A self-contained report.html (plotly inlined) from the result JSON files under a " +
    "folder, plus a PNG screenshot and SVG/PDF/PNG figures for papers when headless chromium " +
    "is available, and index.html listing every run, sweep and bench (reads records only).",
  positionals: [{ name: "results folder", help: "folder searched for result JSON files" }],
  flags: {
    out: {
      type: "string",
      arg: "FILE",
      kind: "path of an .html file",
      help: "where the report goes",
      defaultText: "<folder>/report.html",
      example: "--out results/report.html",
    },
    png: {
      type: "string",
      arg: "FILE",
      kind: "path of a .png file",
      help: "where the screenshot goes",
      defaultText: "the html path with .png",
      example: "--png results/report.png",
    },
    "no-png": { type: "boolean", help: "no screenshot", example: "--no-png" },
    "no-figures": {
      type: "boolean",
      help: "no per-figure SVG, PDF and PNG files (<html name>-figures/)",
      example: "--no-figures",
    },
    index: {
      type: "string",
      arg: "FILE",
      kind: "path of an .html file",
      help: "where the index of every run, sweep and bench goes",
      defaultText: "<folder>/index.html",
      example: "--index results/index.html",
    },
    "no-index": { type: "boolean", help: "no index page", example: "--no-index" },
    title: {
      type: "string",
      arg: "TEXT",
      kind: "text",
      help: "title of the report",
      defaultText: "geomad results",
      example: "--title 'Fashion-MNIST runs'",
    },
    width: {
      type: "string",
      arg: "PX",
      kind: "integer >= 200",
      help: "screenshot width in pixels",
      defaultText: "1200",
      example: "--width 1600",
    },
  },
} as const satisfies CommandSpec;

/** Runs the report CLI on `args`, printing progress lines through `log`. */
export async function reportMain(
  args: string[],
  log: (line: string) => void = console.log,
): Promise<ReportOutcome> {
  const parsed = parseCommand(REPORT_COMMAND, args, log);
  if (!parsed) return { html: "", records: 0, skipped: 0, png: undefined };
  const { values, positionals } = parsed;
  if (positionals.length !== 1) {
    throw new UsageError(`expected one results folder, got ${positionals.length} arguments`);
  }
  const folder = positionals[0]!;
  const width = intFlag("width", values.width, 1200, { min: 200 });
  textFlag("out", values.out);
  textFlag("png", values.png);
  textFlag("index", values.index);
  const { records, skipped, report } = await resultsReport(folder, values.title);
  const htmlPath = values.out ?? join(folder, "report.html");
  const pngPath = values["no-png"]
    ? false
    : values.png ?? htmlPath.replace(/\.html?$/i, "") + ".png";
  const files = await writeReport(report, { html: htmlPath, png: pngPath, width });
  log(`report: wrote ${htmlPath} (${records.length} records, ${skipped.length} skipped)`);
  for (const s of skipped.slice(0, 5)) log(`report: skipped ${s.source}: ${s.reason}`);
  const png = files.png;
  if (png) {
    log(
      png.ok
        ? `report: wrote ${pngPath} (${(png.ms / 1000).toFixed(1)} s)`
        : `report: no PNG: ${png.reason}`,
    );
  }
  const figs = report.sections.flatMap((s) => s.figures ?? []);
  const figures = !values["no-figures"] && figs.length > 0
    ? await writeReportFigures(figs, htmlPath.replace(/\.html?$/i, "") + "-figures", log)
    : undefined;
  const index = values["no-index"]
    ? undefined
    : await writeIndex(folder, values.index ?? join(folder, "index.html"), log);
  return {
    html: htmlPath,
    records: records.length,
    skipped: skipped.length,
    png,
    ...(figures ? { figures } : {}),
    ...(index ? { index } : {}),
  };
}

/**
 * The report of the result records under `folder`, with the records read and the files skipped.
 * @throws {DataError} when there is no valid record.
 */
async function resultsReport(folder: string, title: string | undefined) {
  const { records, skipped } = await readResults(folder);
  if (records.length === 0) {
    const first = skipped[0] ? ` (e.g. ${skipped[0].source}: ${skipped[0].reason})` : "";
    throw new DataError(
      `Cannot build report: no result records in '${folder}', ${skipped.length} skipped${first}`,
    );
  }
  const report: Report = {
    title: title ?? "geomad results",
    meta: [
      `${records.length} result records from ${folder}` +
      (skipped.length ? ` (${skipped.length} files or records skipped)` : ""),
      `generated ${new Date().toISOString()}`,
    ],
    sections: resultSections(records),
  };
  return { records, skipped, report };
}

/** Writes every figure of the report to `dir` as SVG, PDF and PNG and logs the outcome. */
async function writeReportFigures(
  figs: Figure[],
  dir: string,
  log: (line: string) => void,
): Promise<FigureFilesResult> {
  const figures = await writeFigureFiles(figs, dir);
  log(
    figures.ok
      ? `report: wrote ${figures.files.length} figures as SVG, PDF and PNG to ${dir}/ ` +
        `(${(figures.ms / 1000).toFixed(1)} s)`
      : `report: no SVG/PDF figures: ${figures.reason}`,
  );
  return figures;
}

/** Writes the index page of every record under `folder` to `index`; returns its path. */
async function writeIndex(
  folder: string,
  index: string,
  log: (line: string) => void,
): Promise<string> {
  const found = await collectIndex(folder);
  await writeTextAtomic(
    index,
    indexHtml(found, { generatedAt: new Date().toISOString(), indexDir: dirname(index) }),
  );
  log(
    `report: wrote ${index} (${found.runs.length} runs, ${found.sweeps.length} sweeps, ` +
      `${found.benches.length} benches, ${found.skipped.length} invalid records)`,
  );
  return index;
}

if (import.meta.main) {
  await runCli("report", async () => {
    await reportMain(Deno.args);
  });
}
