/**
 * The reproduction record: GEOM (or another method of the family, e.g. GOAD) at its paper preset,
 * per class, beside the paper's number, built only from result records (docs/reproduction.json and
 * the tables of docs/reproduction.md).
 * @module
 */
import { getMethod } from "../detectors/catalogue.ts";
import { resolveEpochs } from "../detectors/geom_presets.ts";
import { resolveMargin } from "../detectors/goad_presets.ts";
import { getDatasetSpec } from "../data/registry.ts";
import { hanleyMcNeilSe } from "../metrics/auroc_se.ts";
import { publishedFor } from "./published.ts";
import type { RunResult } from "./result.ts";
import { hyperparameterMismatch } from "./reuse.ts";

/** One class's paper-preset run. */
export interface ReproductionRow {
  normalClass: number;
  className: string;
  /** The paper's AUROC %, when published for the class. */
  paper?: number;
  /** geomad's AUROC % per score (GEOM: dirichlet at the paper's floor, simple, dirichlet-1e-10). */
  auroc: Record<string, number>;
  /**
   * DeLong's standard error of each AUROC over test sets (in points, x 100), from records that
   * keep it (`metrics.<score>.aurocSe`).
   */
  aurocSe?: Record<string, number>;
  precision: string;
  backend: string;
  /** oneDNN's effective ISA on `native` (e.g. `cpu_isa_avx512_core_amx`), when recorded. */
  isa?: string;
  /** Wall seconds of training (summed over the sessions of a resumed run). */
  trainSeconds: number;
  /** Wall seconds of the fit after training and the scoring (the last session's, when resumed). */
  scoreSeconds: number;
  /** Fraction of softmax entries below 1e-10 (training, test), when the run measured it. */
  softmaxBelow1e10?: { train?: number; test?: number };
  commit?: string;
  command: string;
  createdAt: string;
}

/** One dataset's section of the record. */
export interface ReproductionSection {
  /** How the table names the data, e.g. "Fashion-MNIST" or "CIFAR-10 (JPEG re-encoding)". */
  label: string;
  /** The method whose runs the section holds (absent in records from before GOAD: `geom`). */
  method?: ReproducibleMethod;
  /** The registry name whose published numbers apply (e.g. `cifar10` for the JPEG photos). */
  paperDataset: string;
  rows: ReproductionRow[];
  /** Means over the classes present (AUROC %), and the paper's over the same classes. */
  mean: { paper?: number; auroc: Record<string, number>; classes: number };
  /** The paper's mean over all its classes. */
  paperMean?: number;
}

/** Methods the record holds. */
export const REPRODUCIBLE_METHODS = ["geom", "goad"] as const;
/** A method the record holds. */
export type ReproducibleMethod = (typeof REPRODUCIBLE_METHODS)[number];

/** A score key and its column header. */
type Score = readonly [key: string, header: string];

/** How the record reads one method's paper-preset runs. */
interface MethodRecord {
  /** Scores in table order with their column headers; the first is compared with the paper. */
  scores: readonly [Score, ...Score[]];
  /**
   * Whether the record's hyperparameters are the method's paper protocol unchanged, for the
   * published numbers of `paperDataset`.
   */
  isPaper(r: RunResult, paperDataset: string): boolean;
  /** The task that runs it, before `--dataset ... --normal ... --preset ... --seed ...`. */
  task: string;
}

let goadPaper: Record<string, unknown> | undefined;
const GOAD_SCORES: MethodRecord["scores"] = [
  ["goad", "GOAD (eps 1e-10)"],
  ["goad-eps0", "GOAD (eps 0)"],
];

const RECORDS: Record<ReproducibleMethod, MethodRecord> = {
  geom: {
    scores: [
      ["dirichlet", "Dirichlet"],
      ["simple", "simple"],
      ["dirichlet-1e-10", "Dirichlet (1e-10 floor)"],
    ],
    // The three settings the paper fixes, not the whole plan: the record keeps rows of runs from
    // earlier commits (folders gone), whose records may hold settings that came later or
    // unresolved rules.
    isPaper: (r) => {
      const hp = r.hyperparameters ?? {};
      // Records of a detector that had released its transforms keep the rule ("paper") unresolved.
      const epochs = hp.epochs === "paper" ? resolveEpochs("paper", 72) : hp.epochs;
      return epochs === resolveEpochs("paper", 72) && hp.transforms === "geometric72" &&
        hp.model === "wrn-10-4";
    },
    task: "deno task geom",
  },
  goad: {
    scores: GOAD_SCORES,
    // Every setting of GOAD's paper plan, both scores, and the margin the published table used.
    isPaper: (r, paperDataset) => {
      goadPaper ??= getMethod("goad").plan("paper").expected;
      const margin = (r.state as { margin?: unknown }).margin;
      return hyperparameterMismatch(r.hyperparameters ?? {}, goadPaper) === undefined &&
        GOAD_SCORES.every(([key]) => key in r.metrics) &&
        (margin === undefined || margin === resolveMargin("paper", paperDataset));
    },
    task: "deno task run --method goad",
  },
};

/** Whether `name` is a method the record holds. */
export function isReproducibleMethod(name: unknown): name is ReproducibleMethod {
  return (REPRODUCIBLE_METHODS as readonly unknown[]).includes(name);
}

/**
 * The method of a section (records from before GOAD hold GEOM). Throws for a method the record
 * does not know (a damaged or newer docs/reproduction.json).
 */
export function sectionMethod(
  s: Pick<ReproductionSection, "label" | "method">,
): ReproducibleMethod {
  const m = s.method ?? "geom";
  if (!isReproducibleMethod(m)) throw new Error(`section '${s.label}' has unknown method '${m}'`);
  return m;
}

/** The command that reproduces a record's run (of a method the record holds). */
export function commandOf(r: RunResult): string {
  if (!isReproducibleMethod(r.method)) throw new Error(`no reproduction command for ${r.method}`);
  const precision = r.backend.precisionRequested ?? "auto";
  return `${RECORDS[r.method].task} --dataset ${requestedDataset(r)} --normal ${r.normalClass} ` +
    `--preset ${r.preset} --seed ${r.seed}` +
    (precision !== "auto" ? ` --precision ${precision}` : "");
}

/**
 * Training and scoring wall seconds of a record. A run whose training finished in an earlier
 * session restored it (this session's fit spent almost nothing training): its training time is
 * the trainer's own sum over sessions.
 */
export function trainAndScoreSeconds(r: RunResult): { trainSeconds: number; scoreSeconds: number } {
  const st = r.state as {
    training?: { seconds?: number; train?: { seconds?: number } };
    timings?: { trainSeconds?: number };
  };
  const trainedHere = st.timings?.trainSeconds ?? 0;
  // GEOM keeps its trainer's report as `training`, GOAD as `training.train`.
  const trainSeconds = st.training?.seconds ?? st.training?.train?.seconds ?? trainedHere;
  return { trainSeconds, scoreSeconds: Math.max(0, r.timings.totalSeconds - trainedHere) };
}

/**
 * Whether a paper-preset record of `method` (default GEOM) ran the paper's protocol unchanged: all
 * training and test images of the real dataset (not the embedded sample) and the paper preset's
 * hyperparameters (GEOM: ceil(200 / T) epochs, the 72 transformations, WRN-10-4; GOAD: its whole
 * paper plan and the margin of `paperDataset`, default the record's dataset; overrides make it
 * another run).
 */
export function isPaperProtocol(
  r: RunResult,
  method: ReproducibleMethod = "geom",
  paperDataset: string = r.dataset,
): boolean {
  const limited = (r.data?.trainLimit ?? null) !== null || (r.data?.testLimit ?? null) !== null;
  return r.method === method && r.preset === "paper" && !limited &&
    r.data?.source !== "sample" && RECORDS[method].isPaper(r, paperDataset);
}

/** The dataset a record's run asked for (`folder:...` for image folders). */
export function requestedDataset(r: RunResult): string {
  return r.data?.requested ?? r.dataset;
}

/**
 * Builds a section from the paper-protocol results of `o.method` (default GEOM,
 * {@linkcode isPaperProtocol}) and the rows `o.keep` recorded earlier (whose run folders may be
 * gone): one row per class, the newest wins.
 */
export function reproductionSection(
  results: readonly RunResult[],
  o: {
    label: string;
    paperDataset: string;
    method?: ReproducibleMethod;
    keep?: readonly ReproductionRow[];
  },
): ReproductionSection {
  const method = o.method ?? "geom";
  const scores = RECORDS[method].scores.map(([key]) => key);
  const published = publishedFor(method, o.paperDataset);
  const fresh = results.filter((r) =>
    r.status === "ok" && isPaperProtocol(r, method, o.paperDataset)
  );
  const rows = fresh.map((r): ReproductionRow => {
    const auroc: Record<string, number> = {};
    const aurocSe: Record<string, number> = {};
    for (const s of scores) {
      const m = r.metrics[s];
      if (m) auroc[s] = 100 * m.auroc;
      if (m?.aurocSe !== undefined) aurocSe[s] = 100 * m.aurocSe;
    }
    const state = r.state as { softmaxBelow1e10?: { train?: number; test?: number } };
    return {
      normalClass: r.normalClass,
      className: r.normalClassName,
      ...(published?.perClass?.[r.normalClass] !== undefined
        ? { paper: published.perClass[r.normalClass] }
        : {}),
      auroc,
      ...(Object.keys(aurocSe).length > 0 ? { aurocSe } : {}),
      precision: r.backend.precision ?? "fp32",
      backend: r.backend.name,
      ...(r.backend.isa ? { isa: r.backend.isa } : {}),
      ...trainAndScoreSeconds(r),
      ...(state.softmaxBelow1e10 ? { softmaxBelow1e10: state.softmaxBelow1e10 } : {}),
      ...(r.versions.commit ? { commit: r.versions.commit } : {}),
      command: commandOf(r),
      createdAt: r.createdAt,
    };
  });
  const rowByClass = new Map<number, ReproductionRow>();
  for (const row of [...(o.keep ?? []), ...rows]) {
    const old = rowByClass.get(row.normalClass);
    if (!old || old.createdAt < row.createdAt) rowByClass.set(row.normalClass, row);
  }
  const merged = [...rowByClass.values()].sort((a, b) => a.normalClass - b.normalClass);
  const mean = (f: (row: ReproductionRow) => number | undefined) => {
    const v = merged.map(f).filter((x): x is number => x !== undefined);
    return v.length === merged.length && v.length > 0
      ? v.reduce((a, b) => a + b, 0) / v.length
      : undefined;
  };
  const auroc: Record<string, number> = {};
  for (const s of scores) {
    const m = mean((r) => r.auroc[s]);
    if (m !== undefined) auroc[s] = m;
  }
  const paper = mean((r) => r.paper);
  return {
    label: o.label,
    ...(method !== "geom" ? { method } : {}),
    paperDataset: o.paperDataset,
    rows: merged,
    mean: { ...(paper !== undefined ? { paper } : {}), auroc, classes: merged.length },
    ...(published ? { paperMean: published.mean } : {}),
  };
}

/** "within 1 point", "above by x" or "below by x" of geomad's AUROC against the paper's. */
export function verdict(geomad: number | undefined, paper: number | undefined): string {
  if (geomad === undefined || paper === undefined) return "-";
  const d = geomad - paper;
  if (Math.abs(d) <= 1) return `within 1 point (${d >= 0 ? "+" : ""}${d.toFixed(1)})`;
  return d > 0 ? `above by ${d.toFixed(1)}` : `below by ${(-d).toFixed(1)}`;
}

function hms(s: number): string {
  const h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60);
  return `${h} h ${String(m).padStart(2, "0")} min`;
}

/** The backend with oneDNN's ISA when recorded, e.g. `native (avx512_core_bf16)`. */
function backendText(r: ReproductionRow): string {
  return r.isa ? `${r.backend} (${r.isa.replace(/^cpu_isa_/, "")})` : r.backend;
}

/**
 * Half-width of the 95% interval of a row's AUROC (points) over test sets of the full test set's
 * size: 1.96 x DeLong's SE where the record kept it, else 1.96 x Hanley & McNeil's from the AUROC
 * and the class counts of `paperDataset`'s test split (`approx`); undefined where neither applies
 * (no AUROC, or a dataset whose classes differ in size).
 */
export function testInterval(
  row: Pick<ReproductionRow, "auroc" | "aurocSe">,
  score: string,
  paperDataset: string,
): { half: number; approx: boolean } | undefined {
  const se = row.aurocSe?.[score];
  if (se !== undefined) return { half: 1.96 * se, approx: false };
  const a = row.auroc[score];
  let test;
  try {
    test = getDatasetSpec(paperDataset).test;
  } catch {
    return undefined; // a dataset the registry does not know
  }
  if (a === undefined || !(test.perClass > 0)) return undefined;
  const hm = hanleyMcNeilSe(a / 100, test.perClass, test.n - test.perClass);
  return { half: 196 * hm, approx: true };
}

/** The columns that describe a row's run (blank in the mean row). */
const RUN_COLUMNS = ["precision", "backend", "train", "fit + score", "commit"] as const;

/** The section as a Markdown table with its mean row (the first score is the one compared). */
export function reproductionMarkdown(s: ReproductionSection): string {
  const f = (v: number | undefined) => (v === undefined ? "-" : v.toFixed(1));
  const scores = RECORDS[sectionMethod(s)].scores;
  const first = scores[0][0];
  const cells = (values: readonly string[]) => `| ${values.join(" | ")} |`;
  const [, firstHeader] = scores[0];
  const interval = (r: ReproductionRow) => {
    const t = testInterval(r, first, s.paperDataset);
    return t === undefined ? "-" : `${t.half.toFixed(1)}${t.approx ? "*" : ""}`;
  };
  const lines = [
    `### ${s.label}: ${s.rows.length} of ${s.paperDataset === "cifar100" ? 20 : 10} classes`,
    "",
    cells([
      "class",
      "paper",
      firstHeader,
      "± 95% (test set)",
      ...scores.slice(1).map(([, header]) => header),
      "vs paper",
      ...RUN_COLUMNS,
    ]),
    "|" + "---|".repeat(4 + scores.length + RUN_COLUMNS.length),
  ];
  for (const r of s.rows) {
    lines.push(cells([
      `${r.normalClass} ${r.className}`,
      f(r.paper),
      f(r.auroc[first]),
      interval(r),
      ...scores.slice(1).map(([key]) => f(r.auroc[key])),
      verdict(r.auroc[first], r.paper),
      r.precision,
      backendText(r),
      hms(r.trainSeconds),
      hms(r.scoreSeconds),
      r.commit ? r.commit.slice(0, 7) : "-",
    ]));
  }
  if (s.rows.length > 0) {
    const m = s.mean;
    const scoreCells = scores.slice(1).map(([key]) => f(m.auroc[key]));
    const meanCells = [
      "**mean**",
      f(m.paper),
      f(m.auroc[first]),
      "",
      ...scoreCells,
      verdict(m.auroc[first], m.paper),
    ];
    lines.push(cells(meanCells) + " |".repeat(RUN_COLUMNS.length));
  }
  const approx = s.rows.some((r) => testInterval(r, first, s.paperDataset)?.approx);
  lines.push(
    "",
    `± 95% (test set): 1.96 standard errors of the ${firstHeader} AUROC over test sets of this ` +
      "size (the spread from sampling the test set alone, not from training seeds), DeLong's " +
      "from the run's scores" +
      (approx
        ? "; * Hanley & McNeil's from the AUROC and the class counts, where the record " +
          "has no DeLong SE."
        : "."),
  );
  lines.push("", "Commands:", "");
  for (const r of s.rows) lines.push(`- class ${r.normalClass}: \`${r.command}\``);
  return lines.join("\n") + "\n";
}
