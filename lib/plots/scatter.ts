/**
 * Scatter plots, e.g. one image's rank under two scores (where Dirichlet and simple disagree).
 * @module
 */
import {
  baseLayout,
  diagonalTrace,
  type Figure,
  type FigureOptions,
  finiteArray,
  paletteColor,
  type PlotTrace,
} from "./figure.ts";

/** One group of points. */
export interface ScatterSeries {
  name: string;
  x: ArrayLike<number>;
  y: ArrayLike<number>;
  /** Hover text per point (e.g. "test image 17"). */
  text?: string[];
}

/** Options for {@link scatterFigure}. */
export interface ScatterFigureOptions extends FigureOptions {
  xTitle?: string;
  yTitle?: string;
  xRange?: [number, number];
  yRange?: [number, number];
  /** Draw the y = x line across the data (default false). */
  diagonal?: boolean;
  /** Marker diameter in pixels (default 6). */
  markerSize?: number;
}

/**
 * Points (x, y), one colour per series, optionally with the y = x line. Throws RangeError
 * when a series' x, y and text lengths differ or a value is not finite.
 */
export function scatterFigure(
  series: ScatterSeries[],
  options: ScatterFigureOptions = {},
): Figure {
  let lo = Infinity, hi = -Infinity;
  const data: PlotTrace[] = series.map((s, i) => {
    if (s.x.length !== s.y.length || (s.text && s.text.length !== s.x.length)) {
      throw new RangeError(
        `Cannot plot scatter '${s.name}': ${s.x.length} x, ${s.y.length} y` +
          (s.text ? `, ${s.text.length} labels` : ""),
      );
    }
    const x = finiteArray(s.x, `scatter '${s.name}' x`);
    const y = finiteArray(s.y, `scatter '${s.name}' y`);
    for (const v of [...x, ...y]) {
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    return {
      type: "scatter",
      mode: "markers",
      name: `${s.name} (n=${x.length})`,
      x,
      y,
      ...(s.text ? { text: [...s.text] } : {}),
      marker: { color: paletteColor(i), size: options.markerSize ?? 6, opacity: 0.7 },
      hovertemplate: `${s.text ? "%{text}<br>" : ""}x %{x:.3g}<br>y %{y:.3g}<extra></extra>`,
    };
  });
  if (options.diagonal && lo <= hi) {
    data.push(diagonalTrace("y = x", lo, hi));
  }
  return {
    data,
    layout: baseLayout(options, {
      xaxis: {
        title: { text: options.xTitle ?? "" },
        gridcolor: "#e5e5e5",
        ...(options.xRange ? { range: options.xRange } : {}),
      },
      yaxis: {
        title: { text: options.yTitle ?? "" },
        gridcolor: "#e5e5e5",
        ...(options.yRange ? { range: options.yRange } : {}),
      },
    }),
  };
}
