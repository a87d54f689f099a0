/**
 * Running headless chromium: finding the browser, the flags every run starts with, one run of
 * it ({@link runBrowser}, which screenshots in chromium.ts use too), and two uses: the DOM of a
 * page after its scripts ran (`--dump-dom`: how page scripts hand results back, e.g. plotly's
 * SVG export or a self-test of a page), and print-to-PDF (`--print-to-pdf`, vector output; the
 * page's CSS `@page` size sets the paper size).
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

/** Options of {@link dumpDom} and {@link printPdf}. */
export interface HeadlessOptions {
  /** Browser executable (default: `findChromium()`). */
  browser?: string;
  /** Give up after this long (default 60 000 ms). */
  timeoutMs?: number;
  /** Virtual time the page gets to run its scripts (default 10 000 ms). */
  settleMs?: number;
  /** Viewport width x height in pixels (default 1200 x 900). */
  width?: number;
  height?: number;
  /** URL fragment to open the page with, e.g. "#static" (default none). */
  hash?: string;
  /**
   * Folder for the browser's throwaway profile (default: beside the output for `printPdf`,
   * the page's folder for `dumpDom`), so only write access there is needed.
   */
  tempDir?: string;
}

/** A result of a headless run: the value, or why there is none. */
export type HeadlessResult<T> = { ok: true; value: T; ms: number } | { ok: false; reason: string };

/**
 * One headless chromium run on `htmlPath` (with `options.hash`) with the flags of
 * {@link headlessArgs} plus `extra`, its throwaway profile in `profileDir` (removed after).
 * `{ ok: false, reason }` when there is no browser, it cannot start, or exits non-zero.
 */
export async function runBrowser(
  htmlPath: string,
  extra: string[],
  options: HeadlessOptions,
  profileDir: string,
): Promise<
  { ok: true; stdout: Uint8Array; ms: number; browser: string } | { ok: false; reason: string }
> {
  const browser = options.browser ?? findChromium();
  if (!browser) {
    return { ok: false, reason: `no browser found (tried ${CHROMIUM_PATHS.join(", ")})` };
  }
  const profile = await Deno.makeTempDir({ dir: profileDir, prefix: ".chromium-profile-" });
  const start = performance.now();
  try {
    const command = new Deno.Command(browser, {
      args: [
        ...headlessArgs({
          profile,
          settleMs: options.settleMs ?? 10_000,
          width: options.width ?? 1200,
          height: options.height ?? 900,
        }),
        ...extra,
        pathToFileURL(resolve(htmlPath)).href + (options.hash ?? ""),
      ],
      stdout: "piped",
      stderr: "piped",
      stdin: "null",
      signal: AbortSignal.timeout(options.timeoutMs ?? 60_000),
    });
    let out: Deno.CommandOutput;
    try {
      out = await command.output();
    } catch (err) {
      const why = err instanceof Error ? err.message.split("\n")[0] : String(err);
      return { ok: false, reason: `cannot run ${browser}: ${why}` };
    }
    if (!out.success) {
      const lines = new TextDecoder().decode(out.stderr).trim().split("\n");
      return { ok: false, reason: `${browser} exited ${out.code}: ${lines.at(-1) ?? ""}` };
    }
    return { ok: true, stdout: out.stdout, ms: performance.now() - start, browser };
  } finally {
    await Deno.remove(profile, { recursive: true }).catch(() => {});
  }
}

/**
 * The serialized DOM of `htmlPath` after its scripts ran for `settleMs` of virtual time.
 * `{ ok: false, reason }` when there is no browser or it fails; never throws for those.
 */
export async function dumpDom(
  htmlPath: string,
  options: HeadlessOptions = {},
): Promise<HeadlessResult<string>> {
  const r = await runBrowser(
    htmlPath,
    ["--dump-dom"],
    options,
    options.tempDir ?? dirname(resolve(htmlPath)),
  );
  if (!r.ok) return r;
  return { ok: true, value: new TextDecoder().decode(r.stdout), ms: r.ms };
}

/**
 * Prints `htmlPath` to `pdfPath` (atomically; no header or footer; the page's `@page` size).
 * `{ ok: false, reason }` when there is no browser or it fails; never throws for those.
 */
export async function printPdf(
  htmlPath: string,
  pdfPath: string,
  options: HeadlessOptions = {},
): Promise<HeadlessResult<string>> {
  const out = resolve(pdfPath);
  await Deno.mkdir(dirname(out), { recursive: true });
  const tmp = tempPathFor(out) + ".pdf";
  try {
    const r = await runBrowser(
      htmlPath,
      ["--no-pdf-header-footer", `--print-to-pdf=${tmp}`],
      options,
      options.tempDir ?? dirname(out),
    );
    if (!r.ok) return r;
    const size = await Deno.stat(tmp).then((s) => s.size).catch(() => 0);
    if (size === 0) return { ok: false, reason: "the browser wrote no PDF" };
    await Deno.rename(tmp, out);
    return { ok: true, value: out, ms: r.ms };
  } finally {
    await Deno.remove(tmp).catch(() => {});
  }
}
