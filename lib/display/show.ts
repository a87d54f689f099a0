/**
 * Notebook display helpers: each builds a mime bundle, displays it when running in the Deno
 * Jupyter kernel, and returns it (so they also work, and are testable, outside Jupyter).
 *
 * Always `await` them: an un-awaited display as a cell's last statement can get lost.
 * @module
 */
import type { Figure } from "../plots/figure.ts";
import type { Images } from "../data/types.ts";
import { montage, type MontageOptions } from "../plots/montage.ts";
import type { TableOptions, TableRow } from "./html.ts";
import { sharedFigureBundle, type SharedFigureOptions } from "./share.ts";
import { imageBundle, type ImageBundleOptions, type MimeBundle, tableBundle } from "./mime.ts";

/** The `Deno.jupyter` namespace when running in the Deno kernel, otherwise undefined. */
export function denoJupyter(): typeof Deno.jupyter | undefined {
  try {
    // Outside `deno jupyter`, reading Deno.jupyter throws.
    return Deno.jupyter;
  } catch {
    return undefined;
  }
}

/** The symbol the Deno kernel calls to display a cell's result. */
const DISPLAY = Symbol.for("Jupyter.display");

/**
 * Displays `bundle` in the kernel (when there is one) and returns it. The returned object
 * displays as nothing, so `await showX(...)` as a cell's last line does not print it again.
 */
export async function displayBundle(bundle: MimeBundle): Promise<MimeBundle> {
  const kernel = denoJupyter();
  if (kernel) await kernel.display(bundle, { raw: true });
  Object.defineProperty(bundle, DISPLAY, { value: () => ({}), configurable: true });
  return bundle;
}

/**
 * Displays a plotly figure: plotly JSON for JupyterLab / VS Code, plus (by the figure mode, see
 * share.ts) an HTML chart that loads plotly.js from its pinned CDN URL and a static PNG, so the
 * figure survives nbconvert, nbviewer and GitHub.
 */
export async function showFigure(
  fig: Figure,
  options: SharedFigureOptions = {},
): Promise<MimeBundle> {
  return displayBundle(await sharedFigureBundle(fig, options));
}

/** Displays PNG bytes. */
export function showImage(png: Uint8Array, options: ImageBundleOptions = {}): Promise<MimeBundle> {
  return displayBundle(imageBundle(png, options));
}

/** Displays a grid of images (see `montage` in lib/plots for the options). */
export async function showMontage(
  images: Images,
  options: MontageOptions & ImageBundleOptions = {},
): Promise<MimeBundle> {
  return displayBundle(imageBundle(await montage(images, options), options));
}

/** Displays rows as an HTML table (with a text/plain version). */
export function showTable(rows: TableRow[], options: TableOptions = {}): Promise<MimeBundle> {
  return displayBundle(tableBundle(rows, options));
}
