/**
 * Seeded subsets of labelled data: plain, per-class balanced, and stratified.
 * All return indices in ascending order, so subsets keep the dataset's order.
 * @module
 */
import { Rng } from "../util/rng.ts";

/** Counts of each label 0..numClasses-1. */
export function classCounts(labels: ArrayLike<number>, numClasses: number): number[] {
  const counts = new Array<number>(numClasses).fill(0);
  for (let i = 0; i < labels.length; i++) {
    const l = labels[i]!;
    if (l < numClasses) counts[l]!++;
  }
  return counts;
}

/** Indices of each class, in dataset order. */
export function indicesByClass(labels: ArrayLike<number>, numClasses: number): number[][] {
  const out: number[][] = Array.from({ length: numClasses }, () => []);
  for (let i = 0; i < labels.length; i++) out[labels[i]!]?.push(i);
  return out;
}

function ascending(a: number[]): Int32Array {
  return Int32Array.from(a).sort();
}

/** `k` of `indices` chosen uniformly with `seed` (all of them when k >= length), ascending. */
export function seededSubset(indices: ArrayLike<number>, k: number, seed: number): Int32Array {
  const all = Array.from(indices);
  if (k >= all.length) return ascending(all);
  new Rng(seed).shuffle(all);
  return ascending(all.slice(0, Math.max(0, k)));
}

/** `perClass` indices of every class (fewer if a class is smaller), chosen with `seed`. */
export function balancedSubset(
  labels: ArrayLike<number>,
  numClasses: number,
  perClass: number,
  seed: number,
): Int32Array {
  const rng = new Rng(seed);
  const chosen: number[] = [];
  for (const idx of indicesByClass(labels, numClasses)) {
    rng.shuffle(idx);
    chosen.push(...idx.slice(0, perClass));
  }
  return ascending(chosen);
}

/**
 * A stratified subset of `limit` indices: each class gets a share proportional to its size
 * (largest remainders get the leftover places, ties to the lower class), chosen with `seed`.
 */
export function stratifiedSubset(
  labels: ArrayLike<number>,
  numClasses: number,
  limit: number,
  seed: number,
): Int32Array {
  const n = labels.length;
  if (limit >= n) return ascending(Array.from({ length: n }, (_, i) => i));
  const byClass = indicesByClass(labels, numClasses);
  const exact = byClass.map((idx) => (limit * idx.length) / n);
  const quota = exact.map(Math.floor);
  let left = limit - quota.reduce((a, b) => a + b, 0);
  const order = exact.map((e, c) => ({ c, frac: e - Math.floor(e) }))
    .sort((a, b) => b.frac - a.frac || a.c - b.c);
  for (const { c } of order) {
    if (left === 0) break;
    if (quota[c]! < byClass[c]!.length) {
      quota[c]!++;
      left--;
    }
  }
  const rng = new Rng(seed);
  const chosen: number[] = [];
  byClass.forEach((idx, c) => {
    rng.shuffle(idx);
    chosen.push(...idx.slice(0, quota[c]));
  });
  return ascending(chosen);
}
