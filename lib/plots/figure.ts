/**
 * The plotly figure spec that every plot function returns: plain JSON data, no plotly.js.
 * Display it in a notebook with `showFigure` (lib/display) or put it in a report (lib/report).
 * @module
 */

/** One plotly trace (`type` plus any plotly trace attributes). */
export interface PlotTrace {
  type: string;
  name?: string;
  [attribute: string]: unknown;
}

/** A plotly layout (any plotly layout attributes). */
export interface PlotLayout {
  title?: { text: string };
  width?: number;
  height?: number;
  [attribute: string]: unknown;
}

/** A plotly figure: what `Plotly.newPlot(div, data, layout, config)` takes. */
export interface Figure {
  data: PlotTrace[];
  layout: PlotLayout;
  config?: Record<string, unknown>;
}

/** Options shared by the figure builders. */
export interface FigureOptions {
  /** Figure title. */
  title?: string;
  /** Width in pixels (default: let the page decide). */
  width?: number;
  /** Height in pixels. */
  height?: number;
}

/** Plotly's default colour cycle, so several figures can colour a method the same way. */
export const PALETTE: readonly string[] = [
  "#1f77b4",
  "#ff7f0e",
  "#2ca02c",
  "#d62728",
  "#9467bd",
  "#8c564b",
  "#e377c2",
  "#7f7f7f",
  "#bcbd22",
  "#17becf",
];

/** The palette colour for series `i` (cycles). */
export function paletteColor(i: number): string {
  return PALETTE[((i % PALETTE.length) + PALETTE.length) % PALETTE.length]!;
}

/** A dashed grey y = x line from (lo, lo) to (hi, hi), out of the legend (chance, parity). */
export function diagonalTrace(name: string, lo: number, hi: number): PlotTrace {
  return {
    type: "scatter",
    mode: "lines",
    name,
    x: [lo, hi],
    y: [lo, hi],
    line: { color: "#999999", width: 1, dash: "dash" },
    hoverinfo: "skip",
    showlegend: false,
  };
}

/**
 * A layout with the shared defaults (white background, compact margins) and the options; a title
 * broken into lines with `<br>` gets 18 px more top margin per extra line.
 */
export function baseLayout(options: FigureOptions, extra: PlotLayout = {}): PlotLayout {
  const breaks = options.title?.match(/<br\s*\/?>/gi)?.length ?? 0;
  const layout: PlotLayout = {
    paper_bgcolor: "#ffffff",
    plot_bgcolor: "#ffffff",
    margin: { l: 60, r: 20, t: options.title ? 50 + 18 * breaks : 20, b: 50 },
    font: { family: "sans-serif", size: 13 },
    ...extra,
  };
  if (options.title) layout.title = { text: options.title };
  if (options.width !== undefined) layout.width = options.width;
  if (options.height !== undefined) layout.height = options.height;
  return layout;
}

/** The title of a figure on one line (a `<br>` line break as a space), or "". */
export function figureTitle(fig: Figure): string {
  return (fig.layout.title?.text ?? "").replace(/\s*<br\s*\/?>\s*/gi, " ");
}

/** Plain numbers from an array-like, throwing RangeError when one is not finite. */
export function finiteArray(values: ArrayLike<number>, what: string): number[];
/** With `gaps`, NaN passes as null (an empty cell or a break in a line). */
export function finiteArray(
  values: ArrayLike<number>,
  what: string,
  gaps: boolean,
): (number | null)[];
export function finiteArray(
  values: ArrayLike<number>,
  what: string,
  gaps = false,
): (number | null)[] {
  const out = new Array<number | null>(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (gaps && Number.isNaN(v)) {
      out[i] = null;
    } else if (!Number.isFinite(v)) {
      throw new RangeError(`Cannot plot ${what}: value ${i} is ${v}`);
    } else {
      out[i] = v;
    }
  }
  return out;
}
