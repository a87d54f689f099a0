/**
 * AUROC against each anomalous class on its own: the normal test images against the test images
 * of one other class, for every other class present. The pooled AUROC is a mixture of these
 * (weighted by class size), so they say which anomalies a detector mistakes for normal.
 * @module
 */
import type { ScoreArray } from "./binary_curve.ts";
import { auroc } from "./roc.ts";

/** The AUROC of the normal class against one anomalous class. */
export interface ClassAuroc {
  /** The anomalous class index. */
  class: number;
  /** Its name. */
  name: string;
  /** Its number of test images. */
  n: number;
  /** AUROC with normal as positive (ranked by -anomalyScore), normal vs this class only. */
  auroc: number;
}

/**
 * AUROC of the normal class against each anomalous class present in the test set, in class
 * order. `anomalyScores` are ANOMALY scores (higher = more anomalous) aligned with `classes`
 * (each test image's class index).
 *
 * @example
 * ```ts
 * aurocByClass([0, 1, 0.5], [0, 1, 2], 0, ["a", "b", "c"]);
 * // [{ class: 1, name: "b", n: 1, auroc: 1 }, { class: 2, name: "c", n: 1, auroc: 1 }]
 * ```
 * @throws {RangeError} on a length mismatch, a class index with no name, a NaN score, or no
 *   normal test image.
 */
export function aurocByClass(
  anomalyScores: ScoreArray,
  classes: ArrayLike<number>,
  normalClass: number,
  classNames: readonly string[],
): ClassAuroc[] {
  const n = anomalyScores.length;
  if (classes.length !== n) {
    throw new RangeError(
      `Cannot compute AUROC per class: ${n} scores but ${classes.length} class labels`,
    );
  }
  const members = new Map<number, number[]>();
  for (let i = 0; i < n; i++) {
    const c = classes[i]!;
    if (!(Number.isInteger(c) && c >= 0 && c < classNames.length)) {
      throw new RangeError(
        `Cannot compute AUROC per class: class ${c} of test image ${i} is not one of the ` +
          `${classNames.length} classes`,
      );
    }
    const list = members.get(c);
    if (list) list.push(i);
    else members.set(c, [i]);
  }
  const normal = members.get(normalClass);
  if (!normal) {
    throw new RangeError(
      `Cannot compute AUROC per class: no test image of the normal class ${normalClass}`,
    );
  }
  const out: ClassAuroc[] = [];
  for (const c of [...members.keys()].sort((a, b) => a - b)) {
    if (c === normalClass) continue;
    const other = members.get(c)!;
    const normality = new Float64Array(normal.length + other.length);
    const isNormal = new Uint8Array(normality.length);
    normal.forEach((i, j) => {
      normality[j] = -anomalyScores[i]!;
      isNormal[j] = 1;
    });
    other.forEach((i, j) => normality[normal.length + j] = -anomalyScores[i]!);
    out.push({
      class: c,
      name: classNames[c]!,
      n: other.length,
      auroc: auroc(normality, isNormal),
    });
  }
  return out;
}
