/**
 * The overrides of a preset (`--transforms`, `--epochs`, ...), each defined ONCE: its CLI flag
 * with its `--help` entry, how the flag's value is parsed and how a value is written back as a
 * flag. The run CLI's parser (experiments/run.ts), the command line a sweep gives each child
 * (lib/experiments/run_flags.ts `runArgs`) and the {@linkcode MethodOverrides} type are all
 * derived from {@linkcode OVERRIDES}: an override added here works everywhere, and code that
 * forgets one does not type-check.
 * @module
 */
import { type FlagSpec, intFlag, listFlag, textFlag } from "../util/cli.ts";

/** One override: its flag, how to parse it and how to write it back. */
export interface OverrideSpec<T> {
  /** The CLI flag, without dashes. */
  flag: string;
  /** Its `--help` entry (a string flag). */
  spec: FlagSpec & { type: "string" };
  /** The value of the flag (UsageError when malformed). */
  parse(value: string): T;
  /** The flag's text for `value` (`parse(format(v))` equals `v`). */
  format(value: T): string;
}

function define<T>(o: OverrideSpec<T>): OverrideSpec<T> {
  return o;
}

const positiveInt = (flag: string) => (v: string) => intFlag(flag, v, 0, { min: 1 });

/** Every override, by its name in {@linkcode MethodOverrides}. */
export const OVERRIDES = {
  transforms: define<string>({
    flag: "transforms",
    spec: {
      type: "string",
      arg: "SET",
      kind: "transform set name",
      help: "GEOM, GOAD: transform set instead of the preset's",
      defaultText: "the preset's (geometric72)",
      example: "--transforms rot4",
    },
    parse: (v) => textFlag("transforms", v)!,
    format: (v) => v,
  }),
  epochs: define<number>({
    flag: "epochs",
    spec: {
      type: "string",
      arg: "N",
      kind: "integer >= 1",
      help: "GEOM, GOAD, rot-trans: training epochs instead of the preset's",
      defaultText: "the preset's",
      example: "--epochs 2",
    },
    parse: positiveInt("epochs"),
    format: String,
  }),
  model: define<string>({
    flag: "model",
    spec: {
      type: "string",
      arg: "NAME",
      kind: "network name",
      help: "GEOM, GOAD, rot-trans: network instead of the preset's",
      defaultText: "the preset's",
      example: "--model small-cnn",
    },
    parse: (v) => textFlag("model", v)!,
    format: (v) => v,
  }),
  scores: define<string[]>({
    flag: "score",
    spec: {
      type: "string",
      arg: "LIST",
      kind: "comma-separated score names",
      help:
        "GEOM (GOAD: goad,goad-eps0; rot-trans: heads,heads-log): scores to compute, the first one primary",
      defaultText: "dirichlet,simple,max-softmax,entropy",
      example: "--score dirichlet,simple",
    },
    parse: (v) => listFlag(v, "score")!,
    format: (v) => v.join(","),
  }),
  trainLimit: define<number>({
    flag: "train-limit",
    spec: {
      type: "string",
      arg: "N",
      kind: "integer >= 1",
      help: "use a seeded subset of N normal training images",
      defaultText: "the preset's",
      example: "--train-limit 500",
    },
    parse: positiveInt("train-limit"),
    format: String,
  }),
  testLimit: define<number>({
    flag: "test-limit",
    spec: {
      type: "string",
      arg: "N",
      kind: "integer >= 1",
      help: "use a seeded, stratified subset of N test images",
      defaultText: "the preset's",
      example: "--test-limit 2000",
    },
    parse: positiveInt("test-limit"),
    format: String,
  }),
} as const;

/** An override name. */
export type OverrideName = keyof typeof OVERRIDES;

/** Every override name, in flag order. */
export const OVERRIDE_NAMES = Object.keys(OVERRIDES) as OverrideName[];

/** Changes to a preset for one run (each method lists the ones it accepts). */
export type MethodOverrides = {
  [K in OverrideName]?: (typeof OVERRIDES)[K] extends OverrideSpec<infer T> ? T : never;
};

/** The override flags by flag name, for a command's flag table. */
export type OverrideFlags = {
  [K in OverrideName as (typeof OVERRIDES)[K]["flag"]]: FlagSpec & { type: "string" };
};

/** The override flags, in order, for a command's flag table. */
export const OVERRIDE_FLAGS = Object.fromEntries(
  OVERRIDE_NAMES.map((k) => [OVERRIDES[k].flag, OVERRIDES[k].spec]),
) as OverrideFlags;

/** The overrides given on a command line (parsed flag values by flag name). */
export function overridesOf(values: { [flag: string]: unknown }): MethodOverrides {
  const out: Record<string, unknown> = {};
  for (const k of OVERRIDE_NAMES) {
    const v = values[OVERRIDES[k].flag];
    if (typeof v === "string") out[k] = (OVERRIDES[k] as OverrideSpec<unknown>).parse(v);
  }
  return out as MethodOverrides;
}

/** The command-line flags of `overrides` (the inverse of {@linkcode overridesOf}). */
export function overrideArgs(overrides: MethodOverrides = {}): string[] {
  const args: string[] = [];
  for (const k of OVERRIDE_NAMES) {
    const v = overrides[k];
    if (v === undefined) continue;
    args.push(`--${OVERRIDES[k].flag}`, (OVERRIDES[k] as OverrideSpec<unknown>).format(v));
  }
  return args;
}
