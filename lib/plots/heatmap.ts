/**
 * Heatmaps, e.g. the Dirichlet concentration (alpha) per transformation and class.
 * @module
 */
import { baseLayout, type Figure, type FigureOptions, finiteArray } from "./figure.ts";

/** Options for {@link heatmapFigure}. */
export interface HeatmapOptions extends FigureOptions {
  /** Column labels (length = columns). */
  x?: string[];
  /** Row labels (length = rows); row 0 is drawn at the top. */
  y?: string[];
  xTitle?: string;
  yTitle?: string;
  /** Plotly colour scale name (default "Viridis"). */
  colorscale?: string;
  /** Colour bar title. */
  colorbarTitle?: string;
  zmin?: number;
  zmax?: number;
  /** Let NaN mark an empty cell (drawn blank) instead of throwing. */
  gaps?: boolean;
  /** Write each cell's value in it, with this plotly number format (e.g. ".1f"). */
  cellFormat?: string;
}

/**
 * A heatmap of a rows x columns matrix given as rows. Throws RangeError when rows differ in
 * length, a label list has the wrong length, or a value is not finite (NaN is an empty cell
 * with `gaps`).
 */
export function heatmapFigure(rows: ArrayLike<number>[], options: HeatmapOptions = {}): Figure {
  const cols = rows[0]?.length ?? 0;
  const z = rows.map((r, i) => {
    if (r.length !== cols) {
      throw new RangeError(`Cannot plot heatmap: row ${i} has ${r.length} values, row 0 ${cols}`);
    }
    return finiteArray(r, `heatmap row ${i}`, options.gaps ?? false);
  });
  if (options.x && options.x.length !== cols) {
    throw new RangeError(`Cannot plot heatmap: ${options.x.length} x labels for ${cols} columns`);
  }
  if (options.y && options.y.length !== rows.length) {
    throw new RangeError(
      `Cannot plot heatmap: ${options.y.length} y labels for ${rows.length} rows`,
    );
  }
  return {
    data: [{
      type: "heatmap",
      z,
      x: options.x ?? Array.from({ length: cols }, (_, i) => String(i)),
      y: options.y ?? Array.from({ length: rows.length }, (_, i) => String(i)),
      colorscale: options.colorscale ?? "Viridis",
      colorbar: options.colorbarTitle ? { title: { text: options.colorbarTitle } } : {},
      ...(options.zmin !== undefined ? { zmin: options.zmin } : {}),
      ...(options.zmax !== undefined ? { zmax: options.zmax } : {}),
      ...(options.cellFormat !== undefined
        ? {
          texttemplate: `%{z:${options.cellFormat}}`,
          hovertemplate: `%{y}, %{x}: %{z:${options.cellFormat}}<extra></extra>`,
        }
        : {}),
      ...(options.gaps ? { hoverongaps: false } : {}),
    }],
    layout: baseLayout(options, {
      xaxis: { title: { text: options.xTitle ?? "" }, type: "category", automargin: true },
      yaxis: {
        title: { text: options.yTitle ?? "" },
        type: "category",
        autorange: "reversed",
        automargin: true,
      },
    }),
  };
}
