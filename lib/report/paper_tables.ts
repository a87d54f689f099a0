/**
 * The compare and ablation summaries as paper tables ({@link PaperTable}): what
 * `deno task compare` and `deno task ablation` write as summary.tex (booktabs) and summary.csv.
 * AUROC in percent, mean ± standard error over seeds, the paper's published numbers in their
 * own columns, a caption that states the protocol, preset and seeds.
 * @module
 */
import type { PaperTable, TableCell, TableColumn, TableRowData } from "./paper_table.ts";
import type { AblationSummary } from "../experiments/ablation_summary.ts";
import {
  type CompareCell,
  compareCell,
  type CompareMethod,
  type CompareSummaryData,
} from "../experiments/compare_summary.ts";
import { publishedFor } from "../experiments/published.ts";
import { type ComparePaired, pairGrid } from "../experiments/compare_paired.ts";
import { classLabel, pValueText, runLabel } from "../experiments/markdown.ts";
import { type ClassKey, findCell } from "../experiments/ablation_summary.ts";

/** The evaluation protocol as a caption sentence. */
export const PROTOCOL_TEXT = "One-vs-rest protocol: one class is normal (training data), the " +
  "rest of the test set is anomalous; AUROC in percent with normal as the positive class.";

const PAPER_TEXT = "Columns marked (paper): Golan & El-Yaniv 2018 (arXiv 1805.10917) on the " +
  "full protocol; presets other than paper use subsets and shorter training.";

function seedText(seeds: readonly number[]): string {
  if (seeds.length === 0) return "no seeds";
  if (seeds.length === 1) return `one seed (${seeds[0]})`;
  const consecutive = seeds.every((s, i) => i === 0 || s === seeds[i - 1]! + 1);
  const list = consecutive ? `${seeds[0]}–${seeds.at(-1)}` : seeds.join(", ");
  return `mean ± SEM over ${seeds.length} seeds (${list})`;
}

function compareValue(c: CompareCell | undefined, classes: number): TableCell {
  if (!c || c.status === "missing" || (c.mean === undefined && c.status !== "failed")) {
    return undefined;
  }
  if (c.mean === undefined) return "failed";
  const note = c.status === "ok"
    ? undefined
    : c.normalClass === "mean"
    ? `${c.n} of ${classes} classes`
    : `${c.errors.length} failed`;
  return {
    mean: 100 * c.mean,
    ...(c.sem !== undefined ? { sem: 100 * c.sem } : {}),
    n: c.n,
    ...(note ? { note } : {}),
  };
}

/** Options for {@link compareTables}. */
export interface CompareTableOptions {
  dataset: string;
  preset: string;
  /** Number of seeds run (seeds 0 .. seeds-1). */
  seeds: number;
  classNames?: readonly string[];
}

/**
 * The comparison as one table: rows are the classes and their mean, columns the methods (each
 * followed by its published numbers, where the paper has them); per row the best method in
 * bold, as in the GEOM paper's Table 1.
 */
export function compareTables(data: CompareSummaryData, o: CompareTableOptions): PaperTable[] {
  const columns: TableColumn[] = [];
  const cells: Array<(k: ClassKey) => TableCell> = [];
  let hindsight = false;
  for (const m of data.methods) {
    const h = data.cells.some((c) => c.method === m.name && c.hindsight);
    hindsight ||= h;
    columns.push({ title: h ? `${m.title} †` : m.title, kind: "ours" });
    cells.push((k) => compareValue(compareCell(data, m.name, k), data.classes.length));
    if (publishedFor(m.name, o.dataset)) {
      columns.push({ title: `${m.title} (paper)`, kind: "paper" });
      cells.push((k) => {
        const c = compareCell(data, m.name, k);
        if (c?.published === undefined) return undefined;
        return { mean: c.published, ...(c.publishedNote ? { note: c.publishedNote } : {}) };
      });
    }
  }
  const keys: ClassKey[] = [...data.classes, "mean"];
  const rows: TableRowData[] = keys.map((k) => ({
    label: classLabel(k, o.classNames),
    cells: cells.map((f) => f(k)),
    ...(k === "mean" ? { ruleAbove: true } : {}),
  }));
  const seeds = Array.from({ length: o.seeds }, (_, i) => i);
  const scores = data.methods.map((m) => `${m.title} = ${m.primaryScore}`).join(", ");
  const caption = [
    `AUROC (%) per normal class on ${o.dataset}, preset ${o.preset}, ${seedText(seeds)}.`,
    PROTOCOL_TEXT,
    `Scores: ${scores}. Bold: the best of our methods per class.`,
    ...(columns.some((c) => c.kind === "paper") ? [PAPER_TEXT] : []),
    ...(hindsight
      ? ["†: hyperparameters selected by test AUROC (the paper's hindsight grid)."]
      : []),
  ].join(" ");
  return [{
    rowHeader: "normal class",
    columns,
    rows,
    caption,
    label: `compare-${o.dataset}-${o.preset}`,
    best: "row",
  }, ...(data.paired?.pairs.length ? [pairedTable(data, data.paired, o)] : [])];
}

/**
 * Each method's AUROC minus the first's on the same test images, per class (and seed, with
 * several): the difference ± DeLong's paired SE, the p-value as a note (`--keep-scores`).
 */
function pairedTable(
  data: CompareSummaryData,
  paired: ComparePaired,
  o: CompareTableOptions,
): PaperTable {
  const first = data.methods.find((m) => m.name === paired.vs)!;
  const others = data.methods.filter((m) => m.name !== paired.vs);
  const manySeeds = o.seeds > 1;
  const rows: TableRowData[] = pairGrid(paired, others, data.classes, o.seeds).map((r) => ({
    label: runLabel(r.normalClass, r.seed, { classNames: o.classNames, manySeeds }),
    cells: r.cells.map((x): TableCell =>
      x
        ? { mean: 100 * x.diff, sem: 100 * x.se, p: x.p, note: pValueText(x.p), signed: true }
        : undefined
    ),
  }));
  const hindsight = (m: string) => data.cells.some((c) => c.method === m && c.hindsight);
  const title = (m: CompareMethod) => hindsight(m.name) ? `${m.title} †` : m.title;
  const scores = data.methods.map((m) => `${m.title} = ${m.primaryScore}`).join(", ");
  return {
    rowHeader: "normal class",
    columns: others.map((m) => ({ title: `${title(m)} − ${title(first)}`, kind: "ours" })),
    rows,
    caption: `AUROC of each method minus ${first.title}'s on the same test images, in ` +
      `percentage points, ${o.dataset}, preset ${o.preset}: the difference ± DeLong's paired ` +
      "standard error over test sets (not over training seeds), with the two-sided p-value, " +
      `not corrected for the number of comparisons. Scores: ${scores}. ${PROTOCOL_TEXT}` +
      (data.methods.some((m) => hindsight(m.name))
        ? " †: hyperparameters selected by test AUROC (the paper's hindsight grid)."
        : ""),
    label: `compare-${o.dataset}-${o.preset}-paired`,
    best: "none",
  };
}

function ablationValue(s: AblationSummary, set: string, score: string, k: ClassKey): TableCell {
  const c = findCell(s.cells, set, score, k);
  return c ? { mean: 100 * c.mean, sem: 100 * c.sem, n: c.n } : undefined;
}

/**
 * The ablation as two tables: (1) per normal class, one column per transform set (first
 * score, i.e. Dirichlet) plus GEOM's published numbers, best set per class in bold; (2) mean
 * over classes, transform sets as rows and scores as columns, best set per score in bold.
 */
export function ablationTables(s: AblationSummary): PaperTable[] {
  const score = s.scores[0] ?? "dirichlet";
  const keys: ClassKey[] = [...s.classes, "mean"];
  const published = publishedFor("geom", s.dataset);
  const paperCell = (k: ClassKey): TableCell => {
    if (!published) return undefined;
    if (k !== "mean") {
      const v = published.perClass?.[k];
      return v === undefined ? undefined : { mean: v };
    }
    if (s.classes.length === s.classNames.length) return { mean: published.mean };
    const per = s.classes.map((c) => published.perClass?.[c]);
    if (per.every((v): v is number => v !== undefined)) {
      return { mean: per.reduce((a, b) => a + b, 0) / per.length };
    }
    return { mean: published.mean, note: `all ${s.classNames.length} classes` };
  };
  const columns: TableColumn[] = s.sets.map((set) => ({ title: set, kind: "ours" }));
  if (published) columns.push({ title: `GEOM (paper, ${s.geometric})`, kind: "paper" });
  const preset = s.preset.name;
  const classList = s.classes.length === 1
    ? `class ${s.classes[0]}`
    : `classes ${s.classes.join(", ")}`;
  const common = `${s.dataset}, preset ${preset}, ${seedText(s.seeds)}. ${PROTOCOL_TEXT}`;
  const perClass: PaperTable = {
    rowHeader: "normal class",
    columns,
    rows: keys.map((k) => ({
      label: classLabel(k, s.classNames),
      cells: [
        ...s.sets.map((set) => ablationValue(s, set, score, k)),
        ...(published ? [paperCell(k)] : []),
      ],
      ...(k === "mean" ? { ruleAbove: true } : {}),
    })),
    caption: `GEOM ablation: AUROC (%) per normal class by transform set, ${score} score, ` +
      `${common} Bold: the best transform set per class.` +
      (published ? ` ${PAPER_TEXT}` : ""),
    label: `ablation-${s.dataset}-${preset}-classes`,
    best: "row",
  };
  const byScore: PaperTable = {
    rowHeader: "transform set",
    columns: s.scores.map((sc) => ({ title: sc, kind: "ours" })),
    rows: s.sets.map((set) => ({
      label: `${set} (T=${s.setInfo[set]?.size ?? "?"}, ${s.setInfo[set]?.kind ?? "?"})`,
      cells: s.scores.map((sc) => ablationValue(s, set, sc, "mean")),
    })),
    caption: `GEOM ablation: mean AUROC (%) over ${classList} by transform ` +
      `set and score, ${common} Bold: the best transform set per score.`,
    label: `ablation-${s.dataset}-${preset}-scores`,
    best: "column",
  };
  return [perClass, byScore];
}
