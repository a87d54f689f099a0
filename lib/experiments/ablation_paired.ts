/**
 * The ablation's paired tests across transform sets: the geometric set against each other set,
 * run by run (same class and seed, so the same test images), on each score, from the scores the
 * runs kept (`deno task ablation --keep-scores`). DeLong's paired test of the two runs' AUROCs
 * resolves a set's difference on one class and seed, where the seed table needs several seeds.
 * @module
 */
import { pairedAcross, type ScoresFile } from "./scores_file.ts";

/** A run of the ablation with its kept scores, when it kept them. */
export interface KeptAblationRun {
  transforms: string;
  normalClass: number;
  seed: number;
  scores?: ScoresFile;
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
}

/** Every paired test of an ablation against its geometric set. */
export interface SetsPaired {
  /** The set every other is compared with. */
  geometric: string;
  pairs: SetPair[];
  /** Runs of another set, with a geometric run of the same class and seed, but no test. */
  unpaired: number;
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
  const out: SetsPaired = { geometric, pairs: [], unpaired: 0 };
  for (const r of first.values()) {
    if (r.transforms === geometric) continue;
    const g = first.get(`${geometric}/${r.normalClass}/${r.seed}`);
    if (!g) continue;
    const both = r.scores && g.scores
      ? scores.filter((s) =>
        Object.hasOwn(r.scores!.scores, s) && Object.hasOwn(g.scores!.scores, s)
      )
      : [];
    if (both.length === 0) {
      out.unpaired++;
      continue;
    }
    try {
      for (const score of both) {
        const t = pairedAcross(g.scores!, r.scores!, score, score);
        const { normalClass, seed, transforms } = r;
        out.pairs.push({ transforms, score, normalClass, seed, diff: t.diff, se: t.se, p: t.p });
      }
    } catch {
      out.unpaired++; // other test images: not comparable
    }
  }
  return out;
}

/**
 * One sentence per score: against each other set (in `setOrder`), in how many (class, seed)
 * runs the geometric set's AUROC is above at p < 0.05, and in how many below.
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
      const above = xs.filter((x) => x.p < 0.05 && x.diff > 0).length;
      const below = xs.filter((x) => x.p < 0.05 && x.diff < 0).length;
      return `${set}: above in ${above} of ${xs.length}, below in ${below}`;
    });
    out.push(
      `${paired.geometric} against each set on the same test images (${score} score; DeLong's ` +
        `paired test of each class and seed's two runs, p < 0.05, uncorrected): ` +
        `${parts.join("; ")}.` +
        (paired.unpaired ? ` ${paired.unpaired} runs without kept scores are not paired.` : ""),
    );
  }
  return out;
}
