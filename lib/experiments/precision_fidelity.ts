/**
 * bf16 vs fp32 fidelity: the same runs (method, dataset, class, seed, preset) in both
 * precisions, compared score by score. The acceptance that lets `--precision auto` choose bf16
 * (lib/backend/precision.ts `BF16_AUTO`): mean |AUROC difference| <= 0.005 over classes and
 * <= 0.015 on every class, for the Dirichlet and the simple score.
 * @module
 */
import type { RunResult } from "./result.ts";

/** Thresholds of the fidelity acceptance. */
export const FIDELITY_LIMITS = { meanAbs: 0.005, maxAbs: 0.015 } as const;

/** One class, both precisions. */
export interface FidelityRow {
  normalClass: number;
  /** AUROC per score, fp32 and bf16. */
  fp32: Record<string, number>;
  bf16: Record<string, number>;
  /** Wall seconds of each run. */
  seconds: { fp32: number; bf16: number };
}

/** The comparison of one score over the classes. */
export interface FidelityScore {
  score: string;
  meanAbs: number;
  maxAbs: number;
  /** Class of the largest difference. */
  worstClass: number;
  /** Mean AUROC over classes in each precision. */
  meanFp32: number;
  meanBf16: number;
  pass: boolean;
}

/** Pairs results by class and compares `scores` (default dirichlet and simple). */
export function compareFidelity(
  fp32: readonly RunResult[],
  bf16: readonly RunResult[],
  scores: readonly string[] = ["dirichlet", "simple"],
): { rows: FidelityRow[]; scores: FidelityScore[]; pass: boolean } {
  const byClass = new Map(bf16.map((r) => [r.normalClass, r]));
  const rows: FidelityRow[] = [];
  for (const a of [...fp32].sort((x, y) => x.normalClass - y.normalClass)) {
    const b = byClass.get(a.normalClass);
    if (!b || a.status !== "ok" || b.status !== "ok") continue;
    const pick = (r: RunResult) =>
      Object.fromEntries(scores.map((s) => [s, r.metrics[s]?.auroc ?? NaN]));
    rows.push({
      normalClass: a.normalClass,
      fp32: pick(a),
      bf16: pick(b),
      seconds: { fp32: a.timings.totalSeconds, bf16: b.timings.totalSeconds },
    });
  }
  const out: FidelityScore[] = scores.map((score) => {
    let sum = 0, max = -1, worst = -1, m32 = 0, m16 = 0;
    for (const r of rows) {
      const d = Math.abs(r.bf16[score]! - r.fp32[score]!);
      sum += d;
      m32 += r.fp32[score]!;
      m16 += r.bf16[score]!;
      if (!(d <= max)) [max, worst] = [d, r.normalClass];
    }
    const n = rows.length;
    const meanAbs = n ? sum / n : NaN;
    return {
      score,
      meanAbs,
      maxAbs: max,
      worstClass: worst,
      meanFp32: n ? m32 / n : NaN,
      meanBf16: n ? m16 / n : NaN,
      pass: n > 0 && meanAbs <= FIDELITY_LIMITS.meanAbs && max <= FIDELITY_LIMITS.maxAbs,
    };
  });
  return { rows, scores: out, pass: out.every((s) => s.pass) };
}

/** The comparison as a Markdown table plus one verdict line per score. */
export function fidelityMarkdown(c: ReturnType<typeof compareFidelity>): string {
  const names = c.scores.map((s) => s.score);
  const head = [
    "class",
    ...names.flatMap((n) => [`${n} fp32`, `${n} bf16`, "diff"]),
    "s fp32",
    "s bf16",
  ];
  const lines = [`| ${head.join(" | ")} |`, `|${head.map(() => "---").join("|")}|`];
  const f = (v: number) => v.toFixed(4);
  for (const r of c.rows) {
    const cells = names.flatMap((n) => [
      f(r.fp32[n]!),
      f(r.bf16[n]!),
      (r.bf16[n]! - r.fp32[n]! >= 0 ? "+" : "") + f(r.bf16[n]! - r.fp32[n]!),
    ]);
    lines.push(
      `| ${r.normalClass} | ${cells.join(" | ")} | ${r.seconds.fp32.toFixed(0)} | ` +
        `${r.seconds.bf16.toFixed(0)} |`,
    );
  }
  lines.push("");
  for (const s of c.scores) {
    lines.push(
      `- ${s.score}: mean AUROC fp32 ${f(s.meanFp32)}, bf16 ${f(s.meanBf16)}; mean |diff| ` +
        `${f(s.meanAbs)} (limit ${FIDELITY_LIMITS.meanAbs}), max ${f(s.maxAbs)} on class ` +
        `${s.worstClass} (limit ${FIDELITY_LIMITS.maxAbs}): ${s.pass ? "PASS" : "FAIL"}`,
    );
  }
  return lines.join("\n") + "\n";
}
