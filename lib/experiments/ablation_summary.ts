/**
 * The ablation's summary as pure functions: AUROC mean and standard error over seeds per
 * transform set x score x class (and averaged over classes), and the two questions it answers
 * with numbers: does the geometric set beat every non-geometric set, and does the Dirichlet
 * score beat the simple score (paired over seeds: same seed = same data subset and init).
 * @module
 */
import { type MeanSem, meanSem } from "../metrics/summary.ts";
import { tCritical95 } from "../metrics/significance.ts";
import { pctMeanSem, signedPctMeanSem } from "./markdown.ts";
import type { RunResult, ScoreDifference } from "./result.ts";
import type { SetsPaired } from "./ablation_paired.ts";

/** A class index, or `"mean"` for the average over classes. */
export type ClassKey = number | "mean";

/** What the summary needs from one run: its cell and the AUROC of each score. */
export interface AblationRecord {
  transforms: string;
  normalClass: number;
  seed: number;
  /** AUROC (fraction, normal = positive) per score variant. */
  auroc: Record<string, number>;
  /**
   * Per score but the run's first: its AUROC against the first's on the run's own test images
   * (DeLong's paired test, `metrics.<score>.vsFirst`; absent in older records).
   */
  paired?: Record<string, ScoreDifference>;
}

/** The record of a GEOM result (`hyperparameters.transforms` names its set). */
export function ablationRecord(result: RunResult): AblationRecord {
  const transforms = result.hyperparameters.transforms;
  if (typeof transforms !== "string") {
    throw new TypeError(`Cannot summarise ${result.method} result: no transforms hyperparameter`);
  }
  const auroc: Record<string, number> = {};
  const paired: Record<string, ScoreDifference> = {};
  for (const [k, m] of Object.entries(result.metrics)) {
    auroc[k] = m.auroc;
    if (m.vsFirst) paired[k] = m.vsFirst;
  }
  return {
    transforms,
    normalClass: result.normalClass,
    seed: result.seed,
    auroc,
    ...(Object.keys(paired).length > 0 ? { paired } : {}),
  };
}

/** How many runs' own paired tests resolve score A against score B (p < 0.05), and which way. */
export interface PairedTests {
  /** Runs whose record holds the paired test of the two scores. */
  runs: number;
  /** Of those, runs where A's AUROC is higher at p < 0.05. */
  higher: number;
  /** Runs where A's AUROC is lower at p < 0.05. */
  lower: number;
}

/**
 * Score A against score B in each run on its own test images, from the paired test its record
 * holds (A - B, whichever of the two was the run's first score); a duplicate run counts once.
 */
function pairedTests(records: AblationRecord[], [a, b]: readonly [string, string]): PairedTests {
  const out = { runs: 0, higher: 0, lower: 0 };
  for (const r of firstOfEachRun(records).runs) {
    const bVsA = r.paired?.[b], aVsB = r.paired?.[a];
    const diff = bVsA?.score === a ? -bVsA.diff : aVsB?.score === b ? aVsB.diff : undefined;
    if (diff === undefined) continue;
    out.runs++;
    const p = bVsA?.score === a ? bVsA.p : aVsB!.p;
    if (p < 0.05 && diff > 0) out.higher++;
    if (p < 0.05 && diff < 0) out.lower++;
  }
  return out;
}

/** Mean and standard error over seeds of one transform set x score x class. */
export interface SummaryCell extends MeanSem {
  transforms: string;
  score: string;
  normalClass: ClassKey;
  /** Seeds the values come from (for "mean": seeds with every class present). */
  seeds: number[];
}

/** A named statistic (percent formatting happens in text). */
export interface NamedStat extends MeanSem {
  name: string;
}

/** A paired comparison a > b over the seeds both have. */
export interface Comparison {
  normalClass: ClassKey;
  a: NamedStat;
  b: NamedStat;
  /** a - b per common seed, summarised; undefined when no seed is common. */
  diff?: MeanSem;
  /** a's mean is higher than b's. */
  holds: boolean;
  /**
   * At least 2 common seeds and a paired t-test over them rejects equality (two-sided, 5%;
   * `tCritical95`): 12.7 standard errors at 2 seeds, 4.3 at 3, 2.8 at 5.
   */
  resolved: boolean;
}

/** Geometric set vs every non-geometric set for one score and class. */
export interface GeometricFinding extends Comparison {
  score: string;
  /** Every non-geometric set with results, best first. `b` is the best of them. */
  rivals: NamedStat[];
}

/** Score a vs score b for one transform set and class. */
export interface ScoreFinding extends Comparison {
  transforms: string;
}

/** Everything {@linkcode summarizeAblation} computes. */
export interface AblationSummaryData {
  sets: string[];
  scores: string[];
  classes: number[];
  seeds: number[];
  /** Records dropped because an earlier one had the same set, class and seed. */
  duplicates: number;
  cells: SummaryCell[];
  geometricVsNonGeometric: GeometricFinding[];
  dirichletVsSimple: ScoreFinding[];
  /** The score pair in each run's own paired test, where records hold it. */
  pairedTests?: PairedTests;
  /** The findings as sentences with numbers (AUROC in percent, mean ± standard error). */
  statements: string[];
}

/** Options for {@linkcode summarizeAblation}. */
export interface SummarizeAblationOptions {
  /** The non-geometric sets (compared against `geometric`). */
  nonGeometric: readonly string[];
  /** The geometric set under test (default `geometric72`). */
  geometric?: string;
  /** Order of the sets in tables (others follow, sorted). */
  setOrder?: readonly string[];
  /** Order of the scores (others follow, sorted). Default dirichlet, simple, max-softmax, entropy. */
  scoreOrder?: readonly string[];
  /** Class names by index, for statements. */
  classNames?: readonly string[];
  /** The two scores compared (default `dirichlet` vs `simple`). */
  scorePair?: readonly [string, string];
}

function ordered(found: Iterable<string>, order: readonly string[] = []): string[] {
  const set = new Set(found);
  const first = order.filter((x) => set.has(x));
  return [...first, ...[...set].filter((x) => !order.includes(x)).sort()];
}

/** Seed -> AUROC per (set, score, class), built once from the records. */
/** The first record of each (set, class, seed) and how many later ones repeat one. */
function firstOfEachRun(records: AblationRecord[]): { runs: AblationRecord[]; duplicates: number } {
  const seen = new Set<string>();
  const runs = records.filter((r) => {
    const id = `${r.transforms}\u0000${r.normalClass}\u0000${r.seed}`;
    if (seen.has(id)) return false;
    seen.add(id);
    return true;
  });
  return { runs, duplicates: records.length - runs.length };
}

class SeedTable {
  #values = new Map<string, Map<number, number>>();
  duplicates = 0;
  constructor(records: AblationRecord[], readonly classes: number[]) {
    const { runs, duplicates } = firstOfEachRun(records);
    this.duplicates = duplicates;
    for (const r of runs) {
      for (const [score, v] of Object.entries(r.auroc)) {
        if (!Number.isFinite(v)) continue;
        const key = this.#key(r.transforms, score, r.normalClass);
        if (!this.#values.has(key)) this.#values.set(key, new Map());
        this.#values.get(key)!.set(r.seed, v);
      }
    }
  }
  #key(set: string, score: string, c: number): string {
    return `${set}\u0000${score}\u0000${c}`;
  }
  /** Seed -> value; for "mean" the class average over seeds that have every class. */
  get(set: string, score: string, c: ClassKey): Map<number, number> {
    if (c !== "mean") return this.#values.get(this.#key(set, score, c)) ?? new Map();
    const per = this.classes.map((k) => this.get(set, score, k));
    const out = new Map<number, number>();
    for (const seed of per[0]?.keys() ?? []) {
      if (per.every((m) => m.has(seed))) {
        out.set(seed, per.reduce((s, m) => s + m.get(seed)!, 0) / per.length);
      }
    }
    return out;
  }
}

function stat(name: string, values: Map<number, number>): NamedStat | undefined {
  if (values.size === 0) return undefined;
  return { name, ...meanSem([...values.values()]) };
}

function compare(
  c: ClassKey,
  a: NamedStat,
  b: NamedStat,
  va: Map<number, number>,
  vb: Map<number, number>,
): Comparison {
  const diffs = [...va.keys()].filter((s) => vb.has(s)).map((s) => va.get(s)! - vb.get(s)!);
  const diff = diffs.length ? meanSem(diffs) : undefined;
  const resolved = !!diff && diff.n >= 2 &&
    Math.abs(diff.mean) > tCritical95(diff.n - 1) * diff.sem;
  return { normalClass: c, a, b, diff, holds: a.mean > b.mean, resolved };
}

/**
 * Summarises ablation records: cells per set x score x class and averaged over classes,
 * geometric vs non-geometric and score-pair findings, and their statements.
 */
export function summarizeAblation(
  records: AblationRecord[],
  options: SummarizeAblationOptions,
): AblationSummaryData {
  const geometric = options.geometric ?? "geometric72";
  const [scoreA, scoreB] = options.scorePair ?? ["dirichlet", "simple"];
  const sets = ordered(records.map((r) => r.transforms), options.setOrder);
  const scores = ordered(
    records.flatMap((r) => Object.keys(r.auroc)),
    options.scoreOrder ?? ["dirichlet", "simple", "max-softmax", "entropy"],
  );
  const classes = [...new Set(records.map((r) => r.normalClass))].sort((a, b) => a - b);
  const seeds = [...new Set(records.map((r) => r.seed))].sort((a, b) => a - b);
  const table = new SeedTable(records, classes);
  const keys: ClassKey[] = [...classes, "mean"];

  const cells = summaryCells(table, sets, scores, keys);
  const geometricVsNonGeometric = geometricFindings(
    table,
    geometric,
    sets.filter((s) => options.nonGeometric.includes(s)),
    scores,
    keys,
  );
  const dirichletVsSimple = scorePairFindings(table, sets, [scoreA, scoreB], keys);
  const paired = pairedTests(records, [scoreA, scoreB]);

  const data: AblationSummaryData = {
    sets,
    scores,
    classes,
    seeds,
    duplicates: table.duplicates,
    cells,
    geometricVsNonGeometric,
    dirichletVsSimple,
    ...(paired.runs > 0 ? { pairedTests: paired } : {}),
    statements: [],
  };
  data.statements = ablationStatements(data, {
    ...options,
    geometric,
    scorePair: [scoreA, scoreB],
  });
  return data;
}

/** Mean and SEM over seeds of every set x score x class (and class mean) that has values. */
function summaryCells(
  table: SeedTable,
  sets: string[],
  scores: string[],
  keys: ClassKey[],
): SummaryCell[] {
  const cells: SummaryCell[] = [];
  for (const set of sets) {
    for (const score of scores) {
      for (const c of keys) {
        const v = table.get(set, score, c);
        if (v.size === 0) continue;
        cells.push({
          transforms: set,
          score,
          normalClass: c,
          seeds: [...v.keys()].sort((a, b) => a - b),
          ...meanSem([...v.values()]),
        });
      }
    }
  }
  return cells;
}

/** Per score and class: the geometric set against the best of `rivalsSets`. */
function geometricFindings(
  table: SeedTable,
  geometric: string,
  rivalsSets: string[],
  scores: string[],
  keys: ClassKey[],
): GeometricFinding[] {
  const geometricVsNonGeometric: GeometricFinding[] = [];
  for (const score of scores) {
    for (const c of keys) {
      const vg = table.get(geometric, score, c);
      const g = stat(geometric, vg);
      const rivals = rivalsSets
        .map((s) => stat(s, table.get(s, score, c)))
        .filter((x): x is NamedStat => !!x)
        .sort((x, y) => y.mean - x.mean);
      if (!g || rivals.length === 0) continue;
      const best = rivals[0]!;
      geometricVsNonGeometric.push({
        score,
        rivals,
        ...compare(c, g, best, vg, table.get(best.name, score, c)),
      });
    }
  }
  return geometricVsNonGeometric;
}

/** Per set and class: score `scoreA` against score `scoreB` (paired by seed). */
function scorePairFindings(
  table: SeedTable,
  sets: string[],
  [scoreA, scoreB]: readonly [string, string],
  keys: ClassKey[],
): ScoreFinding[] {
  const dirichletVsSimple: ScoreFinding[] = [];
  for (const set of sets) {
    for (const c of keys) {
      const va = table.get(set, scoreA, c), vb = table.get(set, scoreB, c);
      const a = stat(scoreA, va), b = stat(scoreB, vb);
      if (a && b) dirichletVsSimple.push({ transforms: set, ...compare(c, a, b, va, vb) });
    }
  }
  return dirichletVsSimple;
}

/** Per score: does the geometric set beat every non-geometric one (mean, then per class)? */
function geometricStatements(
  data: Omit<AblationSummaryData, "statements">,
  geometric: string,
  names: readonly string[] | undefined,
): string[] {
  const out: string[] = [];
  if (data.geometricVsNonGeometric.length === 0) {
    const missing = data.sets.includes(geometric) ? "any non-geometric set" : geometric;
    out.push(
      `Does ${geometric} beat every non-geometric set? Cannot tell: no results for ${missing}.`,
    );
  }
  for (const score of data.scores) {
    const items = data.geometricVsNonGeometric.filter((x) => x.score === score);
    const mean = items.find((x) => x.normalClass === "mean");
    if (items.length === 0) continue;
    const head = mean
      ? `${mean.holds ? "YES" : "NO"}: ${geometric} ${pctMeanSem(mean.a)} vs the best ` +
        `non-geometric set ${mean.b.name} ${pctMeanSem(mean.b)} (mean over classes), ` +
        `${diffText(mean)}`
      : "no complete seed over all classes for the average";
    out.push(
      `Does ${geometric} beat every non-geometric set (${score} score)? ${head}.` +
        perClassText(items, names, (x) => ` vs ${x.b.name}`),
    );
  }
  return out;
}

/** Does score A beat score B with the geometric set (mean, then per class)? */
function scorePairStatement(
  data: Omit<AblationSummaryData, "statements">,
  geometric: string,
  [scoreA, scoreB]: readonly [string, string],
  names: readonly string[] | undefined,
): string {
  const pair = data.dirichletVsSimple.filter((x) => x.transforms === geometric);
  if (pair.length === 0) {
    return `Does ${scoreA} beat ${scoreB}? Cannot tell: no ${geometric} results with both.`;
  }
  const mean = pair.find((x) => x.normalClass === "mean");
  const head = mean
    ? `${mean.holds ? "YES" : "NO"}: ${scoreA} ${pctMeanSem(mean.a)} vs ${scoreB} ` +
      `${pctMeanSem(mean.b)} (mean over classes), ${diffText(mean)}`
    : "no complete seed over all classes for the average";
  return `Does ${scoreA} beat ${scoreB} (with ${geometric})? ${head}.` +
    perClassText(pair, names, () => "");
}

/** How often score A beats score B over every set x class, and over the class means. */
function acrossSetsStatement(
  data: Omit<AblationSummaryData, "statements">,
  [scoreA, scoreB]: readonly [string, string],
): string[] {
  const out: string[] = [];
  const all = data.dirichletVsSimple.filter((x) => x.normalClass !== "mean");
  const allMeans = data.dirichletVsSimple.filter((x) => x.normalClass === "mean");
  if (all.length > 0) {
    const wins = all.filter((x) => x.holds).length;
    const resolvedWins = all.filter((x) => x.holds && x.resolved).length;
    const resolvedLosses = all.filter((x) => !x.holds && x.resolved).length;
    out.push(
      `Across every transform set x class: ${scoreA} is higher than ${scoreB} in ${wins} of ` +
        `${all.length} cells (resolved by a paired t-test over seeds: ${resolvedWins} higher, ` +
        `${resolvedLosses} lower); averaged over classes, in ${
          allMeans.filter((x) => x.holds).length
        } of ${allMeans.length} sets.`,
    );
  }
  const t = data.pairedTests;
  if (t) {
    out.push(
      `Each run on its own test images (DeLong's paired test, p < 0.05): ${scoreA} is higher ` +
        `than ${scoreB} in ${t.higher} and lower in ${t.lower} of ${t.runs} runs.`,
    );
  }
  return out;
}

function className(c: ClassKey, names: readonly string[] | undefined): string {
  if (c === "mean") return "mean over classes";
  const n = names?.[c];
  return n ? `class ${c} (${n})` : `class ${c}`;
}

function diffText(cmp: Comparison): string {
  if (!cmp.diff) return "no seed in common, no paired difference";
  const d = cmp.diff;
  const how = d.n < 2
    ? "one seed: no spread"
    : cmp.resolved
    ? "resolved: paired t-test over seeds, p < 0.05"
    : "not resolved by a paired t-test over seeds";
  return `paired difference ${signedPctMeanSem(d)} over ${d.n} seed${
    d.n === 1 ? "" : "s"
  } (${how})`;
}

function perClassText(
  items: Comparison[],
  names: readonly string[] | undefined,
  label: (x: Comparison) => string,
): string {
  const perClass = items.filter((x) => x.normalClass !== "mean");
  if (perClass.length === 0) return "";
  const yes = perClass.filter((x) => x.holds).length;
  const yesResolved = perClass.filter((x) => x.holds && x.resolved).length;
  const parts = perClass.map((x) =>
    `${className(x.normalClass, names)} ${x.holds ? "yes" : "no"}` +
    `${x.resolved ? "" : ", not resolved"} ` +
    `(${x.diff ? signedPctMeanSem(x.diff) : "n/a"}${label(x)})`
  );
  return ` Per class: yes in ${yes} of ${perClass.length} (resolved by the t-test in ` +
    `${yesResolved}): ${parts.join("; ")}.`;
}

/** The findings of `data` as sentences (used by {@linkcode summarizeAblation}). */
export function ablationStatements(
  data: Omit<AblationSummaryData, "statements">,
  options: SummarizeAblationOptions,
): string[] {
  const geometric = options.geometric ?? "geometric72";
  const [scoreA, scoreB] = options.scorePair ?? ["dirichlet", "simple"];
  const names = options.classNames;
  return [
    ...geometricStatements(data, geometric, names),
    scorePairStatement(data, geometric, [scoreA, scoreB], names),
    ...acrossSetsStatement(data, [scoreA, scoreB]),
  ];
}

/** The cell of a set x score x class, or undefined. */
export function findCell(
  cells: readonly SummaryCell[],
  transforms: string,
  score: string,
  normalClass: ClassKey,
): SummaryCell | undefined {
  return cells.find((c) =>
    c.transforms === transforms && c.score === score && c.normalClass === normalClass
  );
}

/** `pct` of a cell's mean, or "–" when missing (for tables). */
export function cellText(cell: SummaryCell | undefined): string {
  return cell ? pctMeanSem(cell) : "–";
}

/** A run left out of the summary, and why. */
export interface RunNote {
  file: string;
  reason: string;
}

/** summary.json of an ablation. */
export interface AblationSummary extends AblationSummaryData {
  /** The geometric set against each other set on the same test images (`--keep-scores`). */
  pairedSets?: SetsPaired;
  schema: string;
  version: number;
  createdAt: string;
  dataset: string;
  classNames: string[];
  /** The preset's name and definition. */
  preset: { name: string } & Record<string, unknown>;
  geometric: string;
  nonGeometric: string[];
  /** Size (T) and kind of every set in the summary. */
  setInfo: Record<string, { size: number; kind: string }>;
  /** The grid of this invocation (the summary itself merges every result found). */
  grid: {
    transforms: string[];
    classes: number[];
    seeds: number;
    runs: number;
    shard: { index: number; count: number };
  };
  runs: {
    /** Results with status ok in the summary. */
    used: number;
    /** Results with status failed (e.g. NaN loss), with the reason. */
    failed: RunNote[];
    /** Processes of this invocation that ended without a result. */
    crashed: RunNote[];
    /** Grid runs of this invocation (its shard) with no result. */
    missing: string[];
    /** Invalid (damaged, changed, misnamed) or stale files of this preset, with the reason. */
    ignored: RunNote[];
    /** Result files of other presets in the same folder. */
    otherPresets: number;
    /** Files in runs/ that are not named as a run's result (ignored). */
    unknown?: string[];
  };
  /** The data the results were computed on: `<dataset read> (<source>)`, e.g. a fallback. */
  dataUsed: string[];
  /** Mean seconds per run (whole run: fit + score), per transform set. */
  secondsPerRun: Record<string, number>;
}
