/**
 * The method comparison as pure functions: AUROC per method x class (mean and standard error
 * over seeds, of each method's primary score), the mean over classes, failures with their
 * reasons, the paper's published numbers beside them; rendered as markdown and a bar chart.
 * @module
 */
import { meanSem } from "../metrics/summary.ts";
import { barFigure, type BarSeries, meanSemSeries } from "../plots/bar.ts";
import type { Figure } from "../plots/figure.ts";
import { classLabel, markdownTable, pct } from "./markdown.ts";
import { publishedFor, type PublishedResult } from "./published.ts";
import type { RunResult } from "./result.ts";
import type { ClassKey } from "./ablation_summary.ts";
import {
  type ComparePaired,
  type KeptCompareRun,
  pairedMarkdown,
  pairedWithFirst,
} from "./compare_paired.ts";
import {
  dataKeyOf,
  type PerSeedAurocs,
  type SeedPaired,
  seedPairedDiffs,
  seedPairedMarkdown,
} from "./compare_seeds.ts";

/** A method as a column: name, table title and the score reported. */
export interface CompareMethod {
  name: string;
  title: string;
  primaryScore: string;
  /** One line on the method (summary.json keeps it). */
  description?: string;
}

/** One run as the comparison sees it (a sweep outcome). */
export interface CompareRun {
  method: string;
  normalClass: number;
  seed: number;
  /** `crashed`: the process ended without a result; `missing`: not run (left out). */
  status: "reused" | "ok" | "failed" | "crashed" | "missing";
  result?: RunResult;
  error?: string;
}

/** One method x class (or mean) cell. */
export interface CompareCell {
  method: string;
  normalClass: ClassKey;
  /** ok: every run ok; partial: some failed; failed: all failed; missing: no run. */
  status: "ok" | "partial" | "failed" | "missing";
  /** AUROC fraction (mean over seeds; for "mean": mean over the classes with results). */
  mean?: number;
  /** Standard error over seeds (for "mean": of the per-seed class averages). */
  sem?: number;
  /** Seeds (classes for "mean") behind `mean`. */
  n: number;
  /** Reasons of failed or crashed runs, `seed S: reason` (for "mean": `class C seed S: ...`). */
  errors: string[];
  /** Selected by test labels (the paper's hindsight OC-SVM grid). */
  hindsight: boolean;
  /** The paper's AUROC % for this cell, when published (mean row: over the same classes). */
  published?: number;
  /** Set when the published mean is over other classes than the row's (e.g. all 10). */
  publishedNote?: string;
}

/** What {@linkcode summarizeCompare} returns. */
export interface CompareSummaryData {
  methods: CompareMethod[];
  classes: number[];
  cells: CompareCell[];
  /** Every method against the first on the same test images, where the runs kept scores. */
  paired?: ComparePaired;
  /** Every method against the first, paired by seed, where two seeds or more ran. */
  seedPaired?: SeedPaired;
}

function aurocOf(r: RunResult, score: string): number | undefined {
  const m = r.metrics[score] ?? Object.values(r.metrics)[0];
  return m && Number.isFinite(m.auroc) ? m.auroc : undefined;
}

/** One run behind a comparison summary. */
export interface CompareSummaryRun {
  method: string;
  normalClass: number;
  seed: number;
  status: string;
  /** Its result file. */
  file?: string;
  error?: string;
}

/** A comparison summary.json: the summarised cells plus what was run. */
export interface CompareSummary extends CompareSummaryData {
  schema: string;
  createdAt: string;
  dataset: string;
  preset: string;
  seeds: number;
  classNames?: string[];
  runs?: CompareSummaryRun[];
}

/**
 * summary.json of a comparison, built here with its type: the cells of `data` plus what was
 * asked for (dataset, preset, seeds, the methods' descriptions) and every run behind them.
 */
export function compareSummaryRecord(
  data: CompareSummaryData,
  meta: {
    schema: string;
    createdAt: string;
    dataset: string;
    preset: string;
    seeds: number;
    classNames: string[];
  },
  runs: CompareSummaryRun[],
): CompareSummary {
  return {
    ...meta,
    methods: data.methods.map((m) => ({
      name: m.name,
      title: m.title,
      primaryScore: m.primaryScore,
      description: m.description,
    })),
    classes: data.classes,
    cells: data.cells,
    ...(data.paired ? { paired: data.paired } : {}),
    ...(data.seedPaired ? { seedPaired: data.seedPaired } : {}),
    runs,
  };
}

/** True when the fitted state (or a part of it, e.g. CAE-OC-SVM's `ocsvm`) says hindsight. */
function isHindsight(r: RunResult | undefined): boolean {
  const says = (x: unknown): boolean => {
    if (typeof x !== "object" || x === null) return false;
    const o = x as Record<string, unknown>;
    return String(o.selection ?? "").startsWith("hindsight");
  };
  const state = r?.state ?? {};
  return says(state) || Object.values(state).some(says);
}

/**
 * Summarises runs into method x class cells plus a mean row, with published numbers, the
 * paired tests against the first method where the runs carry their kept scores (`paired`) and,
 * with two seeds or more, the differences to the first method paired by seed (`seedPaired`).
 */
export function summarizeCompare(
  runs: KeptCompareRun[],
  options: {
    methods: CompareMethod[];
    classes: number[];
    dataset: string;
    /** Number of classes of the dataset (default: those given). */
    allClasses?: number;
  },
): CompareSummaryData {
  const allClasses = options.allClasses ?? options.classes.length;
  const cells: CompareCell[] = [];
  const perSeedOf: PerSeedAurocs = new Map();
  for (const m of options.methods) {
    const published = publishedFor(m.name, options.dataset);
    const perSeed = new Map<number, Map<number, number>>(); // seed -> class -> auroc
    perSeedOf.set(m.name, perSeed);
    const classCells = options.classes.map((c) => classCell(runs, m, c, published, perSeed));
    const publishedRow = publishedMean(published, options.classes, allClasses);
    cells.push(...classCells, meanCell(m, classCells, perSeed, options.classes, publishedRow));
  }
  const paired = pairedWithFirst(runs, options.methods);
  const seedPaired = seedPairedDiffs(perSeedOf, options.methods, options.classes, (m, s, c) => {
    const r = runs.find((x) =>
      x.method === m && x.seed === s && x.normalClass === c && x.result?.status === "ok"
    );
    return r ? dataKeyOf(r.result!) : undefined;
  });
  return {
    methods: options.methods,
    classes: options.classes,
    cells,
    ...(paired ? { paired } : {}),
    ...(seedPaired ? { seedPaired } : {}),
  };
}

/**
 * The cell of method `m` on normal class `c`: mean and SEM over its seeds' AUROCs, or why
 * there is none. Each AUROC is also filed in `perSeed` (seed -> class -> AUROC).
 */
function classCell(
  runs: CompareRun[],
  m: CompareMethod,
  c: number,
  published: PublishedResult | undefined,
  perSeed: Map<number, Map<number, number>>,
): CompareCell {
  const mine = runs.filter((r) =>
    r.method === m.name && r.normalClass === c && r.status !== "missing"
  );
  const values: number[] = [];
  const errors: string[] = [];
  let hindsight = false;
  for (const r of mine) {
    const res = r.result;
    hindsight ||= isHindsight(res);
    const v = res?.status === "ok" ? aurocOf(res, m.primaryScore) : undefined;
    if (v !== undefined) {
      values.push(v);
      if (!perSeed.has(r.seed)) perSeed.set(r.seed, new Map());
      perSeed.get(r.seed)!.set(c, v);
    } else {
      const why = res?.error ?? r.error ?? (res ? "no finite AUROC" : "no result");
      errors.push(`seed ${r.seed}: ${why}`);
    }
  }
  const s = values.length ? meanSem(values) : undefined;
  const status = mine.length === 0
    ? "missing"
    : errors.length === 0
    ? "ok"
    : values.length
    ? "partial"
    : "failed";
  return {
    method: m.name,
    normalClass: c,
    status,
    ...(s ? { mean: s.mean, sem: s.sem } : {}),
    n: values.length,
    errors,
    hindsight,
    ...(published?.perClass?.[c] !== undefined ? { published: published.perClass[c] } : {}),
  };
}

/**
 * The mean row's cell of method `m`: the mean over the classes with a value; its SEM over the
 * seeds that have every class (at least two such seeds).
 */
function meanCell(
  m: CompareMethod,
  classCells: CompareCell[],
  perSeed: Map<number, Map<number, number>>,
  classes: number[],
  published: Pick<CompareCell, "published" | "publishedNote">,
): CompareCell {
  const withValues = classCells.filter((x) => x.mean !== undefined);
  const complete = [...perSeed.values()].filter((byClass) => classes.every((c) => byClass.has(c)))
    .map((byClass) => classes.reduce((a, c) => a + byClass.get(c)!, 0) / byClass.size);
  return {
    method: m.name,
    normalClass: "mean",
    status: withValues.length === 0
      ? (classCells.some((x) => x.status !== "missing") ? "failed" : "missing")
      : classCells.every((x) => x.status === "ok")
      ? "ok"
      : "partial",
    ...(withValues.length
      ? { mean: withValues.reduce((a, x) => a + x.mean!, 0) / withValues.length }
      : {}),
    ...(complete.length >= 2 ? { sem: meanSem(complete).sem } : {}),
    n: withValues.length,
    errors: classCells.flatMap((x) => x.errors.map((e) => `class ${x.normalClass} ${e}`)),
    hindsight: classCells.some((x) => x.hindsight),
    ...published,
  };
}

/** The published value of a mean row: over the same classes where per-class numbers exist. */
function publishedMean(
  p: PublishedResult | undefined,
  classes: number[],
  allClasses: number,
): Pick<CompareCell, "published" | "publishedNote"> {
  if (!p) return {};
  if (classes.length === allClasses) return { published: p.mean };
  if (p.perClass && classes.every((c) => p.perClass![c] !== undefined)) {
    const mean = classes.reduce((a, c) => a + p.perClass![c]!, 0) / classes.length;
    return { published: Math.round(mean * 10) / 10 };
  }
  return { published: p.mean, publishedNote: `all ${allClasses} classes` };
}

/** The cell of a method and class. */
export function compareCell(
  data: CompareSummaryData,
  method: string,
  normalClass: ClassKey,
): CompareCell | undefined {
  return data.cells.find((c) => c.method === method && c.normalClass === normalClass);
}

function cellText(c: CompareCell | undefined, classes: number): string {
  if (!c || c.status === "missing") return "–";
  if (c.status === "failed") return "failed";
  // Class cells: spread over seeds; the mean row: spread of complete per-seed averages.
  const spread = c.sem !== undefined && (c.normalClass === "mean" || c.n > 1);
  const value = spread ? `${pct(c.mean!)} ± ${pct(c.sem!)}` : pct(c.mean!);
  if (c.status === "ok") return value;
  return c.normalClass === "mean"
    ? `${value} (${c.n} of ${classes} classes)`
    : `${value} (${c.errors.length} failed)`;
}

/** Columns: per method its result, plus `<title> (paper)` where published numbers exist. */
export function compareTable(
  data: CompareSummaryData,
  options: { dataset: string; classNames?: readonly string[] },
): { header: string[]; rows: string[][] } {
  const header = ["class"];
  const cols: Array<(k: ClassKey) => string> = [];
  for (const m of data.methods) {
    const hindsight = data.cells.some((c) => c.method === m.name && c.hindsight);
    header.push(hindsight ? `${m.title} †` : m.title);
    cols.push((k) => cellText(compareCell(data, m.name, k), data.classes.length));
    const pub = publishedFor(m.name, options.dataset);
    if (pub) {
      header.push(`${m.title} (paper)`);
      cols.push((k) => {
        const c = compareCell(data, m.name, k);
        if (c?.published === undefined) return "–";
        return c.publishedNote
          ? `${c.published.toFixed(1)} (${c.publishedNote})`
          : c.published.toFixed(1);
      });
    }
  }
  const keys: ClassKey[] = [...data.classes, "mean"];
  const rows = keys.map((k) => [
    classLabel(k, options.classNames),
    ...cols.map((f) => f(k)),
  ]);
  return { header, rows };
}

/**
 * The notes under the comparison table: the hindsight mark, the published numbers' sources,
 * the primary scores and the data read.
 */
function compareNotes(
  data: CompareSummaryData,
  options: { dataset: string; dataUsed?: readonly string[] },
): string[] {
  const notes: string[] = [];
  if (data.cells.some((c) => c.hindsight)) {
    notes.push(
      "† hyperparameters selected by TEST AUROC (the paper's hindsight OC-SVM grid): " +
        "optimistic for that method.",
    );
  }
  const sources = new Set<string>();
  for (const m of data.methods) {
    const p = publishedFor(m.name, options.dataset);
    if (p) sources.add(`${m.title}: ${p.source}${p.note ? ` (${p.note})` : ""}`);
  }
  if (sources.size) {
    notes.push(
      `"(paper)" columns: published numbers on the full protocol (all training images of the ` +
        `class, the whole test set, the paper's training length); presets other than paper ` +
        `use subsets and shorter training, so they are a reference, not a target.`,
      ...[...sources].map((s) => `Source, ${s}.`),
    );
  }
  notes.push(
    `Scores: ${data.methods.map((m) => `${m.title} = ${m.primaryScore}`).join(", ")}.`,
  );
  if (options.dataUsed?.length) notes.push(`Data read: ${options.dataUsed.join("; ")}.`);
  return notes;
}

/** The "Failed runs" section: every error of a class cell, by method and class ([] if none). */
function failedRuns(data: CompareSummaryData): string[] {
  const failures = data.cells.filter((c) => c.normalClass !== "mean" && c.errors.length);
  if (!failures.length) return [];
  const lines = ["", "## Failed runs", ""];
  for (const c of failures) {
    const m = data.methods.find((x) => x.name === c.method)!;
    for (const e of c.errors) lines.push(`- ${m.title}, class ${c.normalClass}, ${e}`);
  }
  return lines;
}

/** Markdown: the table, notes (hindsight, published sources), then failures with reasons. */
export function compareMarkdown(
  data: CompareSummaryData,
  options: {
    dataset: string;
    preset: string;
    seeds: number;
    classNames?: readonly string[];
    createdAt: string;
    /** Where the runs' data came from (`describeSource` of each distinct record). */
    dataUsed?: readonly string[];
  },
): string {
  const t = compareTable(data, options);
  const lines = [
    `# Method comparison: ${options.dataset}, preset ${options.preset}`,
    "",
    `AUROC in percent (normal class = positive) of each method's primary score` +
    (options.seeds > 1 ? `, mean ± standard error over ${options.seeds} seeds` : ", one seed") +
    `. Generated ${options.createdAt}.`,
    "",
    markdownTable(t.header, t.rows),
    "",
  ];
  lines.push(...compareNotes(data, options).map((n) => `- ${n}`));
  if (data.paired) {
    lines.push(...pairedMarkdown(data.paired, data.methods, { ...options, classes: data.classes }));
  }
  if (data.seedPaired) {
    lines.push(
      ...seedPairedMarkdown(data.seedPaired, data.methods, { ...options, classes: data.classes }),
    );
  }
  lines.push(...failedRuns(data));
  return lines.join("\n") + "\n";
}

/** Grouped bars: AUROC % per class and mean, one series per method and per published set. */
export function compareFigure(
  data: CompareSummaryData,
  options: { dataset: string; classNames?: readonly string[] },
): Figure {
  const label = (k: ClassKey) => classLabel(k, options.classNames);
  const keys: ClassKey[] = [...data.classes, "mean"];
  const series: BarSeries[] = [];
  for (const m of data.methods) {
    const hindsight = data.cells.some((c) => c.method === m.name && c.hindsight);
    const ok = keys
      .map((k) => compareCell(data, m.name, k))
      .filter((c): c is CompareCell => c?.mean !== undefined);
    if (ok.length) {
      const points = ok.map((c) => ({ x: label(c.normalClass), mean: c.mean!, sem: c.sem }));
      series.push(meanSemSeries(hindsight ? `${m.title} †` : m.title, points, 100));
    }
  }
  for (const m of data.methods) {
    const pub = keys
      .map((k) => compareCell(data, m.name, k))
      .filter((c): c is CompareCell => c?.published !== undefined);
    if (pub.length) {
      series.push({
        name: `${m.title} (paper)`,
        x: pub.map((c) => label(c.normalClass)),
        y: pub.map((c) => c.published!),
      });
    }
  }
  return barFigure(series, {
    title: `AUROC (%) per normal class, ${options.dataset}`,
    xTitle: "normal class",
    yTitle: "AUROC (%)",
  });
}
