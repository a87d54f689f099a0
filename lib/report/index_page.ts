/**
 * One index of everything under a results folder: every run record (schema-checked with
 * `resultProblem` from lib/experiments/result.ts), every compare and ablation summary, every
 * bench file, as a self-contained index.html with a sortable, filterable table and links to
 * the reports. It only reads JSON files; it never runs anything.
 *
 * The page's filters and sort live in the URL fragment, so a filtered view is a link:
 * `index.html#method=geom&dataset=cifar10&sort=auroc&dir=desc`. After applying them the page
 * writes the number of visible runs into `#geomad-index-status` (`data-visible`).
 * @module
 */
import { dirname, join, relative, resolve } from "node:path";
import { escapeHtml } from "../display/html.ts";
import { RESULT_SCHEMA, resultProblem, type RunResult } from "../experiments/result.ts";
import { readAblationSummary, readCompareSummary } from "../experiments/summary_files.ts";
import { DataError, oneLine } from "../util/errors.ts";

/** A link from the index (href relative to the index file). */
export interface IndexLink {
  label: string;
  href: string;
}

/** One run in the index. */
export interface IndexRun {
  /** The result file, relative to the folder read. */
  file: string;
  method: string;
  dataset: string;
  normalClass: number;
  className: string;
  preset: string;
  precision: string;
  backend: string;
  seed: number;
  status: "ok" | "failed";
  error?: string;
  /** The primary score (first listed) and its AUROC, when ok. */
  score?: string;
  auroc?: number;
  /** AUROC of every score. */
  aurocs: Record<string, number>;
  /**
   * The anomalous class the primary score separates worst from the normal class (lowest AUROC
   * against that class alone), when the record holds the breakdown.
   */
  hardest?: { class: number; name: string; auroc: number };
  seconds: number;
  createdAt: string;
  commit?: string;
  /** The sweep summaries this run belongs to. */
  reports: IndexLink[];
}

/** A compare or ablation summary in the index. */
export interface IndexSweep {
  kind: "compare" | "ablation";
  file: string;
  dataset: string;
  preset: string;
  createdAt: string;
  /** Runs it summarises. */
  runs: number;
  links: IndexLink[];
}

/** A bench file in the index. */
export interface IndexBench {
  file: string;
  schema: string;
  createdAt?: string;
}

/** Everything {@link collectIndex} found. */
export interface ResultsIndex {
  folder: string;
  runs: IndexRun[];
  sweeps: IndexSweep[];
  benches: IndexBench[];
  /** Reports (`report.html`) found, relative to the folder. */
  reports: string[];
  /** JSON files that are geomad records but invalid, with the reason. */
  skipped: { file: string; reason: string }[];
  /** JSON files that are not geomad records (ignored). */
  ignored: number;
}

const SKIP_DIRS = new Set(["node_modules"]);

async function walk(folder: string, out: { json: string[]; html: string[] }): Promise<void> {
  const entries = await Array.fromAsync(Deno.readDir(folder));
  entries.sort((a, b) => a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
  for (const e of entries) {
    if (e.name.startsWith(".") || SKIP_DIRS.has(e.name)) continue;
    const path = join(folder, e.name);
    if (e.isDirectory) await walk(path, out);
    else if (e.isFile && e.name.endsWith(".json")) out.json.push(path);
    else if (e.isFile && e.name === "report.html") out.html.push(path);
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function runOf(r: RunResult, file: string): IndexRun {
  const listed = r.hyperparameters.scores;
  const names = Object.keys(r.metrics);
  const score = Array.isArray(listed) && typeof listed[0] === "string" && listed[0] in r.metrics
    ? listed[0]
    : names[0];
  const aurocs: Record<string, number> = {};
  for (const n of names) aurocs[n] = r.metrics[n]!.auroc;
  const byClass = score !== undefined ? r.metrics[score]?.byClass : undefined;
  const hardest = byClass?.reduce((a, b) => (b.auroc < a.auroc ? b : a), byClass[0]!);
  return {
    file,
    method: r.method,
    dataset: r.dataset,
    normalClass: r.normalClass,
    className: r.normalClassName,
    preset: r.preset,
    precision: String(r.backend.precision ?? "?"),
    backend: String(r.backend.name ?? "?"),
    seed: r.seed,
    status: r.status,
    ...(r.error ? { error: r.error } : {}),
    ...(r.status === "ok" && score !== undefined ? { score, auroc: aurocs[score] } : {}),
    aurocs,
    ...(hardest
      ? { hardest: { class: hardest.class, name: hardest.name, auroc: hardest.auroc } }
      : {}),
    seconds: r.timings.totalSeconds,
    createdAt: r.createdAt,
    ...(typeof r.versions.commit === "string" ? { commit: r.versions.commit } : {}),
    reports: [],
  };
}

/**
 * Reads every `.json` file under `folder` (recursively; hidden names and node_modules
 * skipped) and sorts them into runs, sweeps and benches; invalid geomad records go to
 * `skipped` with the reason. Throws DataError when `folder` is not a readable folder.
 */
export async function collectIndex(folder: string): Promise<ResultsIndex> {
  const found = { json: [] as string[], html: [] as string[] };
  try {
    if (!(await Deno.stat(folder)).isDirectory) throw new Error("not a folder");
    await walk(folder, found);
  } catch (err) {
    const why = err instanceof Deno.errors.NotFound ? "no such folder" : oneLine(err);
    throw new DataError(`Cannot index results in '${folder}': ${why}`);
  }
  const index: ResultsIndex = {
    folder,
    runs: [],
    sweeps: [],
    benches: [],
    reports: found.html.map((p) => relative(folder, p)),
    skipped: [],
    ignored: 0,
  };
  const compareRuns: Array<{ file: string; sweep: IndexSweep }> = [];
  for (const path of found.json) {
    const file = relative(folder, path);
    let value: unknown;
    try {
      value = JSON.parse(await Deno.readTextFile(path));
    } catch (err) {
      index.skipped.push({ file, reason: `not JSON: ${oneLine(err)}` });
      continue;
    }
    const schema = isObject(value) && typeof value.schema === "string" ? value.schema : "";
    if (schema === RESULT_SCHEMA || schema.startsWith("geomad.result/")) {
      const why = resultProblem(value);
      if (why) index.skipped.push({ file, reason: why });
      else index.runs.push(runOf(value as RunResult, file));
    } else if (schema.startsWith("geomad.compare/") || schema.startsWith("geomad.ablation/")) {
      try {
        const found = await sweepOf(folder, file, path, schema);
        if (!found) continue;
        index.sweeps.push(found.sweep);
        for (const r of found.runFiles) compareRuns.push({ file: r, sweep: found.sweep });
      } catch (err) {
        index.skipped.push({ file, reason: err instanceof DataError ? err.message : oneLine(err) });
      }
    } else if (/bench/i.test(schema)) {
      const created = isObject(value)
        ? value.createdAt ?? value.date ?? value.generated
        : undefined;
      index.benches.push({
        file,
        schema,
        ...(typeof created === "string" ? { createdAt: created } : {}),
      });
    } else {
      index.ignored++;
    }
  }
  linkRunsToSweeps(index, compareRuns);
  return index;
}

/**
 * The index entry of the compare or ablation summary `file` (at `path`; `schema` is its schema), with
 * links to its files beside it, and the run files a compare summary lists; undefined when the
 * summary reader skips it. Throws DataError for an invalid summary.
 */
async function sweepOf(
  folder: string,
  file: string,
  path: string,
  schema: string,
): Promise<{ sweep: IndexSweep; runFiles: string[] } | undefined> {
  const kind = schema.startsWith("geomad.compare/") ? "compare" : "ablation";
  const s = kind === "compare" ? await readCompareSummary(path) : await readAblationSummary(path);
  if (!s) return undefined;
  const base = file.replace(/\.json$/, "");
  const links: IndexLink[] = [];
  const kinds: Array<[string, string]> = [
    ["summary", ".html"],
    ["markdown", ".md"],
    ["LaTeX", ".tex"],
    ["CSV", ".csv"],
  ];
  for (const [label, ext] of kinds) {
    if (await exists(join(folder, base + ext))) links.push({ label, href: base + ext });
  }
  links.push({ label: "json", href: file });
  const preset = typeof s.preset === "string" ? s.preset : s.preset.name;
  const runs = kind === "compare"
    ? (s as { runs?: unknown[] }).runs?.length ?? 0
    : (s as { runs: { used: number } }).runs.used;
  const sweep: IndexSweep = {
    kind,
    file,
    dataset: s.dataset,
    preset,
    createdAt: String(s.createdAt ?? ""),
    runs,
    links,
  };
  const runFiles = kind === "compare"
    ? ((s as { runs?: Array<{ file?: string }> }).runs ?? []).flatMap((r) => r.file ? [r.file] : [])
    : [];
  return { sweep, runFiles };
}

async function exists(path: string): Promise<boolean> {
  try {
    return (await Deno.stat(path)).isFile;
  } catch {
    return false;
  }
}

/**
 * Gives each run the summaries it belongs to: a compare summary that lists its file, and an
 * ablation summary in the folder above its `runs/` folder.
 */
function linkRunsToSweeps(
  index: ResultsIndex,
  compareRuns: Array<{ file: string; sweep: IndexSweep }>,
): void {
  const abs = (f: string) => resolve(index.folder, f);
  const ablationByDir = new Map<string, IndexSweep>();
  for (const s of index.sweeps) {
    if (s.kind === "ablation") ablationByDir.set(dirname(abs(s.file)), s);
  }
  const link = (s: IndexSweep): IndexLink =>
    s.links.find((l) => l.label === "summary") ?? s.links.at(-1)!;
  for (const run of index.runs) {
    const path = abs(run.file);
    const seen = new Set<IndexSweep>();
    const dir = dirname(path);
    if (dir.endsWith("/runs")) {
      const s = ablationByDir.get(dirname(dir));
      if (s) seen.add(s);
    }
    for (const c of compareRuns) {
      const listed = c.file.replace(/^\.\//, "");
      if (path === resolve(listed) || path.endsWith("/" + listed)) seen.add(c.sweep);
    }
    for (const s of seen) {
      run.reports.push({ label: `${s.kind} ${s.dataset}`, href: link(s).href });
    }
  }
}

/** Options for {@link indexHtml}. */
export interface IndexHtmlOptions {
  title?: string;
  /** ISO date shown as the generation time. */
  generatedAt?: string;
  /** Folder the index file is written to (hrefs are made relative to it; default the folder). */
  indexDir?: string;
}

const CSS = `
body { font-family: sans-serif; margin: 20px; color: #222; }
h1 { font-size: 22px; margin: 0 0 4px; }
h2 { font-size: 17px; margin: 24px 0 8px; }
p.meta { color: #666; margin: 2px 0; font-size: 13px; }
table { border-collapse: collapse; font-size: 13px; }
th, td { border: 1px solid #ddd; padding: 3px 7px; white-space: nowrap; }
th { background: #f4f4f4; position: sticky; top: 0; }
#runs th { cursor: pointer; user-select: none; }
#runs th.sorted-asc::after { content: " \\25B2"; }
#runs th.sorted-desc::after { content: " \\25BC"; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
tr.failed td { color: #a00; }
.filters { margin: 8px 0; display: flex; flex-wrap: wrap; gap: 10px; align-items: center; }
.filters label { font-size: 13px; }
`;

/** The page script: filters and sort from the controls and the URL fragment. */
const SCRIPT = `
(function () {
  var table = document.getElementById("runs");
  if (!table) return;
  var body = table.tBodies[0];
  var rows = Array.prototype.slice.call(body.rows);
  var selects = Array.prototype.slice.call(document.querySelectorAll("select[data-filter]"));
  var search = document.getElementById("filter-text");
  var status = document.getElementById("geomad-index-status");
  var state = { sort: "", dir: "asc" };
  function readHash() {
    var params = new URLSearchParams(location.hash.replace(/^#/, ""));
    selects.forEach(function (s) { s.value = params.get(s.dataset.filter) || ""; });
    search.value = params.get("q") || "";
    state.sort = params.get("sort") || "";
    state.dir = params.get("dir") === "desc" ? "desc" : "asc";
  }
  function writeHash() {
    var params = new URLSearchParams();
    selects.forEach(function (s) { if (s.value) params.set(s.dataset.filter, s.value); });
    if (search.value) params.set("q", search.value);
    if (state.sort) { params.set("sort", state.sort); params.set("dir", state.dir); }
    var text = params.toString();
    history.replaceState(null, "", text ? "#" + text : location.pathname + location.search);
  }
  function apply() {
    var q = search.value.trim().toLowerCase();
    var visible = 0;
    rows.forEach(function (r) {
      var show = selects.every(function (s) {
        return !s.value || r.dataset[s.dataset.filter] === s.value;
      }) && (!q || r.textContent.toLowerCase().indexOf(q) >= 0);
      r.hidden = !show;
      if (show) visible++;
    });
    if (state.sort) {
      var num = table.querySelector('th[data-key="' + state.sort + '"]');
      var numeric = num && num.dataset.type === "number";
      var sign = state.dir === "desc" ? -1 : 1;
      rows.slice().sort(function (a, b) {
        var x = a.querySelector('td[data-key="' + state.sort + '"]');
        var y = b.querySelector('td[data-key="' + state.sort + '"]');
        var u = x ? x.dataset.value : "", v = y ? y.dataset.value : "";
        if (numeric) {
          var p = u === "" ? -Infinity : Number(u), q2 = v === "" ? -Infinity : Number(v);
          return sign * (p - q2);
        }
        return sign * (u < v ? -1 : u > v ? 1 : 0);
      }).forEach(function (r) { body.appendChild(r); });
    }
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th) {
      th.classList.remove("sorted-asc", "sorted-desc");
      if (th.dataset.key === state.sort) th.classList.add("sorted-" + state.dir);
    });
    status.textContent = visible + " of " + rows.length + " runs shown";
    status.dataset.visible = String(visible);
  }
  selects.forEach(function (s) {
    s.addEventListener("change", function () { writeHash(); apply(); });
  });
  search.addEventListener("input", function () { writeHash(); apply(); });
  Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th) {
    if (!th.dataset.key) return;
    th.addEventListener("click", function () {
      state.dir = state.sort === th.dataset.key && state.dir === "asc" ? "desc" : "asc";
      state.sort = th.dataset.key;
      writeHash();
      apply();
    });
  });
  window.addEventListener("hashchange", function () { readHash(); apply(); });
  readHash();
  apply();
})();
`;

interface Column {
  key: string;
  title: string;
  type: "text" | "number";
  value: (r: IndexRun) => string | number | undefined;
  html?: (r: IndexRun) => string;
}

/** The filterable fields (select boxes): run field -> label. */
export const INDEX_FILTERS = {
  method: "method",
  dataset: "dataset",
  preset: "preset",
  precision: "precision",
  backend: "backend",
  status: "status",
} as const;

function fixed(x: number | undefined, digits: number): string {
  return x === undefined ? "" : x.toFixed(digits);
}

/** Renders a link of the page: `label` pointing at a file named relative to the index folder. */
type LinkHtml = (l: IndexLink) => string;

/** The columns of the runs table. */
const COLUMNS: readonly Column[] = [
  { key: "method", title: "method", type: "text", value: (r) => r.method },
  { key: "dataset", title: "dataset", type: "text", value: (r) => r.dataset },
  {
    key: "class",
    title: "class",
    type: "number",
    value: (r) => r.normalClass,
    html: (r) => `${r.normalClass} <small>${escapeHtml(r.className)}</small>`,
  },
  { key: "preset", title: "preset", type: "text", value: (r) => r.preset },
  { key: "precision", title: "precision", type: "text", value: (r) => r.precision },
  { key: "backend", title: "backend", type: "text", value: (r) => r.backend },
  { key: "seed", title: "seed", type: "number", value: (r) => r.seed },
  {
    key: "auroc",
    title: "AUROC",
    type: "number",
    value: (r) => r.auroc,
    html: (r) =>
      r.auroc === undefined
        ? (r.status === "failed" ? "failed" : "")
        : `${fixed(100 * r.auroc, 1)} <small>${escapeHtml(r.score ?? "")}</small>`,
  },
  {
    key: "scores",
    title: "all scores (AUROC %)",
    type: "text",
    value: (r) => Object.entries(r.aurocs).map(([k, v]) => `${k} ${fixed(100 * v, 1)}`).join(", "),
  },
  {
    key: "hardest",
    title: "hardest anomaly (AUROC %)",
    type: "number",
    value: (r) => r.hardest?.auroc,
    html: (r) =>
      r.hardest
        ? `${fixed(100 * r.hardest.auroc, 1)} <small>${r.hardest.class} ${
          escapeHtml(r.hardest.name)
        }</small>`
        : "",
  },
  {
    key: "time",
    title: "time (s)",
    type: "number",
    value: (r) => r.seconds,
    html: (r) => fixed(r.seconds, 1),
  },
  { key: "date", title: "date", type: "text", value: (r) => r.createdAt },
  {
    key: "commit",
    title: "commit",
    type: "text",
    value: (r) => r.commit,
    html: (r) => r.commit ? `<code>${escapeHtml(r.commit.slice(0, 10))}</code>` : "",
  },
  { key: "status", title: "status", type: "text", value: (r) => r.status },
];

/** The header row of the runs table. */
function runsHead(): string {
  return COLUMNS.map((c) =>
    `<th data-key="${c.key}" data-type="${c.type}">${escapeHtml(c.title)}</th>`
  ).join("") + "<th>reports</th>";
}

/** One run's row: its filter fields as data attributes, a cell per column, its links. */
function runRow(r: IndexRun, a: LinkHtml): string {
  const data = Object.keys(INDEX_FILTERS).map((k) =>
    ` data-${k}="${escapeHtml(String(r[k as keyof typeof INDEX_FILTERS]))}"`
  ).join("");
  const cells = COLUMNS.map((c) => {
    const v = c.value(r);
    const text = c.html ? c.html(r) : escapeHtml(v === undefined ? "" : String(v));
    const cls = c.type === "number" ? ` class="num"` : "";
    const title = c.key === "status" && r.error ? ` title="${escapeHtml(r.error)}"` : "";
    return `<td data-key="${c.key}" data-value="${escapeHtml(v === undefined ? "" : String(v))}"` +
      `${cls}${title}>${text}</td>`;
  }).join("");
  const links = [...r.reports, { label: "json", href: r.file }].map(a).join(" ");
  return `<tr${data}${
    r.status === "failed" ? ' class="failed"' : ""
  }>${cells}<td>${links}</td></tr>`;
}

/** A select box per filterable field, offering the values the runs hold. */
function filterSelects(runs: IndexRun[]): string {
  return Object.entries(INDEX_FILTERS).map(([key, label]) => {
    const values = [...new Set(runs.map((r) => String(r[key as keyof typeof INDEX_FILTERS])))]
      .sort();
    const opts = values.map((v) => `<option value="${escapeHtml(v)}">${escapeHtml(v)}</option>`);
    return `<label>${escapeHtml(label)} <select data-filter="${key}" id="filter-${key}">` +
      `<option value="">all</option>${opts.join("")}</select></label>`;
  }).join("\n");
}

/** The sweeps, benchmarks, reports and invalid records of the index (empty strings if none). */
function otherSections(index: ResultsIndex, a: LinkHtml) {
  const sweeps = index.sweeps.length
    ? `<h2>Sweeps (${index.sweeps.length})</h2><table id="sweeps"><thead><tr><th>kind</th>` +
      `<th>dataset</th><th>preset</th><th>runs</th><th>date</th><th>files</th></tr></thead><tbody>` +
      index.sweeps.map((s) =>
        `<tr><td>${s.kind}</td><td>${escapeHtml(s.dataset)}</td><td>${escapeHtml(s.preset)}</td>` +
        `<td class="num">${s.runs}</td><td>${escapeHtml(s.createdAt)}</td>` +
        `<td>${s.links.map(a).join(" ")}</td></tr>`
      ).join("\n") + "</tbody></table>"
    : "";
  const benches = index.benches.length
    ? `<h2>Benchmarks (${index.benches.length})</h2><table id="benches"><thead><tr>` +
      `<th>file</th><th>schema</th><th>date</th></tr></thead><tbody>` +
      index.benches.map((b) =>
        `<tr><td>${a({ label: b.file, href: b.file })}</td><td>${escapeHtml(b.schema)}</td>` +
        `<td>${escapeHtml(b.createdAt ?? "")}</td></tr>`
      ).join("\n") + "</tbody></table>"
    : "";
  const reports = index.reports.length
    ? `<p class="meta">Reports: ${
      index.reports.map((f) => a({ label: f, href: f })).join(", ")
    }</p>`
    : "";
  const skipped = index.skipped.length
    ? `<h2>Invalid records (${index.skipped.length}, not in the table)</h2><ul>` +
      index.skipped.map((s) => `<li>${escapeHtml(s.file)}: ${escapeHtml(s.reason)}</li>`)
        .join("") +
      "</ul>"
    : "";
  return { sweeps, benches, reports, skipped };
}

/** The index as one self-contained HTML page (no external scripts or styles). */
export function indexHtml(index: ResultsIndex, options: IndexHtmlOptions = {}): string {
  const from = options.indexDir ?? index.folder;
  const href = (file: string) =>
    relative(from, resolve(index.folder, file)).split("/").map(encodeURIComponent).join("/");
  const a: LinkHtml = (l) => `<a href="${escapeHtml(href(l.href))}">${escapeHtml(l.label)}</a>`;
  const head = runsHead();
  const body = index.runs.map((r) => runRow(r, a)).join("\n");
  const selects = filterSelects(index.runs);
  const { sweeps, benches, reports, skipped } = otherSections(index, a);
  const title = options.title ?? "geomad results index";
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${CSS}</style>
</head>
<body>
<h1>${escapeHtml(title)}</h1>
<p class="meta">${index.runs.length} runs, ${index.sweeps.length} sweeps, ${index.benches.length} benchmarks from ${
    escapeHtml(index.folder)
  }${
    options.generatedAt ? `, generated ${escapeHtml(options.generatedAt)}` : ""
  }; read from result records only.</p>
${reports}
<h2>Runs (${index.runs.length})</h2>
<div class="filters">${selects}
<label>text <input id="filter-text" type="search" placeholder="filter rows"></label>
<span id="geomad-index-status" data-visible="${index.runs.length}">${index.runs.length} of ${index.runs.length} runs shown</span></div>
<table id="runs"><thead><tr>${head}</tr></thead><tbody>
${body}
</tbody></table>
${sweeps}
${benches}
${skipped}
<script>${SCRIPT}</script>
</body>
</html>
`;
}
