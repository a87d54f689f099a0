/**
 * `deno task paired A B [--score-a S] [--score-b S]`: two runs kept with `--keep-scores` compared
 * on the same test images, DeLong's paired test of their AUROCs (normal = positive): GEOM against
 * GOAD on one class, two seeds of one method on the full test set, two scores of different runs. A and B are result
 * records (`x.json`, whose `x.scores.json.gz` is read) or the scores files themselves.
 * @module
 */
import { existsSync } from "node:fs";
import { readRunResult } from "../lib/experiments/result.ts";
import {
  keptScoresOf,
  pairedAcross,
  readScoresFile,
  RERUN_HINT,
  type ScoresFile,
} from "../lib/experiments/scores_file.ts";
import { formatTable } from "../lib/experiments/table.ts";
import { type CommandSpec, parseCommand, runCli } from "../lib/util/cli.ts";
import { DataError, UsageError } from "../lib/util/errors.ts";

const COMMAND = {
  command: "deno task paired",
  usage: "A B [--score-a S] [--score-b S]",
  about: "Compares two runs kept with --keep-scores on the same test images: their AUROCs " +
    "(normal = positive), A's minus B's, with DeLong's paired standard error and two-sided p-value.",
  positionals: [
    { name: "A", help: "a result record (x.json, beside x.scores.json.gz) or a scores file" },
    { name: "B", help: "the same for the other run" },
  ],
  flags: {
    "score-a": {
      type: "string",
      arg: "S",
      kind: "score name",
      help: "A's score variant",
      defaultText: "A's first score (e.g. dirichlet, goad)",
      example: "--score-a simple",
    },
    "score-b": {
      type: "string",
      arg: "S",
      kind: "score name",
      help: "B's score variant",
      defaultText: "B's first score",
      example: "--score-b goad-eps0",
    },
  },
} as const satisfies CommandSpec;

/**
 * The scores of an argument: a scores file itself, or the one beside a result record, which must
 * be that record's (a rerun without --keep-scores leaves the older run's scores behind).
 */
async function scoresArg(arg: string): Promise<ScoresFile> {
  if (!existsSync(arg)) throw new UsageError(`${arg}: no such file`);
  if (arg.endsWith(".scores.json.gz")) return await readScoresFile(arg);
  const kept = await keptScoresOf(arg, (await readRunResult(arg)).digest);
  if ("missing" in kept) {
    if (kept.stale) throw new DataError(`${kept.missing}; ${RERUN_HINT}`);
    throw new UsageError(`${arg}: ${kept.missing}; ${RERUN_HINT}`);
  }
  return kept.file;
}

async function main(): Promise<void> {
  const parsed = parseCommand(COMMAND, Deno.args);
  if (!parsed) return;
  const [argA, argB, ...rest] = parsed.positionals;
  if (argA === undefined || argB === undefined || rest.length > 0) {
    throw new UsageError(`takes two runs, A and B (got ${parsed.positionals.length})`);
  }
  const a = await scoresArg(argA);
  const b = await scoresArg(argB);
  const scoreA = parsed.values["score-a"] ?? Object.keys(a.scores)[0]!;
  const scoreB = parsed.values["score-b"] ?? Object.keys(b.scores)[0]!;
  const r = pairedAcross(a, b, scoreA, scoreB);
  console.log(
    `paired: ${a.run} (${scoreA}) against ${b.run} (${scoreB}) on the same ${r.n} test images ` +
      `(${r.nNormal} normal)`,
  );
  const f = (x: number) => x.toFixed(4);
  console.log(formatTable(["AUROC A", "AUROC B", "A - B", "SE", "p"], [[
    f(r.a),
    f(r.b),
    `${r.diff >= 0 ? "+" : ""}${f(r.diff)}`,
    f(r.se),
    r.p < 1e-4 ? "<0.0001" : f(r.p),
  ]]));
}

if (import.meta.main) runCli("paired", main);
