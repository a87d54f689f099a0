/**
 * A progress bar for long work: count, rate, ETA and custom fields, on stderr.
 * On a terminal it redraws one line; elsewhere it prints a line at most every few seconds.
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
}

function fmtTime(s: number): string {
  if (!Number.isFinite(s)) return "--:--";
  s = Math.max(0, Math.round(s));
  const h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), sec = s % 60;
  const mm = String(m).padStart(2, "0"), ss = String(sec).padStart(2, "0");
  return h > 0 ? `${h}:${mm}:${ss}` : `${mm}:${ss}`;
}

/** Tracks progress of `total` units of work. */
export class Progress {
  readonly label: string;
  readonly total: number;
  done = 0;
  #start = performance.now();
  #last = 0;
  #opts: ProgressOptions;
  #tty: boolean;
  #fields: Record<string, string> = {};

  constructor(label: string, total: number, options: ProgressOptions = {}) {
    this.label = label;
    this.total = total;
    this.#opts = options;
    this.#tty = !options.write && Deno.stderr.isTerminal();
  }

  /** Units per second so far. */
  get rate(): number {
    const s = (performance.now() - this.#start) / 1000;
    return s > 0 ? this.done / s : 0;
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
    return `${this.label} [${bar}] ${pct.toFixed(0).padStart(3)}% ${this.done}/${this.total} ` +
      `${rate.toFixed(1)} ${unit}/s elapsed ${fmtTime(this.elapsed)} eta ${fmtTime(eta)}${extra}`;
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
