/**
 * The comparison's seed-level test: each method's AUROC minus the first method's, seed by seed
 * (the same seed draws the same data subset for every method), summarised as mean ± standard
 * error over the seeds both ran, per class and for the class average. Where the paired test on
 * kept scores (compare_paired.ts) measures the test set's sampling in one run, this measures how
 * much training seeds move the difference; with 3 seeds or more it is the one to quote.
 * @module
 */
import { type MeanSem, meanSem } from "../metrics/summary.ts";
import type { ClassKey } from "./ablation_summary.ts";
import type { CompareMethod } from "./compare_summary.ts";
import { markdownTable, signedPctMeanSem } from "./markdown.ts";

/** One method against the first on one class (or the class average), over common seeds. */
export interface SeedDifference {
  method: string;
  normalClass: ClassKey;
  /** AUROC (fraction) minus the first method's, mean ± SEM over the seeds both have. */
  diff: MeanSem;
  /** At least 2 seeds and |mean| > 2 standard errors. */
  resolved: boolean;
}

/** Every seed-level difference of a comparison against its first method. */
export interface SeedPaired {
  vs: string;
  items: SeedDifference[];
}

/** Seed -> class -> AUROC of each method (the runs that finished with a finite AUROC). */
export type PerSeedAurocs = Map<string, Map<number, Map<number, number>>>;

/**
 * Each method against the first, per class and for the average over `classes` (the seeds that
 * have every class for both), paired by seed; undefined when no pair of methods shares two
 * seeds on any class (one seed: the table's cells say it all).
 */
export function seedPairedDiffs(
  perSeed: PerSeedAurocs,
  methods: readonly CompareMethod[],
  classes: readonly number[],
): SeedPaired | undefined {
  const [first, ...others] = methods;
  if (!first) return undefined;
  const base = perSeed.get(first.name) ?? new Map<number, Map<number, number>>();
  const items: SeedDifference[] = [];
  for (const m of others) {
    const mine = perSeed.get(m.name) ?? new Map<number, Map<number, number>>();
    const seeds = [...mine.keys()].filter((s) => base.has(s)).sort((a, b) => a - b);
    const diffsOf = (c: ClassKey) =>
      seeds.flatMap((s) => {
        const a = mine.get(s)!, b = base.get(s)!;
        if (c !== "mean") return a.has(c) && b.has(c) ? [a.get(c)! - b.get(c)!] : [];
        if (!classes.every((k) => a.has(k) && b.has(k))) return [];
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
        resolved: diff.n >= 2 && Math.abs(diff.mean) > 2 * diff.sem,
      });
    }
  }
  return items.some((x) => x.diff.n >= 2) ? { vs: first.name, items } : undefined;
}

/**
 * The markdown section: one row per class and the mean, one column per method, the difference
 * ± SE over seeds with the number of seeds; a count per method of the classes resolved either
 * way (beyond 2 standard errors).
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
    c === "mean" ? "mean" : `${options.classNames?.[c] ?? c} (${c})`,
    ...others.map((m) => cell(m.name, c)),
  ]);
  const lines = [
    "",
    `## Against ${first.title}, paired by seed`,
    "",
    `AUROC points of each method's primary score minus ${first.title}'s, seed by seed (the same ` +
    "seed draws the same data for every method), mean ± standard error over the seeds both " +
    "ran; * beyond 2 standard errors. This spread is the training seeds'; the paired test " +
    "on kept scores (above, when present) is the test set's.",
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
      `- ${m.title}: above ${first.title} beyond 2 standard errors on ${above} of ${mine.length} ` +
        `classes, below on ${below}.`,
    );
  }
  return lines;
}
