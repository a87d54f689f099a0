/**
 * The command line of one run (`deno task run`, experiments/run.ts), defined once: its flag
 * table ({@linkcode RUN_FLAGS}), the {@linkcode RunSpec} a sweep describes a run by, and the
 * two directions between them, both derived from one field table ({@linkcode SPEC_FLAGS}):
 * {@linkcode runArgs} (spec -> the child's arguments) and {@linkcode runSpecOf} (parsed flag
 * values -> spec). The overrides come from lib/detectors/overrides.ts the same way. A RunSpec
 * field without a flag, or a flag the parser does not read, does not type-check.
 * @module
 */
import { parsePrecision, type PrecisionRequest } from "../backend/precision.ts";
import { parseBackend } from "../backend/select.ts";
import { DATA_FLAGS, dataArgs, type DataOptions, dataOptionsOf } from "../data/flags.ts";
import { getMethod, type MethodOverrides, type MethodPlan } from "../detectors/catalogue.ts";
import { OVERRIDE_FLAGS, overrideArgs, overridesOf } from "../detectors/overrides.ts";
import { DEFAULT_CHECKPOINT_SECONDS } from "../train/checkpoint.ts";
import {
  COMMON_FLAGS,
  type FlagTable,
  type FlagValues,
  intFlag,
  seedFlag,
  textFlag,
} from "../util/cli.ts";
import { UsageError } from "../util/errors.ts";
import type { DataOrigin } from "./reuse.ts";

/** The flags of `deno task run` (and `deno task geom`, which has no --method). */
export const RUN_FLAGS = {
  method: {
    type: "string",
    arg: "M",
    kind: "method name (required)",
    help: "method to run",
    example: "--method raw-ocsvm",
  },
  dataset: {
    type: "string",
    arg: "D",
    kind: "dataset name or folder:DIR (required)",
    help: "dataset (one-vs-rest splits of its classes); folder:DIR reads DIR/train/<class>/* " +
      "and DIR/test/<class>/*, classes in sorted name order",
    example: "--dataset fashion-mnist",
  },
  normal: {
    type: "string",
    arg: "C",
    kind: "integer >= 0 (class index, required)",
    help: "the normal class; every other class is anomalous",
    example: "--normal 3",
  },
  preset: {
    type: "string",
    default: "quick",
    arg: "P",
    kind: "smoke|quick|paper (GEOM also catsvsdogs-paper|catsvsdogs-quick|catsvsdogs-smoke)",
    help: "configuration preset of the method",
    example: "--preset smoke",
  },
  seed: COMMON_FLAGS.seed("seed of the data subsets, initialisation and training order"),
  ...OVERRIDE_FLAGS,
  out: {
    type: "string",
    arg: "FILE",
    kind: "path of a .json file under results/",
    help: "where the result record goes (checked before any work)",
    defaultText: "results/<method>/<dataset>/<preset>/class-<c>/seed-<s>.json",
    example: "--out results/mine/r.json",
  },
  force: {
    type: "boolean",
    default: false,
    help: "overwrite --out even when it holds another run's result, this run made " +
      "otherwise (other settings, an older geomad) or another file",
    example: "--force",
  },
  "data-dir": COMMON_FLAGS.dataDir(),
  ...DATA_FLAGS,
  backend: COMMON_FLAGS.backend(),
  precision: COMMON_FLAGS.precision(
    "arithmetic precision (bf16 only on the native backend; auto: bf16 where the CPU has " +
      "AMX or AVX512-BF16, fp32 elsewhere); recorded in the result",
  ),
  quiet: COMMON_FLAGS.quiet("no header or progress lines"),
  "checkpoint-interval": {
    type: "string",
    arg: "S",
    kind: "integer >= 0 (seconds)",
    help:
      "GEOM, GOAD, rot-trans: save the run's state every S seconds and at each epoch end in <out>.ckpt/; " +
      "the same command run again resumes from there",
    defaultText: String(DEFAULT_CHECKPOINT_SECONDS),
    example: "--checkpoint-interval 60",
  },
  "keep-checkpoint": {
    type: "boolean",
    default: false,
    help: "keep <out>.ckpt/ after the result is written",
    example: "--keep-checkpoint",
  },
  "keep-scores": {
    type: "boolean",
    default: false,
    help:
      "also write every test image's scores to <out stem>.scores.json.gz (deno task paired compares " +
      "two such runs on the same images)",
    example: "--keep-scores",
  },
} as const satisfies FlagTable;

/** One run: method at a preset (plus overrides) on one class and seed, and where it goes. */
export interface RunSpec {
  method: string;
  /** Dataset as requested (results record it in `data.requested`). */
  dataset: string;
  normalClass: number;
  seed: number;
  preset: string;
  overrides?: MethodOverrides;
  /** Result file. */
  out: string;
  /** Dataset folder (passed as --data-dir). */
  dataDir?: string;
  /** tfjs backend (passed as --backend). */
  backend?: string;
  /** Precision request (passed as --precision; part of the reuse check). */
  precision?: PrecisionRequest;
  /**
   * Where the data must come from ({@linkcode resolveSweepData}): a stored result read from
   * another source (another --data-dir, the sample instead of the full set) is stale.
   */
  data?: DataOrigin;
  /** Let the run overwrite the file at `out` (set by the sweep for damaged or stale ones). */
  force?: boolean;
  /** Folder datasets: --image-size and --channels; false: --no-verify. */
  imageSize?: number;
  channels?: 1 | 3;
  verify?: boolean;
  /** Keep every test image's scores beside the result (--keep-scores). */
  keepScores?: boolean;
}

/** The values of the run flags as parsed. */
export type RunFlagValues = FlagValues<typeof RUN_FLAGS>;

/** How one RunSpec field is written as flags and read back from parsed flag values. */
interface SpecFlag<T> {
  format(value: T): string[];
  parse(values: RunFlagValues): T | undefined;
}

type FlagFields = Omit<RunSpec, "overrides" | "data">;

const text = <K extends "method" | "dataset" | "preset" | "out" | "data-dir">(flag: K) => ({
  format: (v: string) => [`--${flag}`, v],
  parse: (values: RunFlagValues) => textFlag(flag, values[flag] as string | undefined),
});

/**
 * Every RunSpec field (but the overrides and the data origin, which is not a flag) with its
 * flag: the one place a field of a run's command line is spelled.
 */
export const SPEC_FLAGS: { [K in keyof FlagFields]-?: SpecFlag<NonNullable<FlagFields[K]>> } = {
  method: text("method"),
  dataset: text("dataset"),
  normalClass: {
    format: (v) => ["--normal", String(v)],
    parse: (values) =>
      values.normal === undefined ? undefined : intFlag("normal", values.normal, 0, { min: 0 }),
  },
  preset: text("preset"),
  seed: { format: (v) => ["--seed", String(v)], parse: (values) => seedFlag(values.seed) },
  out: text("out"),
  dataDir: text("data-dir"),
  imageSize: {
    format: (v) => dataArgs({ imageSize: v }),
    parse: (values) => dataOptionsOf(values).imageSize,
  },
  channels: {
    format: (v) => dataArgs({ channels: v }),
    parse: (values) => dataOptionsOf(values).channels,
  },
  verify: {
    format: (v) => dataArgs({ verify: v }),
    parse: (values) => dataOptionsOf(values).verify,
  },
  backend: {
    format: (v) => ["--backend", v],
    parse: (values) =>
      values.backend === undefined ? undefined : parseBackend(textFlag("backend", values.backend)),
  },
  precision: {
    format: (v) => ["--precision", v],
    parse: (values) =>
      values.precision === undefined ? undefined : parsePrecision(values.precision),
  },
  force: { format: (v) => v ? ["--force"] : [], parse: (values) => values.force || undefined },
  keepScores: {
    format: (v) => v ? ["--keep-scores"] : [],
    parse: (values) => values["keep-scores"] || undefined,
  },
};

const SPEC_ORDER = Object.keys(SPEC_FLAGS) as (keyof FlagFields)[];

/** The command-line arguments of `experiments/run.ts` for `spec`. */
export function runArgs(spec: RunSpec): string[] {
  const args: string[] = [];
  for (const key of SPEC_ORDER) {
    const v = spec[key];
    if (v === undefined) continue;
    args.push(...(SPEC_FLAGS[key] as SpecFlag<typeof v>).format(v));
    if (key === "seed") args.push(...overrideArgs(spec.overrides));
  }
  return args;
}

/**
 * The run parsed flag values describe (the inverse of {@linkcode runArgs}); `out` stays unset
 * when not given (the caller derives the default path).
 * @throws {UsageError} for a missing --method, --dataset or --normal, or a malformed value.
 */
export function runSpecOf(values: RunFlagValues): Omit<RunSpec, "out"> & { out?: string } {
  for (const flag of ["method", "dataset", "normal"] as const) {
    if (values[flag] === undefined) throw new UsageError(`--${flag} is required`);
  }
  const spec: Record<string, unknown> = {};
  for (const key of SPEC_ORDER) {
    const v = SPEC_FLAGS[key].parse(values);
    if (v !== undefined) spec[key] = v;
  }
  spec.overrides = overridesOf(values);
  return spec as Omit<RunSpec, "out"> & { out?: string };
}

/** The plan of a spec (throws UsageError for an unknown method, preset or override). */
export function planOf(spec: Pick<RunSpec, "method" | "preset" | "overrides">): MethodPlan {
  return getMethod(spec.method).plan(spec.preset, spec.overrides);
}

/** What every run of a sweep shares (the data options as the data flags give them). */
export interface SweepRunOptions extends DataOptions {
  dataset: string;
  preset: string;
  backend?: string;
  precision?: PrecisionRequest;
  /** Where the data must come from (part of the reuse check). */
  data?: DataOrigin;
  /** Every run keeps its test scores (--keep-scores; not part of the reuse check). */
  keepScores?: boolean;
}

/**
 * The spec of one run of a sweep: the run's own method, class, seed, overrides and result
 * file, plus what all runs share; options not given stay unset (so `runArgs` leaves them out).
 * The one way `compare`, `fidelity` and `ablation` describe their runs.
 */
export function specFor(
  run: Pick<RunSpec, "method" | "normalClass" | "seed" | "out" | "overrides">,
  shared: SweepRunOptions,
): RunSpec {
  const spec: RunSpec = {
    method: run.method,
    dataset: shared.dataset,
    normalClass: run.normalClass,
    seed: run.seed,
    preset: shared.preset,
    out: run.out,
  };
  if (run.overrides !== undefined) spec.overrides = run.overrides;
  const { dataDir, imageSize, channels, verify, backend, precision, data, keepScores } = shared;
  Object.assign(
    spec,
    dataDir !== undefined ? { dataDir } : {},
    imageSize !== undefined ? { imageSize } : {},
    channels !== undefined ? { channels } : {},
    verify === false ? { verify } : {},
    backend !== undefined ? { backend } : {},
    precision !== undefined ? { precision } : {},
    data !== undefined ? { data } : {},
    keepScores ? { keepScores } : {},
  );
  return spec;
}
