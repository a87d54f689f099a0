/**
 * The layers of geomad and the rule between them: a module imports only from its own folder or
 * from a folder of a LOWER layer. From the bottom up:
 *
 *   util < backend < data, metrics, scores, svm < transforms, plots < render < models < train
 *     < detectors < experiments (lib/experiments) < display < report < lib/mod.ts
 *     < tasks (experiments/, bench/, scripts/, notebooks/)
 *
 * Folders of one lib layer are independent of each other (data never imports metrics); the
 * task folders may use each other (bench/ reuses experiments/ entry points). The test
 * beside this file walks every import of every `.ts` file (static, `export ... from`, dynamic
 * `import()`, `geomad/...` specifiers; tests included) and fails on any upward or sideways one.
 *
 *   deno run --allow-read scripts/layers.ts   # lists violations, exit 1 when there are any
 * @module
 */
import { dirname, join, normalize, relative } from "node:path";

/** A layer: the folders (repo-relative) in it; a higher index is a higher layer. */
export const LAYERS: readonly (readonly string[])[] = [
  ["lib/util"],
  ["lib/backend"],
  ["lib/data", "lib/metrics", "lib/scores", "lib/svm"],
  ["lib/transforms", "lib/plots"],
  ["lib/render"],
  ["lib/models"],
  ["lib/train"],
  ["lib/detectors"],
  ["lib/experiments"],
  ["lib/display"],
  ["lib/report"],
  ["lib/mod.ts"],
  ["experiments", "bench", "scripts", "notebooks"],
];

/**
 * Imports that cross the rule on purpose, each with its reason. The test fails when one of
 * them is no longer made (a stale exception), so this list only shrinks.
 */
export const ALLOWED: readonly { from: string; to: string; why: string }[] = [
  {
    from: "lib/backend/native/backend_test.ts",
    to: "lib/models/wrn.ts",
    why: "integration test: the native backend trains the paper's WRN",
  },
  {
    from: "lib/backend/native/backend_test.ts",
    to: "lib/train/loss.ts",
    why: "integration test: the native backend trains the paper's WRN",
  },
];

/** The layer unit (folder) a repo-relative path belongs to, or undefined (outside the rule). */
export function unitOf(path: string): string | undefined {
  for (const layer of LAYERS) {
    for (const unit of layer) if (path === unit || path.startsWith(`${unit}/`)) return unit;
  }
  return undefined;
}

function rankOf(unit: string): number {
  return LAYERS.findIndex((l) => l.includes(unit));
}

/** Module specifiers imported by TypeScript source `text` (static, re-exports, dynamic). */
export function importSpecifiers(text: string): string[] {
  const code = text.replace(/\/\*[\s\S]*?\*\//g, "").replace(/^\s*\/\/.*$/gm, "");
  const out: string[] = [];
  const patterns = [
    /\b(?:import|export)\s+(?:type\s+)?[^;"'`]*?\bfrom\s*["']([^"']+)["']/g,
    /\bimport\s*["']([^"']+)["']/g,
    /\bimport\s*\(\s*["']([^"']+)["']\s*\)/g,
  ];
  for (const re of patterns) for (const m of code.matchAll(re)) out.push(m[1]!);
  return out;
}

/**
 * The repo-relative file a specifier of `from` names, or undefined for a package
 * (`npm:`, `node:`, a bare name) or a URL.
 */
export function resolveSpecifier(from: string, spec: string): string | undefined {
  if (spec === "geomad") return "lib/mod.ts";
  if (spec.startsWith("geomad/")) return normalize(join("lib", spec.slice("geomad/".length)));
  if (spec.startsWith("./") || spec.startsWith("../")) {
    return normalize(join(dirname(from), spec));
  }
  return undefined;
}

/** One import against the rule. */
export interface Violation {
  from: string;
  to: string;
  /** e.g. `lib/detectors (layer 6) imports lib/experiments (layer 7)`. */
  why: string;
}

/** Why `from` may not import `to` (both repo-relative), or undefined when it may. */
export function importViolation(from: string, to: string): string | undefined {
  const a = unitOf(from), b = unitOf(to);
  if (a === undefined || b === undefined || a === b) return undefined;
  const ra = rankOf(a), rb = rankOf(b);
  if (rb < ra || (rb === ra && ra === LAYERS.length - 1)) return undefined;
  const what = rb > ra ? "a higher layer" : "a sibling of the same layer";
  return `${a} (layer ${ra}) imports ${b} (layer ${rb}): ${what}`;
}

/** Every violation in `files` (repo-relative path -> source text), exceptions excluded. */
export function violations(
  files: Map<string, string>,
  allowed: readonly { from: string; to: string }[] = ALLOWED,
): Violation[] {
  const out: Violation[] = [];
  for (const [from, text] of files) {
    for (const spec of importSpecifiers(text)) {
      const to = resolveSpecifier(from, spec);
      if (to === undefined) continue;
      const why = importViolation(from, to);
      if (why === undefined) continue;
      if (allowed.some((x) => x.from === from && x.to === to)) continue;
      out.push({ from, to, why });
    }
  }
  return out;
}

/** Every `.ts` file (and notebook code) under the ruled folders of `root`, by relative path. */
export function readTree(root: string): Map<string, string> {
  const files = new Map<string, string>();
  const walk = (dir: string) => {
    for (const e of Deno.readDirSync(dir)) {
      const p = join(dir, e.name);
      if (e.isDirectory) {
        if (e.name !== "node_modules" && !e.name.startsWith(".")) walk(p);
      } else if (e.isFile && /\.ts$/.test(e.name)) {
        files.set(relative(root, p), Deno.readTextFileSync(p));
      } else if (e.isFile && /\.ipynb$/.test(e.name)) {
        const nb = JSON.parse(Deno.readTextFileSync(p)) as {
          cells: { cell_type: string; source: string | string[] }[];
        };
        const code = nb.cells.filter((c) => c.cell_type === "code")
          .map((c) => Array.isArray(c.source) ? c.source.join("") : c.source).join("\n");
        files.set(relative(root, p), code);
      }
    }
  };
  for (const layer of LAYERS) {
    for (const unit of layer) {
      const p = join(root, unit);
      let isDir = false;
      try {
        isDir = Deno.statSync(p).isDirectory;
      } catch {
        continue;
      }
      if (isDir) walk(p);
      else files.set(unit, Deno.readTextFileSync(p));
    }
  }
  return files;
}

if (import.meta.main) {
  const found = violations(readTree(Deno.cwd()));
  for (const v of found) console.log(`${v.from} -> ${v.to}: ${v.why}`);
  console.log(found.length === 0 ? "layers: no violations" : `layers: ${found.length} violations`);
  Deno.exit(found.length === 0 ? 0 : 1);
}
