/**
 * Pure functions returning plotly figure specs (ROC curves, score histograms, grouped bars
 * with error bars, heatmaps), and image montages as PNG bytes.
 *
 * ```ts
 * import { rocFigure } from "geomad/plots/mod.ts";
 * const fig = rocFigure([{ name: "GEOM", fpr: [0, 0.1, 1], tpr: [0, 0.8, 1], auroc: 0.85 }]);
 * ```
 * @module
 */
export * from "./figure.ts";
export * from "./roc.ts";
export * from "./histogram.ts";
export * from "./bar.ts";
export * from "./heatmap.ts";
export * from "./montage.ts";
export * from "./scatter.ts";
