/**
 * PNG screenshots of HTML pages with headless Debian chromium (plotly needs a browser); the
 * browser runs through {@link runBrowser} (headless.ts), as for DOM dumps and print-to-PDF.
 * @module
 */
import { dirname, resolve } from "node:path";
import { tempPathFor } from "../util/atomic.ts";
import { runBrowser } from "./headless.ts";

/** The result of {@link renderPng}: written, or why not. */
export type RenderResult =
  | { ok: true; path: string; ms: number; browser: string }
  | { ok: false; reason: string };

/** Options for {@link renderPng}. */
export interface RenderPngOptions {
  /** Viewport width in pixels (default 1200). */
  width?: number;
  /** Viewport height in pixels, i.e. the screenshot height (default 900). */
  height?: number;
  /** Browser executable (default: {@link findChromium}). */
  browser?: string;
  /** Give up after this long (default 60 000 ms). */
  timeoutMs?: number;
  /** Virtual time the page gets to finish scripts before the shot (default 5000 ms). */
  settleMs?: number;
}

/**
 * Screenshots `htmlPath` (opened with `#static`) into `pngPath` (atomically) with headless
 * chromium, or returns `{ ok: false, reason }` when there is no browser or it fails; never
 * throws for those. The browser gets a throwaway profile folder beside `pngPath`.
 */
export async function renderPng(
  htmlPath: string,
  pngPath: string,
  options: RenderPngOptions = {},
): Promise<RenderResult> {
  const out = resolve(pngPath);
  await Deno.mkdir(dirname(out), { recursive: true });
  const shot = tempPathFor(out) + ".png";
  try {
    const r = await runBrowser(htmlPath, [`--screenshot=${shot}`], {
      browser: options.browser,
      timeoutMs: options.timeoutMs,
      settleMs: options.settleMs ?? 5000,
      width: options.width,
      height: options.height,
      hash: "#static",
    }, dirname(out));
    if (!r.ok) return r;
    const size = await Deno.stat(shot).then((s) => s.size).catch(() => 0);
    if (size === 0) return { ok: false, reason: `${r.browser} wrote no screenshot` };
    await Deno.rename(shot, out);
    return { ok: true, path: out, ms: r.ms, browser: r.browser };
  } finally {
    await Deno.remove(shot).catch(() => {});
  }
}
