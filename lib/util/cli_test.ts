import assert from "node:assert/strict";
import {
  type CommandSpec,
  helpText,
  intFlag,
  intListFlag,
  listFlag,
  parseCommand,
  parseFlags,
  SEED_RANGE,
  seedFlag,
  textFlag,
} from "./cli.ts";
import { UsageError } from "./errors.ts";

const usage = (re: RegExp) => (e: unknown) => e instanceof UsageError && re.test(e.message);

Deno.test("intFlag() takes decimal integers only, within range", () => {
  assert.equal(intFlag("n", undefined, 7), 7);
  assert.equal(intFlag("n", "12", 0), 12);
  assert.equal(intFlag("n", "-3", 0), -3);
  for (
    const bad of ["", " 1 ", "1 ", "0x1", "1e3", "1.0", "+1", "1_000", "Infinity", "NaN", "--1"]
  ) {
    assert.throws(() => intFlag("n", bad, 0), usage(/^--n must be an integer, got '/), bad);
  }
  assert.throws(() => intFlag("n", "9007199254740993", 0), usage(/--n must be an integer/));
  assert.throws(() => intFlag("jobs", "0", 1, { min: 1 }), usage(/--jobs must be an integer >= 1/));
  assert.throws(
    () => intFlag("class", "10", 0, { min: 0, max: 9 }),
    usage(/--class must be an integer in \[0, 9\], got '10'/),
  );
});

Deno.test("seedFlag() accepts [0, 2^32) and nothing else", () => {
  assert.equal(seedFlag(undefined), 0);
  assert.equal(seedFlag("4294967295"), 4294967295);
  assert.equal(SEED_RANGE.max, 2 ** 32 - 1);
  for (const bad of ["-1", "4294967296", "0x10", ""]) {
    assert.throws(() => seedFlag(bad), usage(/--seed must be an integer in \[0, 4294967295\]/));
  }
});

Deno.test("listFlag() and intListFlag() reject empty values and items, whitespace, duplicates", () => {
  assert.equal(listFlag(undefined, "score"), undefined);
  assert.deepEqual(listFlag("a,b", "score"), ["a", "b"]);
  assert.throws(() => listFlag("", "score"), usage(/^--score is empty/));
  assert.throws(() => listFlag("a,,b", "score"), usage(/--score has an empty item in 'a,,b'/));
  assert.throws(() => listFlag("a,", "score"), usage(/empty item/));
  assert.throws(() => listFlag("a, b", "score"), usage(/--score item ' b' has whitespace/));
  assert.throws(() => listFlag("a,a", "score"), usage(/--score lists 'a' twice/));
  assert.deepEqual(intListFlag("classes", "0,6,8", { min: 0 }), [0, 6, 8]);
  assert.throws(() => intListFlag("classes", "0,-1", { min: 0 }), usage(/--classes must be/));
  assert.throws(() => intListFlag("classes", "0,0x1"), usage(/--classes must be an integer/));
  assert.throws(() => textFlag("data-dir", ""), usage(/--data-dir is empty/));
  assert.equal(textFlag("data-dir", "d"), "d");
});

Deno.test("parseFlags() rejects a flag given twice, unknown flags and missing values", () => {
  const opts = { seed: { type: "string" }, quiet: { type: "boolean" } } as const;
  assert.deepEqual({ ...parseFlags(["--seed", "1"], opts).values }, { seed: "1" });
  assert.throws(
    () => parseFlags(["--seed", "1", "--seed", "2"], opts),
    usage(/--seed is given more than once/),
  );
  assert.throws(
    () => parseFlags(["--quiet", "--quiet"], opts),
    usage(/--quiet is given more than once/),
  );
  assert.throws(() => parseFlags(["--sed", "1"], opts), usage(/Unknown option '--sed'/));
  assert.throws(() => parseFlags(["--seed"], opts), usage(/argument missing/));
  assert.throws(
    () => parseFlags(["--seed", "-1"], opts),
    usage(/^--seed needs a value; to give one that starts with '-', write --seed=VALUE$/),
  );
});

const SPEC = {
  command: "deno task x",
  usage: "[--seed N] [--quiet]",
  about: "Does x.",
  flags: {
    seed: {
      type: "string",
      arg: "N",
      kind: "integer",
      help: "the seed",
      defaultText: "0",
      example: "--seed 3",
    },
    quiet: { type: "boolean", default: false, help: "say less", example: "--quiet" },
  },
} as const satisfies CommandSpec;

Deno.test("parseCommand() prints the help for --help and -h; it lists every flag", () => {
  for (const flag of ["--help", "-h"]) {
    let printed = "";
    assert.equal(parseCommand(SPEC, [flag], (t) => printed = t), undefined);
    assert.equal(printed, helpText(SPEC));
  }
  const text = helpText(SPEC);
  assert.match(text, /^usage: deno task x \[--seed N\] \[--quiet\]\n\nDoes x\./);
  assert.match(
    text,
    /\n {2}--seed N\n {6}the seed\n {6}type: integer; default: 0; e\.g\. --seed 3\n/,
  );
  assert.match(
    text,
    /\n {2}--quiet\n {6}say less\n {6}type: switch; default: false; e\.g\. --quiet\n/,
  );
  assert.match(text, /\n {2}-h, --help\n/);
  const parsed = parseCommand(SPEC, ["--seed", "2"])!;
  assert.deepEqual({ ...parsed.values }, { seed: "2", quiet: false });
  assert.throws(() => parseCommand(SPEC, ["extra"]), usage(/unexpected argument 'extra'/));
});
