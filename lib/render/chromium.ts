/**
 * PNG screenshots of HTML pages with headless Debian chromium (plotly needs a browser).
 * @module
 */
import { dirname, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { tempPathFor } from "../util/atomic.ts";

/** Where to look for a browser, in order, after $GEOMAD_CHROMIUM. */
export const CHROMIUM_PATHS: readonly string[] = [
  "/usr/bin/chromium",
  "/usr/bin/chromium-browser",
  "/usr/bin/google-chrome",
];

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

function envBrowser(): string | undefined {
  try {
    return Deno.env.get("GEOMAD_CHROMIUM") || undefined;
  } catch {
    return undefined; // no --allow-env: ignore the override
  }
}

/** The first browser found ($GEOMAD_CHROMIUM, then {@link CHROMIUM_PATHS}), or undefined. */
export function findChromium(): string | undefined {
  const candidates = [envBrowser(), ...CHROMIUM_PATHS].filter((p): p is string => !!p);
  for (const path of candidates) {
    try {
      if (Deno.statSync(path).isFile) return path;
    } catch {
      // missing, or not readable with the granted permissions
    }
  }
  return undefined;
}

/**
 * The flags every headless chromium run of geomad starts with: no sandbox or GPU, no network
 * chatter, a throwaway profile, a virtual-time budget for scripts to settle, the window size.
 */
export function headlessArgs(o: {
  profile: string;
  settleMs: number;
  width: number;
  height: number;
}): string[] {
  return [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
    "--force-device-scale-factor=1",
    `--user-data-dir=${o.profile}`,
    `--virtual-time-budget=${o.settleMs}`,
    `--window-size=${o.width},${o.height}`,
  ];
}

/**
 * Screenshots `htmlPath` into `pngPath` (atomically) with headless chromium, or returns
 * `{ ok: false, reason }` when there is no browser or it fails; never throws for those.
 * The browser gets a throwaway profile folder beside `pngPath`.
 */
export async function renderPng(
  htmlPath: string,
  pngPath: string,
  options: RenderPngOptions = {},
): Promise<RenderResult> {
  const browser = options.browser ?? findChromium();
  if (!browser) {
    return { ok: false, reason: `no browser found (tried ${CHROMIUM_PATHS.join(", ")})` };
  }
  const width = options.width ?? 1200, height = options.height ?? 900;
  const out = resolve(pngPath);
  await Deno.mkdir(dirname(out), { recursive: true });
  const profile = await Deno.makeTempDir({ dir: dirname(out), prefix: ".chromium-profile-" });
  const shot = tempPathFor(out) + ".png";
  const start = performance.now();
  try {
    const command = new Deno.Command(browser, {
      args: [
        ...headlessArgs({ profile, settleMs: options.settleMs ?? 5000, width, height }),
        `--screenshot=${shot}`,
        pathToFileURL(resolve(htmlPath)).href + "#static",
      ],
      stdout: "piped",
      stderr: "piped",
      stdin: "null",
      signal: AbortSignal.timeout(options.timeoutMs ?? 60_000),
    });
    let result: Deno.CommandOutput;
    try {
      result = await command.output();
    } catch (err) {
      const why = err instanceof Error ? err.message.split("\n")[0] : String(err);
      return { ok: false, reason: `cannot run ${browser}: ${why}` };
    }
    const size = await Deno.stat(shot).then((s) => s.size).catch(() => 0);
    if (!result.success || size === 0) {
      const lines = new TextDecoder().decode(result.stderr).trim().split("\n");
      return {
        ok: false,
        reason: `${browser} exited ${result.code} without a screenshot: ${lines.at(-1) ?? ""}`,
      };
    }
    await Deno.rename(shot, out);
    return { ok: true, path: out, ms: performance.now() - start, browser };
  } finally {
    await Deno.remove(shot).catch(() => {});
    await Deno.remove(profile, { recursive: true }).catch(() => {});
  }
}
