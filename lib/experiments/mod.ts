/**
 * Running detectors and reading what they produced: the versioned result record, the runner
 * (`runDetector`, `runMethod`), GEOM on one split with its fitted detector kept (`runGeom`),
 * the run command line (`RUN_FLAGS`, `runArgs`), result reuse (`planMismatch`, `storedState`),
 * sweeps, rank comparisons of two scores, summaries of GEOM's fitted Dirichlet alphas, and the
 * ablation and comparison summaries (reading summary.json, tables and figures). Per-run figures
 * and report files are in lib/report.
 *
 * ```ts
 * import { rankCorrelation, runGeom } from "geomad/experiments/mod.ts";
 * const run = await runGeom("fashion-mnist-sample", 0, { preset: "smoke" });
 * console.log(run.result.metrics.dirichlet?.auroc);
 * console.log(rankCorrelation(run.scores.dirichlet!, run.scores.simple!));
 * run.detector.dispose();
 * ```
 * @module
 */
export * from "./result.ts";
export * from "./run_detector.ts";
export * from "./table.ts";
export * from "./run_geom.ts";
export * from "./ranking.ts";
export * from "./alpha_summary.ts";
export * from "./ablation_summary.ts";
export * from "./compare_summary.ts";
export * from "./compare_paired.ts";
export * from "./compare_seeds.ts";
export * from "./published.ts";
export * from "./summary_files.ts";
export * from "./process_pool.ts";
export * from "./sweep.ts";
export * from "./reuse.ts";
export * from "./run_flags.ts";
export * from "./run_method.ts";
export * from "./markdown.ts";
