/**
 * `deno task reproduction`: updates the reproduction record from paper-preset results of GEOM
 * (or GOAD, `--method goad`). Reads every result record under `--runs` (checkpoint folders
 * skipped, each record validated), merges them into the section `--label` of
 * docs/reproduction.json (a class's newest run wins; the rows of classes with no record under
 * `--runs` stay, unless `--replace`), and rewrites the tables of docs/reproduction.md between its
 * `<!-- tables:start -->` and `<!-- tables:end -->` markers.
 *
 *   deno task reproduction --runs DIR --label "Fashion-MNIST" [--method geom|goad]
 *     [--paper-dataset fashion-mnist] [--replace]
 * @module
 */
import { join } from "node:path";
import { getDatasetSpec } from "../lib/data/registry.ts";
import {
  isPaperProtocol,
  isReproducibleMethod,
  REPRODUCIBLE_METHODS,
  reproductionMarkdown,
  type ReproductionSection,
  reproductionSection,
  requestedDataset,
  sectionMethod,
} from "../lib/experiments/reproduction.ts";
import { readRunResult, type RunResult } from "../lib/experiments/result.ts";
import { writeJsonAtomic, writeTextAtomic } from "../lib/util/atomic.ts";
import { type CommandSpec, parseCommand, runCli } from "../lib/util/cli.ts";
import { oneLine, UsageError } from "../lib/util/errors.ts";

const JSON_PATH = "docs/reproduction.json";
const MD_PATH = "docs/reproduction.md";
const START = "<!-- tables:start -->", END = "<!-- tables:end -->";

const COMMAND = {
  command: "deno task reproduction",
  usage: "--runs DIR --label TEXT [--method geom|goad] [--paper-dataset NAME] [--replace]",
  about: "Updates docs/reproduction.json and the tables of docs/reproduction.md from the " +
    "paper-preset result records of GEOM (or GOAD) under a folder; rows recorded earlier for " +
    "other classes stay (their run folders may be on another machine).",
  flags: {
    runs: {
      type: "string",
      arg: "DIR",
      kind: "folder",
      help: "folder searched (recursively) for result records",
      example: "--runs results/geom/fashion-mnist/paper",
    },
    label: {
      type: "string",
      arg: "TEXT",
      kind: "text",
      help: "the section's name in the record",
      example: '--label "CIFAR-10 (JPEG re-encoding)"',
    },
    method: {
      type: "string",
      arg: "NAME",
      kind: REPRODUCIBLE_METHODS.join("|"),
      help: `whose paper-preset runs the section holds: ${REPRODUCIBLE_METHODS.join(", ")}`,
      defaultText: "geom",
      example: "--method goad",
    },
    "paper-dataset": {
      type: "string",
      arg: "NAME",
      kind: "dataset name",
      help: "whose published numbers the rows sit beside",
      defaultText: "the records' dataset",
      example: "--paper-dataset cifar10",
    },
    replace: {
      type: "boolean",
      default: false,
      help: "rebuild the section from the records under --runs alone, dropping earlier rows",
      example: "--replace",
    },
  },
} as const satisfies CommandSpec;

async function findRecords(dir: string): Promise<{ results: RunResult[]; skipped: string[] }> {
  const results: RunResult[] = [], skipped: string[] = [];
  const walk = async (d: string) => {
    for await (const e of Deno.readDir(d)) {
      const path = join(d, e.name);
      if (e.isDirectory && !e.name.endsWith(".ckpt")) await walk(path);
      else if (e.isFile && e.name.endsWith(".json") && !e.name.startsWith(".")) {
        try {
          results.push(await readRunResult(path));
        } catch (err) {
          skipped.push(`${path}: ${oneLine(err)}`);
        }
      }
    }
  };
  await walk(dir);
  return { results, skipped };
}

async function main(): Promise<void> {
  const parsed = parseCommand(COMMAND, Deno.args);
  if (!parsed) return;
  const v = parsed.values;
  if (!v.runs || !v.label) throw new UsageError("--runs and --label are required");
  const method = v.method ?? "geom";
  if (!isReproducibleMethod(method)) {
    throw new UsageError(
      `--method '${method}' has no reproduction record (choose from ${
        REPRODUCIBLE_METHODS.join(", ")
      })`,
    );
  }
  let record: { schema: string; sections: ReproductionSection[] } = {
    schema: "geomad/reproduction@1",
    sections: [],
  };
  try {
    record = JSON.parse(await Deno.readTextFile(JSON_PATH));
  } catch (err) {
    if (!(err instanceof Deno.errors.NotFound)) throw err;
  }
  const existing = record.sections.find((s) => s.label === v.label);
  const { results, skipped } = await findRecords(v.runs);
  for (const s of skipped) console.error(`reproduction: skipped ${s}`);
  // One section holds one dataset's runs: its classes are merged by number.
  const paperRuns = results.filter((r) => isPaperProtocol(r, method));
  const datasets = [...new Set(paperRuns.map(requestedDataset))];
  if (datasets.length > 1) {
    throw new UsageError(
      `${v.runs} holds paper-preset ${method} runs of ${datasets.join(", ")}: ` +
        "give a folder of one dataset's runs",
    );
  }
  const paperDataset = v["paper-dataset"] ?? existing?.paperDataset ?? paperRuns[0]?.dataset;
  if (!paperDataset) {
    throw new UsageError(`no finished paper-preset ${method} run under ${v.runs}`);
  }
  getDatasetSpec(paperDataset); // validates the name
  if (existing && sectionMethod(existing) !== method) {
    throw new UsageError(
      `section '${v.label}' holds ${
        sectionMethod(existing)
      } runs, not ${method} (choose another --label)`,
    );
  }
  const earlier = v.replace ? [] : existing?.rows ?? [];
  const section = reproductionSection(results, {
    label: v.label,
    paperDataset,
    method,
    keep: earlier,
  });
  const kept = section.rows.filter((r) => earlier.includes(r)).map((r) => r.normalClass);
  if (kept.length > 0) {
    console.log(`reproduction: kept the earlier rows of classes ${kept.join(", ")}`);
  }
  record.sections = [...record.sections.filter((s) => s.label !== v.label), section];
  await writeJsonAtomic(JSON_PATH, record);
  const md = await Deno.readTextFile(MD_PATH);
  const a = md.indexOf(START), b = md.indexOf(END);
  if (a < 0 || b < a) throw new UsageError(`${MD_PATH} has no ${START} ... ${END} block`);
  const tables = record.sections.map(reproductionMarkdown).join("\n");
  await writeTextAtomic(MD_PATH, `${md.slice(0, a + START.length)}\n\n${tables}\n${md.slice(b)}`);
  console.log(reproductionMarkdown(section));
  console.log(
    `updated ${JSON_PATH} and ${MD_PATH} (${section.rows.length} ${
      section.rows.length === 1 ? "class" : "classes"
    })`,
  );
}

if (import.meta.main) runCli("reproduction", main);
