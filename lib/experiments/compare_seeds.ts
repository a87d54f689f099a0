/**
 * The comparison's seed-level test: each method's AUROC minus the first method's, seed by seed,
 * where both runs read the same data (the same seed draws the same subsets when the presets'
 * limits agree), summarised as mean ± standard error over those seeds, per class and for the
 * class average, with a paired t-test over seeds (two-sided, 5%). Where the paired test on kept
 * scores (compare_paired.ts) measures the test set's sampling in one run, this measures what the
 * seeds move: training, and with subset presets the drawn subsets too.
 * @module
 */
import { type MeanSem, meanSem } from "../metrics/summary.ts";
import { tCritical95 } from "../metrics/significance.ts";
import type { RunResult } from "./result.ts";
import type { ClassKey } from "./ablation_summary.ts";
import type { CompareMethod } from "./compare_summary.ts";
import { classLabel, markdownTable, signedPctMeanSem } from "./markdown.ts";

/** One method against the first on one class (or the class average), over common seeds. */
export interface SeedDifference {
  method: string;
  normalClass: ClassKey;
  /** AUROC (fraction) minus the first method's, mean ± SEM over the seeds both have. */
  diff: MeanSem;
  /** At least 2 seeds and the paired t-test over them rejects equality (two-sided, 5%). */
  resolved: boolean;
}

/** A method's run on a class and seed not paired with the first's: they read other data. */
export interface SeedUnpaired {
  method: string;
  normalClass: number;
  seed: number;
  why: string;
}

/** Every seed-level difference of a comparison against its first method. */
export interface SeedPaired {
  vs: string;
  items: SeedDifference[];
  unpaired: SeedUnpaired[];
}

/**
 * What makes two runs' data the same for a seed: the dataset read, the subset limits, the
 * images used and the preprocessing (a method whose preset draws other limits reads other
 * images under the same seed).
 */
export function dataKeyOf(result: Pick<RunResult, "data">): string {
  const d = result.data;
  return JSON.stringify([d.dataset, d.trainLimit, d.testLimit, d.used, d.preprocessing]);
}

/** Seed -> class -> AUROC of each method (the runs that finished with a finite AUROC). */
export type PerSeedAurocs = Map<string, Map<number, Map<number, number>>>;

/**
 * Each method against the first, per class and for the average over `classes` (the seeds that
 * have every class for both), paired by seed where `dataKey` says both read the same data;
 * undefined when no pair of methods shares two seeds on any class (one seed: the table's cells
 * say it all).
 */
export function seedPairedDiffs(
  perSeed: PerSeedAurocs,
  methods: readonly CompareMethod[],
  classes: readonly number[],
  dataKey: (method: string, seed: number, c: number) => string | undefined = () => undefined,
): SeedPaired | undefined {
  const [first, ...others] = methods;
  if (!first) return undefined;
  const base = perSeed.get(first.name) ?? new Map<number, Map<number, number>>();
  const items: SeedDifference[] = [];
  const unpaired: SeedUnpaired[] = [];
  for (const m of others) {
    const mine = perSeed.get(m.name) ?? new Map<number, Map<number, number>>();
    const seeds = [...mine.keys()].filter((s) => base.has(s)).sort((a, b) => a - b);
    const same = (s: number, c: number) => dataKey(m.name, s, c) === dataKey(first.name, s, c);
    for (const s of seeds) {
      for (const c of classes) {
        if (mine.get(s)!.has(c) && base.get(s)!.has(c) && !same(s, c)) {
          unpaired.push({
            method: m.name,
            normalClass: c,
            seed: s,
            why: `other data than ${first.name}'s run (subset limits or images differ)`,
          });
        }
      }
    }
    const diffsOf = (c: ClassKey) =>
      seeds.flatMap((s) => {
        const a = mine.get(s)!, b = base.get(s)!;
        const both = (k: number) => a.has(k) && b.has(k) && same(s, k);
        if (c !== "mean") return both(c) ? [a.get(c)! - b.get(c)!] : [];
        if (!classes.every(both)) return [];
        return [classes.reduce((t, k) => t + a.get(k)! - b.get(k)!, 0) / classes.length];
      });
    for (const c of [...classes, "mean" as const]) {
      const d = diffsOf(c);
      if (d.length === 0) continue;
      const diff = meanSem(d);
      items.push({
        method: m.name,
        normalClass: c,
        diff,
        resolved: diff.n >= 2 && Math.abs(diff.mean) > tCritical95(diff.n - 1) * diff.sem,
      });
    }
  }
  return items.some((x) => x.diff.n >= 2) ? { vs: first.name, items, unpaired } : undefined;
}

/**
 * The markdown section: one row per class and the mean, one column per method, the difference
 * ± SE over seeds with the number of seeds; a count per method of the classes resolved either
 * way (paired t-test over the seeds, two-sided 5%; `tCritical95`).
 */
export function seedPairedMarkdown(
  paired: SeedPaired,
  methods: readonly CompareMethod[],
  options: { classes: readonly number[]; classNames?: readonly string[] },
): string[] {
  const first = methods.find((m) => m.name === paired.vs)!;
  const others = methods.filter((m) => m.name !== paired.vs);
  const cell = (m: string, c: ClassKey) => {
    const x = paired.items.find((q) => q.method === m && q.normalClass === c);
    if (!x) return "–";
    const seeds = `${x.diff.n} seed${x.diff.n === 1 ? "" : "s"}`;
    return `${signedPctMeanSem(x.diff)} (${seeds})${x.resolved ? " *" : ""}`;
  };
  const keys: ClassKey[] = [...options.classes, "mean"];
  const rows = keys.map((c) => [
    classLabel(c, options.classNames),
    ...others.map((m) => cell(m.name, c)),
  ]);
  const lines = [
    "",
    `## Against ${first.title}, paired by seed`,
    "",
    `AUROC points of each method's primary score minus ${first.title}'s, seed by seed (the same ` +
    "seed draws the same data when the presets' limits agree), mean ± standard error over the " +
    "seeds both ran on the same data; * where a paired t-test over the seeds rejects equality " +
    "(two-sided, 5%: with 2 seeds the difference must exceed 12.7 standard errors, with 3 " +
    "seeds 4.3). This spread is what the seeds move (training, and with subset presets the " +
    "drawn subsets); the paired test on kept scores (above, when present) is the test set's.",
    "",
    markdownTable(["class", ...others.map((m) => m.title)], rows),
    "",
  ];
  for (const m of others) {
    const mine = paired.items.filter((q) => q.method === m.name && q.normalClass !== "mean");
    if (!mine.length) continue;
    const above = mine.filter((q) => q.resolved && q.diff.mean > 0).length;
    const below = mine.filter((q) => q.resolved && q.diff.mean < 0).length;
    lines.push(
      `- ${m.title}: above ${first.title} at p < 0.05 (t over seeds) on ${above} of ` +
        `${mine.length} classes, below on ${below}.`,
    );
  }
  for (const u of paired.unpaired) {
    const m = methods.find((x) => x.name === u.method);
    lines.push(
      `- Not paired by seed: ${m?.title ?? u.method}, class ${u.normalClass}, seed ${u.seed}: ` +
        `${u.why}.`,
    );
  }
  return lines;
}
