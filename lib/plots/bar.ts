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

/** Options for {@link barFigure}. */
export interface BarFigureOptions extends FigureOptions {
  xTitle?: string;
  yTitle?: string;
  /** Fixed y range, e.g. [0.5, 1] for AUROC. */
  yRange?: [number, number];
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
      xaxis: { title: { text: options.xTitle ?? "" }, type: "category" },
      yaxis: {
        title: { text: options.yTitle ?? "" },
        gridcolor: "#e5e5e5",
        ...(options.yRange ? { range: options.yRange } : {}),
      },
    }),
  };
}
