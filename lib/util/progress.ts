/**
 * A progress bar for long work: count, rate, ETA and custom fields, on stderr.
 * On a terminal it redraws one line; elsewhere it prints a line at most every few seconds.
 * For hours-long work it can start part-way (work done before a resume is not counted in the
 * rate), measure the rate over a recent window (so the ETA follows a machine whose load
 * changes), and show the ETA of the whole run when later phases follow this one.
 * @module
 */

/** Options for {@linkcode Progress}. */
export interface ProgressOptions {
  /** Unit shown with the rate, e.g. "img". */
  unit?: string;
  /** Minimum milliseconds between redraws (default 200 on a TTY, 5000 otherwise). */
  intervalMs?: number;
  /** Silence all output. */
  quiet?: boolean;
  /** Where to write (default stderr). */
  write?: (line: string, final: boolean) => void;
  /** Units already done (e.g. before a resume): counted as done, not in the rate. */
  initial?: number;
  /** Measure the rate over about the last this many seconds (default: since the start). */
  windowSeconds?: number;
  /**
   * Seconds of the run's work after this phase, given this phase's current rate; the line then
   * ends in `run eta`, marked `~` when `guess` (e.g. a later phase's speed not yet measured).
   */
  later?: (rate: number) => { seconds: number; guess?: boolean };
}

/** Seconds as `mm:ss` or `h:mm:ss` (`--:--` when not finite). */
export function fmtTime(s: number): string {
  if (!Number.isFinite(s)) return "--:--";
  s = Math.max(0, Math.round(s));
  const h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), sec = s % 60;
  const mm = String(m).padStart(2, "0"), ss = String(sec).padStart(2, "0");
  return h > 0 ? `${h}:${mm}:${ss}` : `${mm}:${ss}`;
}

/** How long ago a time (ms since the epoch) was: "20 s ago", "3 min ago", "2.1 h ago". */
export function fmtAgo(ms: number): string {
  const s = Math.max(0, (Date.now() - ms) / 1000);
  if (s < 90) return `${Math.round(s)} s ago`;
  if (s < 5400) return `${Math.round(s / 60)} min ago`;
  return `${(s / 3600).toFixed(1)} h ago`;
}

/** Tracks progress of `total` units of work. */
export class Progress {
  readonly label: string;
  readonly total: number;
  done: number;
  #initial: number;
  #start = performance.now();
  #last = 0;
  #opts: ProgressOptions;
  #tty: boolean;
  #fields: Record<string, string> = {};
  /** (time ms, done) samples for the windowed rate; the first is the window's start. */
  #samples: Array<[number, number]> = [];

  constructor(label: string, total: number, options: ProgressOptions = {}) {
    this.label = label;
    this.total = total;
    this.#opts = options;
    this.#initial = this.done = options.initial ?? 0;
    this.#samples.push([this.#start, this.done]);
    this.#tty = !options.write && Deno.stderr.isTerminal();
  }

  /**
   * Units per second: over about the last `windowSeconds` when set (once that long has
   * passed), else since the start; units done before the start (`initial`) never count.
   */
  get rate(): number {
    const now = performance.now();
    const first = this.#samples[0]!;
    if (first[0] > this.#start && now > first[0]) { // the window has moved on from the start
      return (this.done - first[1]) / ((now - first[0]) / 1000);
    }
    const s = (now - this.#start) / 1000;
    return s > 0 ? (this.done - this.#initial) / s : 0;
  }

  /** Seconds since start. */
  get elapsed(): number {
    return (performance.now() - this.#start) / 1000;
  }

  /** Advances by `n` units and sets display fields (e.g. `{ loss: "0.41" }`). */
  tick(n = 1, fields?: Record<string, string>): void {
    this.done += n;
    if (fields) Object.assign(this.#fields, fields);
    const now = performance.now();
    const w = this.#opts.windowSeconds;
    if (w !== undefined) {
      const s = this.#samples;
      if (now - s[s.length - 1]![0] >= (w * 1000) / 20) s.push([now, this.done]);
      while (s.length > 2 && now - s[1]![0] >= w * 1000) s.shift();
    }
    const interval = this.#opts.intervalMs ?? (this.#tty ? 200 : 5000);
    if (now - this.#last >= interval) {
      this.#last = now;
      this.#emit(false);
    }
  }

  /** Prints the final line. */
  finish(fields?: Record<string, string>): void {
    if (fields) Object.assign(this.#fields, fields);
    this.#emit(true);
  }

  /** The current status line. */
  line(): string {
    const pct = this.total > 0 ? Math.min(100, (100 * this.done) / this.total) : 0;
    const rate = this.rate;
    const eta = rate > 0 ? (this.total - this.done) / rate : Infinity;
    const width = 20;
    const filled = Math.round((pct / 100) * width);
    const bar = "#".repeat(filled) + "-".repeat(width - filled);
    const extra = Object.entries(this.#fields).map(([k, v]) => ` ${k} ${v}`).join("");
    const unit = this.#opts.unit ?? "it";
    let run = "";
    if (this.#opts.later && this.done < this.total) {
      const later = this.#opts.later(rate);
      run = ` run eta ${later.guess ? "~" : ""}${fmtTime(eta + later.seconds)}`;
    }
    return `${this.label} [${bar}] ${pct.toFixed(0).padStart(3)}% ${this.done}/${this.total} ` +
      `${rate.toFixed(1)} ${unit}/s elapsed ${fmtTime(this.elapsed)} eta ${fmtTime(eta)}${run}` +
      extra;
  }

  #emit(final: boolean): void {
    if (this.#opts.quiet) return;
    const line = this.line();
    if (this.#opts.write) return this.#opts.write(line, final);
    const enc = new TextEncoder();
    if (this.#tty) Deno.stderr.writeSync(enc.encode(`\r\x1b[2K${line}${final ? "\n" : ""}`));
    else Deno.stderr.writeSync(enc.encode(line + "\n"));
  }
}
