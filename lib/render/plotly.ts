/**
 * plotly.js for self-contained HTML: the text of plotly.js-dist-min (it cannot be imported
 * in Deno, so it is read from node_modules and inlined once per page).
 * @module
 */
import { createRequire } from "node:module";
import { DataError } from "../util/errors.ts";

/** The path of plotly.min.js (plotly.js-dist-min from the import map's npm package). */
export function plotlyPath(): string {
  return createRequire(import.meta.url).resolve("plotly.js-dist-min");
}

/**
 * The source of plotly.min.js, safe to inline in a `<script>` element.
 * Throws DataError when the package file cannot be read (run `deno install`).
 */
export async function plotlySource(): Promise<string> {
  let text: string;
  try {
    text = await Deno.readTextFile(plotlyPath());
  } catch (err) {
    throw new DataError(
      `Cannot read plotly.js: ${err instanceof Error ? err.message : err} (run deno install)`,
    );
  }
  // A literal "</script" would end the inline element early.
  return text.replace(/<\/script/gi, "<\\/script");
}
