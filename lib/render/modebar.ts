/**
 * Room for plotly's mode bar: in an interactive page the bar sits in the top-right corner of
 * each figure, over whatever is there, so a centred title in the top margin ends up under its
 * buttons. {@link clearOfModeBar} moves the title down to sit just above the plot area and
 * grows the top margin so that the strip the bar occupies holds nothing else.
 * @module
 */
import type { PlotLayout } from "../plots/figure.ts";

/** Pixels at the top of a figure that plotly's mode bar covers (its buttons and padding). */
export const MODEBAR_HEIGHT = 32;

/** Gap between the title's baseline box and the plot area, pixels. */
const TITLE_PAD = 8;

function num(x: unknown, fallback: number): number {
  return typeof x === "number" && Number.isFinite(x) ? x : fallback;
}

/**
 * The layout with a top margin that keeps the mode bar's strip free: a title (if any) is
 * anchored to the top of the plot area (`yref: "paper"`, `yanchor: "bottom"`) and the margin
 * holds the strip, the title's lines and a small gap. Other fields are kept; the input is not
 * changed.
 */
export function clearOfModeBar(layout: PlotLayout): PlotLayout {
  const margin = { ...(layout.margin as Record<string, unknown> | undefined ?? {}) };
  const top = num(margin.t, 80);
  const title = layout.title as (Record<string, unknown> & { text?: string }) | undefined;
  if (!title?.text) {
    return { ...layout, margin: { ...margin, t: Math.max(top, MODEBAR_HEIGHT) } };
  }
  const font = layout.font as Record<string, unknown> | undefined;
  const titleFont = title.font as Record<string, unknown> | undefined;
  const size = num(titleFont?.size, 1.4 * num(font?.size, 12));
  const lines = title.text.split(/<br\s*\/?>/i).length;
  const need = Math.ceil(MODEBAR_HEIGHT + TITLE_PAD + 1.3 * size * lines + 4);
  return {
    ...layout,
    title: {
      ...title,
      y: 1,
      yref: "paper",
      yanchor: "bottom",
      pad: { ...(title.pad as Record<string, unknown> | undefined ?? {}), b: TITLE_PAD },
    } as PlotLayout["title"],
    margin: { ...margin, t: Math.max(top, need) },
  };
}
