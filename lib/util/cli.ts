/**
 * Shared CLI plumbing: one strict flag parser for every task (each flag described once, with
 * its meaning, type, default and an example, which `--help` / `-h` prints), strict integer and
 * list values, and {@linkcode runCli}, which prints one-line errors and exits with the right
 * code (usage errors also print the usage line and a hint to use --help).
 * @module
 */
import { parseArgs } from "node:util";
import { exitCodeFor, oneLine, UsageError } from "./errors.ts";

/** One flag: how node:util parseArgs reads it, plus what `--help` says about it. */
export interface FlagSpec {
  type: "string" | "boolean";
  short?: string;
  default?: string | boolean;
  /** What the flag does. */
  help: string;
  /** Placeholder of the value in the usage line, e.g. `N`, `DIR` (string flags). */
  arg?: string;
  /** The value's type in words (default: `switch` for booleans, `text` for strings). */
  kind?: string;
  /** The default in words, when it is not the literal `default` (e.g. "one per CPU core"). */
  defaultText?: string;
  /** One example of the flag in use, e.g. `--seed 3`. */
  example: string;
}

/** The flags of a command by name (without the leading dashes). */
export type FlagTable = Record<string, FlagSpec>;

/** A command line: its usage line, what it does and every flag. */
export interface CommandSpec<F extends FlagTable = FlagTable> {
  /** How it is started, e.g. `deno task run`. */
  command: string;
  /** The arguments part of the usage line, e.g. `--dataset D --normal C [flags]`. */
  usage: string;
  /** One or two sentences on what the command does. */
  about: string;
  flags: F;
  /** Positional arguments, when the command takes any. */
  positionals?: Array<{ name: string; help: string }>;
  /** Extra lines printed at the end of --help (exit codes, lists of names). */
  notes?: string[];
}

/** The `--help` / `-h` flag every command gets. */
export const HELP_FLAG: FlagSpec = {
  type: "boolean",
  short: "h",
  help: "print this help (every flag, its type, default and an example) and exit",
  example: "--help",
};

/** How parseArgs reads a flag (the part of {@linkcode FlagSpec} it needs). */
export type FlagConfig = Pick<FlagSpec, "type" | "short" | "default">;

type ValueOf<S extends FlagConfig> = S["type"] extends "boolean" ? boolean : string;

/** Parsed flag values: defaulted flags are always set, the others may be undefined. */
export type FlagValues<F extends Record<string, FlagConfig>> = {
  [K in keyof F]: F[K] extends { default: string | boolean } ? ValueOf<F[K]>
    : ValueOf<F[K]> | undefined;
};

/** What {@linkcode parseCommand} returns. */
export interface ParsedCommand<F extends Record<string, FlagConfig>> {
  values: FlagValues<F>;
  positionals: string[];
}

let activeCommand: CommandSpec | undefined;

/** The usage line of a command. */
export function usageLine(cmd: Pick<CommandSpec, "command" | "usage">): string {
  return `usage: ${cmd.command} ${cmd.usage}`.trimEnd();
}

/** The full `--help` text of a command: usage, what it does, every flag. */
export function helpText(cmd: CommandSpec): string {
  const lines = [usageLine(cmd), "", cmd.about];
  if (cmd.positionals?.length) {
    lines.push("", "arguments:");
    for (const p of cmd.positionals) lines.push(`  ${p.name}`, `      ${p.help}`);
  }
  lines.push("", "flags:");
  for (const [name, f] of Object.entries({ ...cmd.flags, help: HELP_FLAG })) {
    const short = f.short ? `-${f.short}, ` : "";
    const arg = f.type === "string" ? ` ${f.arg ?? "VALUE"}` : "";
    const kind = f.kind ?? (f.type === "boolean" ? "switch" : "text");
    const def = f.defaultText ??
      (f.default === undefined ? (f.type === "boolean" ? "off" : "none") : String(f.default));
    lines.push(
      `  ${short}--${name}${arg}`,
      `      ${f.help}`,
      `      type: ${kind}; default: ${def}; e.g. ${f.example}`,
    );
  }
  if (cmd.notes?.length) lines.push("", ...cmd.notes);
  return lines.join("\n");
}

/**
 * Parses `args` strictly against `cmd.flags` (plus `--help`/`-h`): unknown flags, a flag given
 * twice, a value for a switch or a missing value throw `UsageError`. Returns undefined after
 * printing the help when `--help` or `-h` is given. Registers `cmd` so that {@linkcode runCli}
 * prints its usage line with a usage error.
 */
export function parseCommand<F extends FlagTable>(
  cmd: CommandSpec<F>,
  args: string[],
  print: (text: string) => void = console.log,
): ParsedCommand<F> | undefined {
  activeCommand = cmd as unknown as CommandSpec;
  const parsed = parseFlags(args, { ...cmd.flags, help: HELP_FLAG }, true);
  if ((parsed.values as Record<string, unknown>).help) {
    print(helpText(cmd as unknown as CommandSpec));
    return undefined;
  }
  if (!cmd.positionals?.length && parsed.positionals.length > 0) {
    throw new UsageError(`unexpected argument '${parsed.positionals[0]}'`);
  }
  return parsed as unknown as ParsedCommand<F>;
}

/**
 * Runs `main` and exits: 0 on success, 2 on `UsageError`, 1 on any other error, printing
 * `<prog>: error: <message>` on one line (set GEOMAD_DEBUG=1 to see the stack). A usage error
 * is followed by the command's usage line and a hint to use `--help`.
 */
export async function runCli(prog: string, main: () => Promise<void> | void): Promise<never> {
  try {
    await main();
    Deno.exit(0);
  } catch (err) {
    console.error(`${prog}: error: ${oneLine(err)}`);
    if (err instanceof UsageError && activeCommand) {
      console.error(usageLine(activeCommand));
      console.error(`Run '${activeCommand.command} --help' for every flag with an example.`);
    }
    if (debugEnabled() && err instanceof Error) console.error(err.stack);
    Deno.exit(exitCodeFor(err));
  }
}

function debugEnabled(): boolean {
  try {
    return Boolean(Deno.env.get("GEOMAD_DEBUG"));
  } catch {
    return false; // no --allow-env for it: never a reason to crash while reporting an error
  }
}

/**
 * Strict `node:util` parseArgs that throws `UsageError` (exit 2) instead of a TypeError, and
 * also when a flag is given more than once (parseArgs would silently keep the last).
 */
export function parseFlags<T extends Record<string, FlagConfig>>(
  args: string[],
  options: T,
  allowPositionals = true,
): ParsedCommand<T> {
  const config: Record<string, FlagConfig> = {};
  for (const [name, f] of Object.entries(options)) {
    config[name] = {
      type: f.type,
      ...(f.short !== undefined ? { short: f.short } : {}),
      ...(f.default !== undefined ? { default: f.default } : {}),
    };
  }
  let parsed;
  try {
    parsed = parseArgs({ args, options: config, allowPositionals, strict: true, tokens: true });
  } catch (err) {
    const ambiguous = /^Option '(--[\w-]+)' argument is ambiguous/.exec(oneLine(err));
    if (ambiguous) {
      throw new UsageError(
        `${ambiguous[1]} needs a value; to give one that starts with '-', write ` +
          `${ambiguous[1]}=VALUE`,
      );
    }
    throw new UsageError(oneLine(err));
  }
  const seen = new Set<string>();
  for (const t of parsed.tokens ?? []) {
    if (t.kind !== "option") continue;
    if (seen.has(t.name)) throw new UsageError(`--${t.name} is given more than once`);
    seen.add(t.name);
  }
  return { values: parsed.values, positionals: parsed.positionals } as never;
}

/** Bounds of an integer flag (inclusive). */
export interface IntRange {
  min?: number;
  max?: number;
}

/** Seeds: integers in [0, 2^32), as the seeded generators use them. */
export const SEED_RANGE: IntRange = { min: 0, max: 2 ** 32 - 1 };

/**
 * Parses an integer flag value strictly: optional minus sign and decimal digits only (no
 * hex, exponent, fraction, whitespace or empty value), a safe integer within `range`.
 * Returns `fallback` when the flag is absent.
 * @throws {UsageError} naming the flag, the accepted range and the value given.
 */
export function intFlag(
  name: string,
  value: string | undefined,
  fallback: number,
  range: IntRange = {},
): number {
  if (value === undefined) return fallback;
  const min = range.min ?? Number.MIN_SAFE_INTEGER, max = range.max ?? Number.MAX_SAFE_INTEGER;
  const what = range.min === undefined && range.max === undefined
    ? "an integer"
    : range.max === undefined
    ? `an integer >= ${min}`
    : `an integer in [${min}, ${max}]`;
  const n = /^-?[0-9]+$/.test(value) ? Number(value) : NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    throw new UsageError(`--${name} must be ${what}, got '${value}'`);
  }
  return n;
}

/** `--seed`: an integer in [0, 2^32). */
export function seedFlag(value: string | undefined, fallback = 0, name = "seed"): number {
  return intFlag(name, value, fallback, SEED_RANGE);
}

/**
 * Parses a comma-separated list flag strictly: no empty value, no empty item (`a,,b`), no
 * whitespace, no duplicates. Returns undefined when the flag is absent.
 * @throws {UsageError} naming the flag and the offending item.
 */
export function listFlag(value: string | undefined, name = "list"): string[] | undefined {
  if (value === undefined) return undefined;
  if (value === "") throw new UsageError(`--${name} is empty; give a comma-separated list`);
  const items = value.split(",");
  const seen = new Set<string>();
  for (const item of items) {
    if (item === "") throw new UsageError(`--${name} has an empty item in '${value}'`);
    if (/\s/.test(item)) {
      throw new UsageError(`--${name} item '${item}' has whitespace; write e.g. a,b,c`);
    }
    if (seen.has(item)) throw new UsageError(`--${name} lists '${item}' twice`);
    seen.add(item);
  }
  return items;
}

/** A comma-separated list of integers (see {@linkcode listFlag} and {@linkcode intFlag}). */
export function intListFlag(
  name: string,
  value: string | undefined,
  range: IntRange = {},
): number[] | undefined {
  return listFlag(value, name)?.map((v) => intFlag(name, v, 0, range));
}

/** A non-empty string flag (an empty path or name is a usage error, not "the default"). */
export function textFlag(name: string, value: string | undefined): string | undefined {
  if (value !== undefined && value.trim() === "") throw new UsageError(`--${name} is empty`);
  return value;
}

/** The `--backend` values, as `--help` lists them (lib/backend/select.ts BACKENDS; a test there
 * checks they agree). */
export const BACKEND_KIND = "auto|tensorflow|native|wasm|cpu|webgpu";

/** Where a task finds a dataset's files when `--data-dir` is not given. */
const DATA_DIR_DEFAULT = "GEOMAD_DATA_DIR, data/cache, system packages, else the embedded sample";

/**
 * Flags several commands share, each spelled once here (type, placeholder, kind, default and
 * example); `help` (and for some a default) tailors an entry to its command, e.g.
 * `{ ...COMMON_FLAGS.backend("tfjs backend of every run") }`.
 */
export const COMMON_FLAGS = {
  backend: (help = "tfjs backend") =>
    ({
      type: "string",
      arg: "B",
      kind: BACKEND_KIND,
      help,
      defaultText: "auto",
      example: "--backend wasm",
    }) as const,
  precision: (help: string, example = "--precision bf16") =>
    ({
      type: "string",
      arg: "P",
      kind: "fp32|bf16|auto",
      help,
      defaultText: "auto",
      example,
    }) as const,
  dataDir: (
    help = "folder with the dataset's official files (or holding a relative folder:DIR)",
  ) =>
    ({
      type: "string",
      arg: "DIR",
      kind: "folder",
      help,
      defaultText: DATA_DIR_DEFAULT,
      example: "--data-dir /srv/fashion-mnist",
    }) as const,
  quiet: (help = "no progress bar or log lines") =>
    ({
      type: "boolean",
      default: false,
      help,
      example: "--quiet",
    }) as const,
  jobs: (defaultText = "one per CPU core") =>
    ({
      type: "string",
      arg: "N",
      kind: "integer >= 1",
      help: "runs (processes) at once",
      defaultText,
      example: "--jobs 2",
    }) as const,
  classes: (defaultText = "every class", example = "--classes 0,1") =>
    ({
      type: "string",
      arg: "LIST",
      kind: "comma-separated integers (class indices)",
      help: "normal classes",
      defaultText,
      example,
    }) as const,
  shard: (help: string, defaultText: string) =>
    ({
      type: "string",
      arg: "i/n",
      kind: "i/n with 0 <= i < n",
      help,
      defaultText,
      example: "--shard 0/2",
    }) as const,
  root: <D extends string>(fallback: D, help: string, example: string) =>
    ({
      type: "string",
      default: fallback,
      arg: "DIR",
      kind: "folder under results/",
      help,
      example,
    }) as const,
  seed: (help: string, example = "--seed 3") =>
    ({
      type: "string",
      arg: "S",
      kind: "integer in [0, 2^32)",
      help,
      defaultText: "0",
      example,
    }) as const,
} satisfies Record<string, (...args: never[]) => FlagSpec>;
