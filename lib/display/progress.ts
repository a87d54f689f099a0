/**
 * Live progress for notebooks: an `onProgress(line, final)` callback (what detectors, training
 * and `runDetector` take) that keeps one display updated in place with the latest line of each
 * progress bar. Outside Jupyter the lines go to `write` (stderr by default).
 *
 * ```ts
 * import { liveProgress } from "geomad/display/mod.ts";
 * const progress = liveProgress();
 * progress.onProgress("train [##  ] 50% loss 0.4", false);
 * progress.onProgress("train [####] 100% loss 0.3", true);
 * await progress.flush();
 * ```
 * @module
 */
import { escapeHtml } from "./html.ts";
import type { MimeBundle } from "./mime.ts";
import { denoJupyter } from "./show.ts";

/** Shows or updates a display (the signature of `Deno.jupyter.display`). */
export type DisplayFn = (
  bundle: MimeBundle,
  options: { raw: boolean; display_id: string; update?: boolean },
) => Promise<void>;

/** Options for {@linkcode liveProgress}. */
export interface LiveProgressOptions {
  /** Minimum milliseconds between display updates; final lines always update (default 250). */
  intervalMs?: number;
  /**
   * Where lines go when there is no display (outside Jupyter), and where final lines are also
   * written when `printFinal` is set (default: stderr).
   */
  write?: (line: string) => void;
  /**
   * Also write each final line with `write` inside Jupyter, so a notebook executed headless
   * (where in-place updates are not recorded) keeps the finished lines (default true).
   */
  printFinal?: boolean;
  /** The display function (default: `Deno.jupyter.display` inside the kernel, else none). */
  display?: DisplayFn;
  /** Display id to update (default: a fresh one). */
  displayId?: string;
}

/** What {@linkcode liveProgress} returns. */
export interface LiveProgress {
  /** Pass this as `onProgress` to `fit`, `runDetector`, training or prediction. */
  onProgress: (line: string, final: boolean) => void;
  /** The latest line of each progress bar, in the order the bars first appeared. */
  readonly lines: readonly string[];
  /** Resolves when every display update sent so far is done (await it at the end of a cell). */
  flush(): Promise<void>;
}

/**
 * The bar a progress line belongs to: the text before its `[###  ]` bar, e.g. "train" or
 * "fit-probs predict"; the whole line when it has no bar.
 */
export function progressKey(line: string): string {
  const at = line.indexOf(" [");
  return (at >= 0 ? line.slice(0, at) : line).trim();
}

/** The bundle shown for the current lines: preformatted HTML and plain text. */
export function progressBundle(lines: readonly string[]): MimeBundle {
  const text = lines.join("\n");
  return {
    "text/html": `<pre class="geomad-progress" style="margin:0">${escapeHtml(text)}</pre>`,
    "text/plain": text,
  };
}

let counter = 0;

/**
 * A progress sink for notebooks. Inside the Deno Jupyter kernel (or with `options.display`) it
 * shows one display and updates it in place with the latest line per bar, at most every
 * `intervalMs` (final lines always); outside it writes every line with `options.write`.
 * Display errors are kept and rethrown by `flush()`.
 */
export function liveProgress(options: LiveProgressOptions = {}): LiveProgress {
  const write = options.write ?? ((line: string) => console.error(line));
  const kernel = options.display ? undefined : denoJupyter();
  const display: DisplayFn | undefined = options.display ??
    (kernel ? (bundle, opts) => kernel.display(bundle, opts) : undefined);
  const interval = options.intervalMs ?? 250;
  if (!(interval >= 0)) {
    throw new RangeError(`Cannot show progress: intervalMs must be >= 0, got ${interval}`);
  }
  const printFinal = options.printFinal ?? true;
  const displayId = options.displayId ?? `geomad-progress-${Date.now()}-${++counter}`;
  const byKey = new Map<string, string>();
  let shown = false;
  let last = -Infinity;
  let pending: Promise<void> = Promise.resolve();
  let failure: unknown;

  const send = () => {
    const bundle = progressBundle([...byKey.values()]);
    const opts = { raw: true, display_id: displayId, ...(shown ? { update: true } : {}) };
    shown = true;
    pending = pending.then(() => display!(bundle, opts)).catch((err) => {
      failure ??= err;
    });
  };

  return {
    onProgress(line: string, final: boolean) {
      byKey.set(progressKey(line), line);
      if (!display) {
        write(line);
        return;
      }
      if (final && printFinal) write(line);
      const now = performance.now();
      if (final || now - last >= interval) {
        last = now;
        send();
      }
    },
    get lines() {
      return [...byKey.values()];
    },
    async flush() {
      await pending;
      if (failure !== undefined) {
        const err = failure;
        failure = undefined;
        throw err;
      }
    },
  };
}
