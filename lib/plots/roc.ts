/**
 * ROC curves for several scores or methods in one figure.
 * @module
 */
import { downsampleRoc } from "../metrics/evaluate.ts";
import {
  baseLayout,
  diagonalTrace,
  type Figure,
  type FigureOptions,
  finiteArray,
  paletteColor,
  type PlotTrace,
} from "./figure.ts";

/** One ROC curve: false/true positive rates in [0, 1], ordered along the curve. */
export interface RocSeries {
  /** Legend name (method or score). */
  name: string;
  fpr: ArrayLike<number>;
  tpr: ArrayLike<number>;
  /** Shown as "name (AUROC 0.912)" when given. */
  auroc?: number;
  /**
   * Curves with the same group (e.g. seeds of one method) share a colour and one legend entry
   * labelled with the group; each curve's own name shows on hover.
   */
  group?: string;
}

/** Options for {@link rocFigure}. */
export interface RocFigureOptions extends FigureOptions {
  /** At most this many points per curve (thinned with `downsampleRoc`; default 1000). */
  maxPoints?: number;
  /** Draw the chance diagonal (default true). */
  diagonal?: boolean;
}

/**
 * One curve's line: named with its label on its own, or, in a group, one legend entry per
 * group (shown on its `first` curve) with the label in the hover text.
 */
function curveTrace(
  curve: RocSeries,
  t: { x: number[]; y: number[]; label: string; color: string; first: boolean },
): PlotTrace {
  const { x, y, label, color, first } = t;
  if (curve.group === undefined) {
    return {
      type: "scatter",
      mode: "lines",
      name: label,
      x,
      y,
      line: { color, width: 2 },
      hovertemplate: "FPR %{x:.3f}<br>TPR %{y:.3f}",
    };
  }
  return {
    type: "scatter",
    mode: "lines",
    name: curve.group,
    legendgroup: curve.group,
    showlegend: first,
    x,
    y,
    line: { color, width: 1.5 },
    hovertemplate: `${label}<br>FPR %{x:.3f}<br>TPR %{y:.3f}<extra></extra>`,
  };
}

/**
 * The curve's rates as finite numbers.
 * @throws {RangeError} when fpr and tpr differ in length, are empty or leave [0, 1].
 */
function checkedRates(curve: RocSeries): { fpr: number[]; tpr: number[] } {
  const what = `ROC curve '${curve.name}'`;
  if (curve.fpr.length !== curve.tpr.length || curve.fpr.length === 0) {
    throw new RangeError(
      `Cannot plot ${what}: fpr has ${curve.fpr.length} points, tpr ${curve.tpr.length}`,
    );
  }
  const fpr = finiteArray(curve.fpr, what);
  const tpr = finiteArray(curve.tpr, what);
  if ([...fpr, ...tpr].some((v) => v < 0 || v > 1)) {
    throw new RangeError(`Cannot plot ${what}: rates must lie in [0, 1]`);
  }
  return { fpr, tpr };
}

/**
 * A figure with one line per ROC curve (x = FPR, y = TPR) and the chance diagonal.
 * Curves with more than `maxPoints` points are thinned evenly along their length.
 * Throws RangeError when fpr and tpr differ in length, are empty or leave [0, 1].
 */
export function rocFigure(curves: RocSeries[], options: RocFigureOptions = {}): Figure {
  const maxPoints = options.maxPoints ?? 1000;
  const colorKeys: string[] = [];
  const data: PlotTrace[] = curves.map((curve, i) => {
    const { fpr: x, tpr: y } = downsampleRoc(checkedRates(curve), maxPoints);
    const label = curve.auroc === undefined
      ? curve.name
      : `${curve.name} (AUROC ${curve.auroc.toFixed(3)})`;
    const key = curve.group === undefined ? `curve ${i}` : `group ${curve.group}`;
    const first = !colorKeys.includes(key);
    if (first) colorKeys.push(key);
    const color = paletteColor(colorKeys.indexOf(key));
    return curveTrace(curve, { x, y, label, color, first });
  });
  if (options.diagonal ?? true) {
    data.push(diagonalTrace("chance", 0, 1));
  }
  return {
    data,
    layout: baseLayout(options, {
      xaxis: { title: { text: "false positive rate" }, range: [0, 1], gridcolor: "#e5e5e5" },
      yaxis: {
        title: { text: "true positive rate" },
        range: [0, 1.02],
        gridcolor: "#e5e5e5",
      },
      legend: { x: 0.98, xanchor: "right", y: 0.02, yanchor: "bottom" },
    }),
  };
}
