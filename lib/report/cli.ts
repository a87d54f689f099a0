/**
 * `deno task report <results folder>`: a self-contained report.html (plotly inlined) from the
 * result JSON files under the folder, plus report.png when headless chromium is available.
 *
 * Options: --out <html path> (default <folder>/report.html), --png <path> (default: the
 * html path with .png), --no-png, --title <text>, --width <px> (screenshot width, 1200).
 * @module
 */
import { join } from "node:path";
import { DataError, UsageError } from "../util/errors.ts";
import { type CommandSpec, intFlag, parseCommand, runCli, textFlag } from "../util/cli.ts";
import type { Report } from "./html.ts";
import { writeReport } from "./files.ts";
import { readResults } from "./results.ts";
import { resultSections } from "./sections.ts";
import type { RenderResult } from "./chromium.ts";

/** What {@link reportMain} wrote. */
export interface ReportOutcome {
  html: string;
  records: number;
  skipped: number;
  png: RenderResult | undefined;
}

/** The report command line (`--help` prints it). */
export const REPORT_COMMAND = {
  command: "deno task report",
  usage: "<results folder> [--out FILE] [--png FILE] [--no-png] [--title TEXT] [--width PX]",
  about: "A self-contained report.html (plotly inlined) from the result JSON files under a " +
    "folder, plus a PNG screenshot when headless chromium is available.",
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
  const { records, skipped } = await readResults(folder);
  if (records.length === 0) {
    const first = skipped[0] ? ` (e.g. ${skipped[0].source}: ${skipped[0].reason})` : "";
    throw new DataError(
      `Cannot build report: no result records in '${folder}', ${skipped.length} skipped${first}`,
    );
  }
  const report: Report = {
    title: values.title ?? "geomad results",
    meta: [
      `${records.length} result records from ${folder}` +
      (skipped.length ? ` (${skipped.length} files or records skipped)` : ""),
      `generated ${new Date().toISOString()}`,
    ],
    sections: resultSections(records),
  };
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
  return { html: htmlPath, records: records.length, skipped: skipped.length, png };
}

if (import.meta.main) {
  await runCli("report", async () => {
    await reportMain(Deno.args);
  });
}
