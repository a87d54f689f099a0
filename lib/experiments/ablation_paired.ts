/**
 * The ablation's paired tests across transform sets: the geometric set against each other set,
 * run by run (same class and seed, so the same test images), on each score, from the scores the
 * runs kept (`deno task ablation --keep-scores`). DeLong's paired test of the two runs' AUROCs
 * says whether the two trained networks differ on this test set: its error is the test set's
 * only. Training seeds vary beyond it, which the seed table measures; the two answer different
 * questions.
 * @module
 */
import { pairedAcross, type ScoresFile } from "./scores_file.ts";
import { oneLine } from "../util/errors.ts";
import { resolvedBySign, withHolm } from "../metrics/significance.ts";

/** A run of the ablation with its kept scores, or why it has none. */
export interface KeptAblationRun {
  transforms: string;
  normalClass: number;
  seed: number;
  scores?: ScoresFile;
  noScores?: string;
}

/** One set against the geometric set on one score, class and seed. */
export interface SetPair {
  transforms: string;
  score: string;
  normalClass: number;
  seed: number;
  /** The geometric set's AUROC minus this set's, its paired SE and two-sided p. */
  diff: number;
  se: number;
  p: number;
  /** `p` adjusted by Holm's method over every test of the same score (all sets, classes, seeds). */
  pHolm: number;
}

/** A run of another set with a geometric run of the same class and seed, but no test. */
export interface UnpairedSetRun {
  transforms: string;
  normalClass: number;
  seed: number;
  why: string;
}

/** Every paired test of an ablation against its geometric set. */
export interface SetsPaired {
  /** The set every other is compared with. */
  geometric: string;
  pairs: SetPair[];
  unpaired: UnpairedSetRun[];
}

/**
 * The geometric set against every other set, per score, class and seed where both runs kept
 * their scores (the first run of a set, class and seed counts, as in the seed table); undefined
 * when no run kept its scores.
 */
export function pairedSets(
  runs: readonly KeptAblationRun[],
  geometric: string,
  scores: readonly string[],
): SetsPaired | undefined {
  if (!runs.some((r) => r.scores)) return undefined;
  const first = new Map<string, KeptAblationRun>();
  for (const r of runs) {
    const key = `${r.transforms}/${r.normalClass}/${r.seed}`;
    if (!first.has(key)) first.set(key, r);
  }
  const tests: Omit<SetPair, "pHolm">[] = [];
  const unpairedRuns: UnpairedSetRun[] = [];
  for (const r of first.values()) {
    if (r.transforms === geometric) continue;
    const g = first.get(`${geometric}/${r.normalClass}/${r.seed}`);
    if (!g) continue;
    const { transforms, normalClass, seed } = r;
    const unpaired = (why: string) => unpairedRuns.push({ transforms, normalClass, seed, why });
    if (!r.scores || !g.scores) {
      unpaired(
        [r, g].filter((x) => !x.scores).map((x) =>
          `${x.transforms}: ${x.noScores ?? "no kept scores"}`
        ).join("; "),
      );
      continue;
    }
    const both = scores.filter((s) =>
      Object.hasOwn(r.scores!.scores, s) && Object.hasOwn(g.scores!.scores, s)
    );
    if (both.length === 0) {
      unpaired("no score kept by both runs");
      continue;
    }
    try {
      const run = both.map((score) => {
        const { diff, se, p } = pairedAcross(g.scores!, r.scores!, score, score);
        return { transforms, score, normalClass, seed, diff, se, p };
      });
      tests.push(...run); // all of the run's scores, or none
    } catch (err) {
      unpaired(oneLine(err)); // other test images: not comparable
    }
  }
  // Holm within each score's family of tests
  return { geometric, pairs: withHolm(tests, (t) => t.score), unpaired: unpairedRuns };
}

/**
 * One sentence per score: against each other set (in `setOrder`), in how many (class, seed)
 * runs the geometric set's AUROC is above at p < 0.05, and in how many below; then how many
 * runs could not be paired. A sentence saying so when nothing was paired.
 */
export function pairedSetsStatements(
  paired: SetsPaired,
  scores: readonly string[],
  setOrder: readonly string[],
): string[] {
  const out: string[] = [];
  for (const score of scores) {
    const mine = paired.pairs.filter((x) => x.score === score);
    if (mine.length === 0) continue;
    const sets = setOrder.filter((s) => mine.some((x) => x.transforms === s));
    const parts = sets.map((set) => {
      const xs = mine.filter((x) => x.transforms === set);
      const raw = resolvedBySign(xs, (x) => x.p), holm = resolvedBySign(xs, (x) => x.pHolm);
      return `${set}: above in ${raw.above} of ${xs.length}, below in ${raw.below} ` +
        `(Holm: ${holm.above} and ${holm.below})`;
    });
    out.push(
      `${paired.geometric} against each set on the same test images (${score} score; DeLong's ` +
        `paired test of each class and seed's two runs, p < 0.05, and after Holm's correction ` +
        `over the score's ${mine.length} tests; its error is the test set's only, training ` +
        `seeds vary beyond it): ${parts.join("; ")}.`,
    );
  }
  if (paired.pairs.length === 0) {
    out.push(
      `No paired tests against ${paired.geometric}: no run of another set has a ` +
        `${paired.geometric} run of the same class and seed with kept scores.`,
    );
  }
  if (paired.unpaired.length) {
    out.push(
      `${paired.unpaired.length} runs of other sets not paired with ${paired.geometric} (no ` +
        "kept scores on one side, or other test images; pairedSets.unpaired in summary.json " +
        "says why for each).",
    );
  }
  return out;
}
