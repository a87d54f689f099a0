/**
 * Self-contained HTML reports (plotly.js inlined once, PNGs as data URIs, HTML tables),
 * PNG screenshots through headless chromium (`writeReport`, the one writer of report files),
 * the `deno task report` sections built from result JSON files, one run's figures and report
 * (`runReport`, montages) and the ablation's (`ablationReport`); for papers: figures as
 * SVG/PDF/PNG (vector.ts), tables as LaTeX and CSV (latex.ts, csv.ts); the results index page
 * (index_page.ts).
 *
 * ```ts
 * import { plotlySource, renderPng, reportHtml } from "geomad/report/mod.ts";
 * const html = reportHtml({ title: "t", sections: [] }, { plotly: await plotlySource() });
 * ```
 * @module
 */
export * from "./html.ts";
export * from "../render/plotly.ts";
export * from "../render/chromium.ts";
export * from "./results.ts";
export * from "./sections.ts";
export * from "../render/headless.ts";
export * from "../render/modebar.ts";
export * from "../render/vector.ts";
export * from "./paper_table.ts";
export * from "./paper_tables.ts";
export * from "./latex.ts";
export * from "./csv.ts";
export * from "./table_files.ts";
export * from "./index_page.ts";
export * from "./files.ts";
export * from "./run_report.ts";
export * from "./ablation_report.ts";
