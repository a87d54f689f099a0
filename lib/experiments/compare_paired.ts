/**
 * The comparison's paired tests: each method against the first (GEOM by default) on the same
 * test images, class by class and seed by seed, from the scores the runs kept (`--keep-scores`).
 * DeLong's paired test of the two primary scores' AUROCs: the difference with its standard error
 * over test sets and a two-sided p-value. Two methods that rank the same hard images alike have
 * correlated errors, so their difference is pinned down far better than either AUROC alone.
 * @module
 */
import { getMethod, methodNames } from "../detectors/catalogue.ts";
import type { CompareMethod, CompareRun } from "./compare_summary.ts";
import { markdownTable, pct, pValueText, runLabel, signedPct } from "./markdown.ts";
import { barFigure, type BarSeries, differenceSeries } from "../plots/bar.ts";
import type { Figure } from "../plots/figure.ts";
import type { KeptRun } from "./run_method.ts";
import {
  pairedAcross,
  RERUN_HINT,
  type ScoredTest,
  type ScoresFile,
  scoresFileOf,
} from "./scores_file.ts";
import { oneLine } from "../util/errors.ts";
import { resolvedBySign, withHolm } from "../metrics/significance.ts";

/** A run of the comparison with its kept scores, or why it has none. */
export interface KeptCompareRun extends CompareRun {
  scores?: ScoresFile;
  /** Why a finished run has no usable scores (not kept, or kept by an earlier run). */
  noScores?: string;
}

/** One method against the first on one class and seed. */
export interface ComparePair {
  method: string;
  normalClass: number;
  seed: number;
  /** The score variants compared: the method's primary score and the first method's. */
  score: string;
  vsScore: string;
  /** The method's AUROC, the first method's, their difference (a - b), its SE, two-sided p. */
  a: number;
  b: number;
  diff: number;
  se: number;
  p: number;
  /** `p` adjusted by Holm's method over every test of the comparison (all methods, classes, seeds). */
  pHolm: number;
  /** Test images, of them normal. */
  n: number;
  nNormal: number;
}

/** A pair of finished runs that could not be tested, and why. */
export interface UnpairedRuns {
  method: string;
  normalClass: number;
  seed: number;
  why: string;
}

/** Every paired test of a comparison against its first method. */
export interface ComparePaired {
  /** The method every other is compared with (the comparison's first). */
  vs: string;
  pairs: ComparePair[];
  /** Finished pairs of runs without a test (no kept scores, other test images). */
  unpaired: UnpairedRuns[];
}

/** The score a method reports, as the scores file names it (its first when absent). */
function scoreOf(scores: ScoresFile, primary: string): string {
  return Object.hasOwn(scores.scores, primary) ? primary : Object.keys(scores.scores)[0]!;
}

/**
 * Paired tests of every method against the first, wherever both ran on a class and seed and
 * finished (failed and missing runs are the table's business, not this one's); undefined when
 * fewer than two methods or no run kept its scores (nothing was asked for).
 */
export function pairedWithFirst(
  runs: KeptCompareRun[],
  methods: CompareMethod[],
): ComparePaired | undefined {
  if (methods.length < 2 || !runs.some((r) => r.scores)) return undefined;
  const [first, ...others] = methods as [CompareMethod, ...CompareMethod[]];
  const finished = (method: string, c: number, seed: number) =>
    runs.find((r) =>
      r.method === method && r.normalClass === c && r.seed === seed && r.result?.status === "ok"
    );
  const tests: Omit<ComparePair, "pHolm">[] = [];
  const unpaired: UnpairedRuns[] = [];
  for (const m of others) {
    for (const r of runs.filter((x) => x.method === m.name && x.result?.status === "ok")) {
      const base = finished(first.name, r.normalClass, r.seed);
      if (!base) continue;
      const key = { method: m.name, normalClass: r.normalClass, seed: r.seed };
      if (!r.scores || !base.scores) {
        const why = [r, base].filter((x) => !x.scores).map((x) =>
          `${x.method}: ${x.noScores ?? "no kept scores"}`
        );
        unpaired.push({ ...key, why: why.join("; ") });
        continue;
      }
      const score = scoreOf(r.scores, m.primaryScore);
      const vsScore = scoreOf(base.scores, first.primaryScore);
      try {
        const { a, b, diff, se, p, n, nNormal } = pairedAcross(
          r.scores,
          base.scores,
          score,
          vsScore,
        );
        tests.push({ ...key, score, vsScore, a, b, diff, se, p, n, nNormal });
      } catch (err) {
        unpaired.push({ ...key, why: oneLine(err) });
      }
    }
  }
  return { vs: first.name, pairs: withHolm(tests), unpaired };
}

/**
 * The paired tests of runs kept in memory (`runMethodKept`, one per method, on the same split)
 * against the first of them, each on its method's primary score: what `compare --keep-scores`
 * gives from files, for a notebook's runs.
 */
export function pairedOfKept(
  runs: ReadonlyArray<Pick<KeptRun, "result" | "scores"> & { data: ScoredTest }>,
): ComparePaired | undefined {
  const methods = runs.map(({ result }) => {
    // A result may name a method outside the catalogue (a detector of the user's own, or one
    // from another geomad): then its own name and first score stand in.
    const m = methodNames().includes(result.method) ? getMethod(result.method) : undefined;
    return m ? { name: m.name, title: m.title, primaryScore: m.primaryScore } : {
      name: result.method,
      title: result.method,
      primaryScore: Object.keys(result.metrics)[0] ?? "",
    };
  });
  return pairedWithFirst(
    runs.map(({ result, scores, data }) => ({
      method: result.method,
      normalClass: result.normalClass,
      seed: result.seed,
      status: result.status,
      result,
      ...(result.status === "ok" ? { scores: scoresFileOf(result, scores, data) } : {}),
    })),
    methods,
  );
}

/**
 * The pairs as a grid: one row per class and seed that has any, one cell per method of
 * `others` (undefined where that method has no test there); the rows of the markdown section
 * and of the paper table.
 */
export function pairGrid(
  paired: ComparePaired,
  others: readonly CompareMethod[],
  classes: readonly number[],
  seeds: number,
): Array<{ normalClass: number; seed: number; cells: Array<ComparePair | undefined> }> {
  const rows = [];
  for (const c of classes) {
    for (let seed = 0; seed < seeds; seed++) {
      const cells = others.map((m) =>
        paired.pairs.find((q) => q.method === m.name && q.normalClass === c && q.seed === seed)
      );
      if (cells.some((x) => x)) rows.push({ normalClass: c, seed, cells });
    }
  }
  return rows;
}

/** `+1.2 ± 0.4 (p 0.006)`: a paired difference in AUROC points. */
function pairText(x: ComparePair): string {
  return `${signedPct(x.diff)} ± ${pct(x.se)} (${pValueText(x.p)})`;
}

/**
 * The markdown section of the paired tests: one row per class (and seed, with several), one
 * column per method; a count of the runs (class and seed) each method is resolved above or below
 * the first at p < 0.05 and after Holm's correction; the pairs without a test, with why.
 */
export function pairedMarkdown(
  paired: ComparePaired,
  methods: CompareMethod[],
  options: { classes: number[]; seeds: number; classNames?: readonly string[] },
): string[] {
  const first = methods.find((m) => m.name === paired.vs)!;
  const others = methods.filter((m) => m.name !== paired.vs);
  const lines = [
    "",
    `## Paired against ${first.title}, on the same test images`,
    "",
    `AUROC points of each method's primary score minus ${first.title}'s, ± DeLong's paired ` +
    "standard error over test sets, with the two-sided p-value (per cell, not corrected for " +
    "the number of cells; the counts below also give Holm's correction, and summary.json " +
    "pHolm). The error is that of the test set only: training seeds vary beyond it. Only " +
    "runs kept with --keep-scores are paired.",
    "",
  ];
  const header = ["class", ...others.map((m) => m.title)];
  const manySeeds = options.seeds > 1;
  const rows = pairGrid(paired, others, options.classes, options.seeds).map((r) => [
    runLabel(r.normalClass, r.seed, { ...options, manySeeds }),
    ...r.cells.map((x) => x ? pairText(x) : "–"),
  ]);
  if (rows.length) lines.push(markdownTable(header, rows), "");
  for (const m of others) {
    const mine = paired.pairs.filter((q) => q.method === m.name);
    if (!mine.length) continue;
    const { above, below } = resolvedBySign(mine, (q) => q.p);
    const holm = resolvedBySign(mine, (q) => q.pHolm);
    lines.push(
      `- ${m.title}: above ${first.title} at p < 0.05 in ${above} of ${mine.length} paired ` +
        `runs (class and seed), below in ${below}, not resolved in ${mine.length - above - below}` +
        `; after Holm's correction over all ${paired.pairs.length} tests: above in ` +
        `${holm.above}, below in ${holm.below}.`,
    );
  }
  for (const u of paired.unpaired) {
    const m = methods.find((x) => x.name === u.method)!;
    lines.push(`- Not paired: ${m.title}, class ${u.normalClass}, seed ${u.seed}: ${u.why}.`);
  }
  if (paired.unpaired.length) {
    lines.push(`- A finished run keeps no scores after the fact: to pair one, ${RERUN_HINT}.`);
  }
  return lines;
}

/**
 * Bars of each method's AUROC minus the first's (points), one group per class (and seed, with
 * several), with 95% intervals over test sets (1.96 paired SE) as error bars.
 */
export function pairedFigure(
  paired: ComparePaired,
  methods: CompareMethod[],
  options: { classes: number[]; seeds: number; classNames?: readonly string[]; dataset: string },
): Figure {
  const first = methods.find((m) => m.name === paired.vs)!;
  const label = (c: number, seed: number) =>
    runLabel(c, seed, { ...options, manySeeds: options.seeds > 1 });
  const series: BarSeries[] = [];
  for (const m of methods.filter((x) => x.name !== paired.vs)) {
    const mine = options.classes.flatMap((c) =>
      paired.pairs.filter((q) => q.method === m.name && q.normalClass === c)
        .sort((a, b) => a.seed - b.seed)
    );
    if (!mine.length) continue;
    series.push(
      differenceSeries(
        m.title,
        mine.map((q) => ({ x: label(q.normalClass, q.seed), diff: q.diff, se: q.se })),
      ),
    );
  }
  const categories = options.classes.flatMap((c) =>
    Array.from({ length: options.seeds }, (_, seed) => label(c, seed))
  );
  return barFigure(series, {
    categories,
    title: `AUROC minus ${first.title}'s on the same test images, ${options.dataset}<br>` +
      "bars: 95% interval over test sets (DeLong, paired)",
    xTitle: "normal class",
    yTitle: "difference (AUROC points)",
  });
}
