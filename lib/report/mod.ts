/**
 * Self-contained HTML reports (plotly.js inlined once, PNGs as data URIs, HTML tables),
 * PNG screenshots through headless chromium (`writeReport`, the one writer of report files),
 * the `deno task report` sections built from result JSON files, one run's figures and report
 * (`runReport`, montages) and the ablation's (`ablationReport`).
 *
 * ```ts
 * import { plotlySource, renderPng, reportHtml } from "geomad/report/mod.ts";
 * const html = reportHtml({ title: "t", sections: [] }, { plotly: await plotlySource() });
 * ```
 * @module
 */
export * from "./html.ts";
export * from "./plotly.ts";
export * from "./chromium.ts";
export * from "./results.ts";
export * from "./sections.ts";
export * from "./files.ts";
export * from "./run_report.ts";
export * from "./ablation_report.ts";
