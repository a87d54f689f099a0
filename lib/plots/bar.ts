/**
 * Grouped bar charts with error bars, e.g. AUROC per normal class for several methods.
 * @module
 */
import { baseLayout, type Figure, type FigureOptions, paletteColor } from "./figure.ts";

/** One series of bars (a method), one bar per category (a class). */
export interface BarSeries {
  name: string;
  /** Category labels, same length as `y`. */
  x: string[];
  y: ArrayLike<number>;
  /** Half-length of each error bar (e.g. a standard deviation), same length as `y`. */
  error?: ArrayLike<number>;
}

/** One bar of {@linkcode meanSemSeries}: a category, its mean and the mean's standard error. */
export interface MeanSemPoint {
  x: string;
  mean: number;
  /** Standard error of the mean (undefined or 0: a single value). */
  sem?: number;
}

/**
 * A series of means (per class, say) with their standard errors as error bars, shown when any
 * bar has one (> 0); values are multiplied by `scale` (100 for percent). The one way geomad
 * draws "mean +- SEM per class" (deno task report, the comparison chart).
 */
export function meanSemSeries(name: string, points: MeanSemPoint[], scale = 1): BarSeries {
  const error = points.map((p) => scale * (p.sem ?? 0));
  return {
    name,
    x: points.map((p) => p.x),
    y: points.map((p) => scale * p.mean),
    ...(error.some((e) => e > 0) ? { error } : {}),
  };
}

/** One bar of {@linkcode differenceSeries}: a category, a difference and its standard error. */
export interface DifferencePoint {
  x: string;
  diff: number;
  se: number;
}

/**
 * A series of paired differences (a method or set against a reference, per class) with 95%
 * normal intervals (1.96 standard errors) as error bars; values multiplied by `scale` (100 for
 * AUROC points).
 */
export function differenceSeries(name: string, points: DifferencePoint[], scale = 100): BarSeries {
  return {
    name,
    x: points.map((p) => p.x),
    y: points.map((p) => scale * p.diff),
    error: points.map((p) => scale * 1.96 * p.se),
  };
}

/** Options for {@link barFigure}. */
export interface BarFigureOptions extends FigureOptions {
  xTitle?: string;
  yTitle?: string;
  /** Fixed y range, e.g. [0.5, 1] for AUROC. */
  yRange?: [number, number];
  /**
   * The categories in axis order (default: in order of first appearance over the series, so a
   * first series that lacks a category would push it to the end).
   */
  categories?: readonly string[];
}

/**
 * Grouped bars: categories along x, one colour per series, optional symmetric error bars.
 * Throws RangeError when a series' lengths differ.
 */
export function barFigure(series: BarSeries[], options: BarFigureOptions = {}): Figure {
  return {
    data: series.map((s, i) => {
      if (s.x.length !== s.y.length || (s.error && s.error.length !== s.y.length)) {
        throw new RangeError(
          `Cannot plot bars '${s.name}': ${s.x.length} labels, ${s.y.length} values` +
            (s.error ? `, ${s.error.length} errors` : ""),
        );
      }
      return {
        type: "bar",
        name: s.name,
        x: [...s.x],
        y: Array.from(s.y),
        marker: { color: paletteColor(i) },
        ...(s.error
          ? { error_y: { type: "data", array: Array.from(s.error), visible: true } }
          : {}),
      };
    }),
    layout: baseLayout(options, {
      barmode: "group",
      // automargin: long category labels turn and grow the margin instead of running into
      // the axis title or off the figure
      xaxis: {
        title: { text: options.xTitle ?? "" },
        type: "category",
        automargin: true,
        ...(options.categories
          ? { categoryorder: "array", categoryarray: [...options.categories] }
          : {}),
      },
      yaxis: {
        title: { text: options.yTitle ?? "" },
        automargin: true,
        gridcolor: "#e5e5e5",
        ...(options.yRange ? { range: options.yRange } : {}),
      },
    }),
  };
}
