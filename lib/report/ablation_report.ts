/**
 * The ablation summary record (summary.json) and its renderings: markdown (summary.md) and a
 * plotly report (summary.html / summary.png).
 * @module
 */
import { barFigure, differenceSeries } from "../plots/bar.ts";
import type { SetsPaired } from "../experiments/ablation_paired.ts";
import type { Figure } from "../plots/figure.ts";
import { heatmapFigure } from "../plots/heatmap.ts";
import type { Report, ReportTable } from "./html.ts";
import {
  classLabel,
  markdownTable,
  pct,
  runLabel,
  signedPctMeanSem,
} from "../experiments/markdown.ts";
import {
  type AblationSummary,
  cellText,
  type ClassKey,
  type Comparison,
  findCell,
} from "../experiments/ablation_summary.ts";

/** A table for both markdown and HTML. */
interface Table {
  title: string;
  header: string[];
  rows: string[][];
  align?: Array<"l" | "r">;
}

function cmpCell(x: Comparison | undefined): string {
  if (!x) return "–";
  return `${x.holds ? "yes" : "no"} ${x.diff ? signedPctMeanSem(x.diff) : ""}`.trim();
}

function tables(s: AblationSummary): Table[] {
  const keys: ClassKey[] = [...s.classes, "mean"];
  const out: Table[] = [{
    title: "Mean AUROC over classes, by transform set and score",
    header: ["transform set", "kind", "T", ...s.scores],
    align: ["l", "l", "r", ...s.scores.map(() => "r" as const)],
    rows: s.sets.map((set) => [
      set,
      s.setInfo[set]?.kind ?? "?",
      String(s.setInfo[set]?.size ?? "?"),
      ...s.scores.map((sc) => cellText(findCell(s.cells, set, sc, "mean"))),
    ]),
  }];
  for (const score of s.scores) {
    out.push({
      title: `AUROC per class, ${score} score`,
      header: ["transform set", ...keys.map((c) => classLabel(c, s.classNames))],
      rows: s.sets.map((set) => [
        set,
        ...keys.map((c) => cellText(findCell(s.cells, set, score, c))),
      ]),
    });
  }
  out.push({
    title: `Does ${s.geometric} beat every non-geometric set? (difference to the best one)`,
    header: ["class", ...s.scores],
    rows: keys.map((c) => [
      classLabel(c, s.classNames),
      ...s.scores.map((sc) => {
        const f = s.geometricVsNonGeometric.find((x) => x.score === sc && x.normalClass === c);
        return f ? `${cmpCell(f)} vs ${f.b.name}` : "–";
      }),
    ]),
  });
  const [a, b] = [
    s.dirichletVsSimple[0]?.a.name ?? "dirichlet",
    s.dirichletVsSimple[0]?.b.name ?? "simple",
  ];
  out.push({
    title: `Does ${a} beat ${b}? (${a} − ${b})`,
    header: ["transform set", ...keys.map((c) => classLabel(c, s.classNames))],
    rows: s.sets.map((set) => [
      set,
      ...keys.map((c) =>
        cmpCell(s.dirichletVsSimple.find((x) => x.transforms === set && x.normalClass === c))
      ),
    ]),
  });
  return out;
}

/** summary.md of an ablation. */
export function ablationMarkdown(s: AblationSummary): string {
  const r = s.runs;
  const lines = [
    `# ${
      methodTitle(s)
    } ablation: transform sets and scores (${s.dataset}, preset ${s.preset.name})`,
    "",
    `AUROC in percent (normal class = positive), mean ± standard error over seeds; ` +
    `differences are paired by seed (same seed = same data subset and initialisation). ` +
    `"Resolved" means a paired t-test over the seeds rejects equality (two-sided, 5%: the ` +
    `difference must exceed 12.7 standard errors at 2 seeds, 4.3 at 3). Every run trains one ` +
    `model and scores it four ways.`,
    "",
    `- Preset \`${s.preset.name}\`: ${String(s.preset.description ?? "")}`,
    `- Results: ${r.used} runs used (${s.sets.length} sets, classes ${s.classes.join(", ")}, ` +
    `seeds ${s.seeds.join(", ")}), ${r.failed.length} failed, ${r.ignored.length} ignored ` +
    `(invalid or stale), ${
      r.unknown?.length ?? 0
    } unknown files; this invocation: ${s.grid.runs} runs in its grid` +
    (s.grid.shard.count > 1 ? ` (shard ${s.grid.shard.index}/${s.grid.shard.count})` : "") +
    `, ${r.crashed.length} crashed, ${r.missing.length} missing.`,
    `- Data read: ${s.dataUsed.join(", ") || "none"}. Non-geometric sets: ` +
    `${s.nonGeometric.join(", ")}. ${s.schema}, generated ${s.createdAt}.`,
    "",
    "## Findings",
    "",
    ...s.statements.map((x) => `- ${x}`),
  ];
  for (const t of tables(s)) {
    lines.push("", `## ${t.title}`, "", markdownTable(t.header, t.rows, t));
  }
  const times = Object.entries(s.secondsPerRun);
  if (times.length) {
    lines.push(
      "",
      "## Seconds per run (fit + score, mean)",
      "",
      markdownTable(["transform set", "seconds"], times.map(([k, v]) => [k, v.toFixed(0)])),
    );
  }
  const notes = [
    ...r.failed.map((x) => `- failed ${x.file}: ${x.reason}`),
    ...r.crashed.map((x) => `- crashed ${x.file}: ${x.reason}`),
    ...r.missing.map((x) => `- missing ${x}`),
    ...r.ignored.map((x) => `- ignored ${x.file}: ${x.reason}`),
    ...(r.unknown ?? []).map((x) => `- unknown file ${x} (not a run's result name; ignored)`),
  ];
  if (notes.length) lines.push("", "## Runs not in the summary", "", ...notes);
  return lines.join("\n") + "\n";
}

/** Error bars, or none when every one is zero (a single seed). */
function errorBars(error: number[]): { error?: number[] } {
  return error.some((e) => e > 0) ? { error } : {};
}

/** The ablation's figures: mean AUROC by set and score; per class heatmap and bars. */
export function ablationFigures(s: AblationSummary): Figure[] {
  const keys: ClassKey[] = [...s.classes, "mean"];
  const figures: Figure[] = [];
  const pick = (set: string, score: string, c: ClassKey) => findCell(s.cells, set, score, c);
  const setsWithMean = (score: string) => s.sets.filter((set) => pick(set, score, "mean"));
  const bySet = s.scores
    .map((score) => {
      const sets = setsWithMean(score);
      return {
        name: score,
        x: sets,
        y: sets.map((set) => 100 * pick(set, score, "mean")!.mean),
        ...errorBars(sets.map((set) => 100 * pick(set, score, "mean")!.sem)),
      };
    })
    .filter((x) => x.x.length > 0);
  if (bySet.length) {
    figures.push(barFigure(bySet, {
      title: "AUROC (%) by transform set, mean over classes (± SE over seeds)",
      xTitle: "transform set",
      yTitle: "AUROC (%)",
    }));
  }
  const main = s.scores[0];
  if (main) {
    const rows = s.sets.map((set) => keys.map((c) => pick(set, main, c)));
    if (rows.every((r) => r.every((x) => x))) {
      const heat = heatmapFigure(rows.map((r) => r.map((x) => Number(pct(x!.mean)))), {
        title: `AUROC (%), ${main} score`,
        x: keys.map((c) => classLabel(c, s.classNames)),
        y: s.sets,
        colorbarTitle: "AUROC %",
      });
      heat.layout.margin = { ...(heat.layout.margin as object), l: 100 }; // room for set names
      figures.push(heat);
    }
    const perClass = s.sets
      .map((set) => {
        const ks = s.classes.filter((c) => pick(set, main, c));
        return {
          name: set,
          x: ks.map((c) => classLabel(c, s.classNames)),
          y: ks.map((c) => 100 * pick(set, main, c)!.mean),
          ...errorBars(ks.map((c) => 100 * pick(set, main, c)!.sem)),
        };
      })
      .filter((x) => x.x.length > 0);
    if (perClass.length) {
      figures.push(barFigure(perClass, {
        title: `AUROC (%) per class and transform set, ${main} score`,
        xTitle: "normal class",
        yTitle: "AUROC (%)",
      }));
    }
  }
  if (main && s.pairedSets?.pairs.some((x) => x.score === main)) {
    figures.push(pairedSetsFigure(s, s.pairedSets, main));
  }
  return figures;
}

/**
 * The geometric set's AUROC minus each other set's, per class (and seed, with several), on the
 * same test images, with 95% intervals over test sets (`--keep-scores`).
 */
function pairedSetsFigure(s: AblationSummary, paired: SetsPaired, score: string): Figure {
  const label = (c: number, seed: number) =>
    runLabel(c, seed, { classNames: s.classNames, manySeeds: s.seeds.length > 1 });
  const series = s.sets.flatMap((set) => {
    const mine = paired.pairs
      .filter((x) => x.transforms === set && x.score === score)
      .sort((a, b) => a.normalClass - b.normalClass || a.seed - b.seed);
    if (!mine.length) return [];
    const points = mine.map((x) => ({ x: label(x.normalClass, x.seed), diff: x.diff, se: x.se }));
    return [differenceSeries(set, points)];
  });
  return barFigure(series, {
    categories: s.classes.flatMap((c) => s.seeds.map((seed) => label(c, seed))),
    title: `AUROC of ${paired.geometric} minus each set's, ${score} score<br>` +
      "same test images; bars: 95% over test sets (DeLong, paired)",
    xTitle: "normal class",
    yTitle: "difference (AUROC points)",
  });
}

function htmlTable(t: Table): ReportTable {
  return {
    caption: t.title,
    columns: t.header,
    rows: t.rows.map((r) => Object.fromEntries(t.header.map((h, i) => [h, r[i]]))),
  };
}

/** The plotly report of an ablation (findings, figures, tables). */
export function ablationReport(s: AblationSummary): Report {
  return {
    title: `${methodTitle(s)} ablation: ${s.dataset}, preset ${s.preset.name}`,
    meta: [
      `${s.runs.used} runs; AUROC %, mean ± standard error over seeds ${s.seeds.join(", ")}`,
      `generated ${s.createdAt}`,
    ],
    sections: [
      { title: "Findings", text: s.statements, figures: ablationFigures(s) },
      { title: "Tables", tables: tables(s).map(htmlTable) },
    ],
  };
}

/** The trained method's title: GEOM, or the summary's `preset.method` (e.g. GOAD). */
function methodTitle(s: AblationSummary): string {
  return typeof s.preset.method === "string" ? s.preset.method.toUpperCase() : "GEOM";
}
