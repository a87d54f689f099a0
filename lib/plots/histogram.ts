/**
 * Score histograms, e.g. normal versus anomalous test images, binned here (compact JSON).
 * @module
 */
import {
  baseLayout,
  type Figure,
  type FigureOptions,
  finiteArray,
  paletteColor,
} from "./figure.ts";

/** A named set of scores (one histogram). */
export interface ScoreGroup {
  name: string;
  scores: ArrayLike<number>;
}

/** Options for {@link scoreHistogramFigure}. */
export interface ScoreHistogramOptions extends FigureOptions {
  /** Number of bins over the common range (default 50). */
  bins?: number;
  /** "probability" (each group sums to 1, default: groups of any size compare) or "count". */
  normalize?: "probability" | "count";
  /** x axis title (default "anomaly score"). */
  xTitle?: string;
}

/** Bin edges and per-group heights, as drawn by {@link scoreHistogramFigure}. */
export interface ScoreBins {
  /** bins + 1 increasing edges. */
  edges: number[];
  /** One row per group, `bins` heights each. */
  heights: number[][];
}

/**
 * Bins every group over the same `bins` equal-width bins spanning all scores; the last bin
 * includes the maximum. Throws RangeError on a non-finite score or bins < 1.
 */
export function binScores(groups: ScoreGroup[], options: ScoreHistogramOptions = {}): ScoreBins {
  const bins = options.bins ?? 50;
  if (!Number.isInteger(bins) || bins < 1) {
    throw new RangeError(`Cannot bin scores: bins must be a positive integer, got ${bins}`);
  }
  const values = groups.map((g) => finiteArray(g.scores, `scores '${g.name}'`));
  let lo = Infinity, hi = -Infinity;
  for (const v of values) for (const s of v) (lo = Math.min(lo, s)), (hi = Math.max(hi, s));
  if (lo === Infinity) lo = hi = 0;
  if (hi === lo) (lo -= 0.5), (hi += 0.5);
  const width = (hi - lo) / bins;
  const edges = Array.from({ length: bins + 1 }, (_, i) => (i === bins ? hi : lo + i * width));
  const heights = values.map((v) => {
    const h = new Array<number>(bins).fill(0);
    for (const s of v) h[Math.min(bins - 1, Math.floor((s - lo) / width))]! += 1;
    if ((options.normalize ?? "probability") === "probability" && v.length > 0) {
      for (let i = 0; i < bins; i++) h[i]! /= v.length;
    }
    return h;
  });
  return { edges, heights };
}

/** Overlaid histograms of several score groups, one colour each. */
export function scoreHistogramFigure(
  groups: ScoreGroup[],
  options: ScoreHistogramOptions = {},
): Figure {
  const { edges, heights } = binScores(groups, options);
  const centers = edges.slice(0, -1).map((e, i) => (e + edges[i + 1]!) / 2);
  const width = edges[1]! - edges[0]!;
  const probability = (options.normalize ?? "probability") === "probability";
  return {
    data: groups.map((g, i) => ({
      type: "bar",
      name: `${g.name} (n=${g.scores.length})`,
      x: centers,
      y: heights[i],
      width,
      opacity: 0.6,
      marker: { color: paletteColor(i) },
    })),
    layout: baseLayout(options, {
      barmode: "overlay",
      bargap: 0,
      xaxis: { title: { text: options.xTitle ?? "anomaly score" }, gridcolor: "#e5e5e5" },
      yaxis: { title: { text: probability ? "fraction" : "count" }, gridcolor: "#e5e5e5" },
    }),
  };
}

/**
 * Splits scores into a "normal" and an "anomalous" group by `isNormal` labels (1 or true =
 * normal, as `evaluate` in lib/metrics takes them). Throws RangeError when the lengths differ.
 */
export function splitScores(
  scores: ArrayLike<number>,
  isNormal: ArrayLike<number | boolean>,
): ScoreGroup[] {
  if (scores.length !== isNormal.length) {
    throw new RangeError(
      `Cannot split scores: ${scores.length} scores but ${isNormal.length} labels`,
    );
  }
  const normal: number[] = [], anomaly: number[] = [];
  for (let i = 0; i < scores.length; i++) {
    const label = isNormal[i];
    (label === true || label === 1 ? normal : anomaly).push(scores[i]!);
  }
  return [{ name: "normal", scores: normal }, { name: "anomalous", scores: anomaly }];
}
