/**
 * Whether a stored result is the run a sweep asks for, so that it can be reused instead of
 * run again: same method, preset, data (as requested and as read), class, seed, data limits,
 * precision and the hyperparameters the plan expects (read off the detector, see
 * lib/detectors/catalogue.ts). Used by the sweeps (lib/experiments/sweep.ts) and the ablation
 * summary (experiments/ablation_grid.ts).
 * @module
 */
import { isDeepStrictEqual } from "node:util";
import { resolve } from "node:path";
import { type PrecisionRequest, resolvePrecision } from "../backend/precision.ts";
import type { SourceKind } from "../data/locate.ts";
import { FOLDER_PREFIX, isFolderDataset } from "../data/folder_scan.ts";
import type { MethodPlan } from "../detectors/catalogue.ts";
import { oneLine } from "../util/errors.ts";
import { readRunResult, type RunResult } from "./result.ts";
import { planOf, type RunSpec } from "./run_flags.ts";

/** Where a dataset's files were read from, as results record it (`data.source`, `data.root`). */
export interface DataOrigin {
  source: SourceKind;
  root: string;
}

/**
 * Why a stored result is not the run `plan` describes, or undefined when it is: same method,
 * dataset (as requested), normal class, seed, data limits and expected hyperparameters.
 */
export function planMismatch(
  result: RunResult,
  plan: MethodPlan,
  run: {
    dataset: string;
    normalClass: number;
    seed: number;
    precision?: PrecisionRequest;
    imageSize?: number;
    channels?: number;
  },
): string | undefined {
  if (result.method !== plan.method) return `method ${result.method} is not ${plan.method}`;
  const requested = result.data?.requested ?? result.dataset;
  if (!sameDataset(requested, run.dataset)) return `dataset ${requested} is not ${run.dataset}`;
  const folder = result.data?.folder;
  const size = run.imageSize ?? plan.imageSize ?? null;
  if (folder && folder.imageSize !== size) return `image size ${folder.imageSize} is not ${size}`;
  if (folder && folder.channelsRequested !== (run.channels ?? null)) {
    return `channels ${folder.channelsRequested} is not ${run.channels ?? null}`;
  }
  if (result.normalClass !== run.normalClass) {
    return `class ${result.normalClass} is not ${run.normalClass}`;
  }
  if (result.seed !== run.seed) return `seed ${result.seed} is not ${run.seed}`;
  const why = precisionMismatch(result, run.precision ?? "auto");
  if (why) return why;
  for (const key of ["trainLimit", "testLimit"] as const) {
    const stored = result.data?.[key] ?? null, want = plan[key] ?? null;
    if (stored !== want) return `${key} ${stored} is not ${want}`;
  }
  return hyperparameterMismatch(result.hyperparameters ?? {}, plan.expected);
}

/**
 * Whether two dataset names as requested name the same data: equal, or two folder datasets whose
 * paths resolve to the same folder (`folder:data/x`, `folder:data/x/`, `folder:./data/x`).
 */
export function sameDataset(a: string, b: string): boolean {
  if (a === b) return true;
  if (!isFolderDataset(a) || !isFolderDataset(b)) return false;
  const path = (d: string) => resolve(d.slice(FOLDER_PREFIX.length).trim() || ".");
  return path(a) === path(b);
}

/** The first of `expected`'s hyperparameters that `hp` does not have, said in words, or undefined. */
export function hyperparameterMismatch(
  hp: Readonly<Record<string, unknown>>,
  expected: Readonly<Record<string, unknown>>,
): string | undefined {
  for (const [key, want] of Object.entries(expected)) {
    if (!isDeepStrictEqual(hp[key], want)) {
      return `${key} ${JSON.stringify(hp[key])} is not ${JSON.stringify(want)}`;
    }
  }
  return undefined;
}

/**
 * Whether a stored result answers a precision request: `fp32` and `bf16` need a run that
 * computed in that precision; `auto` takes a run that also asked for `auto` and got what `auto`
 * gives today on the backend and ISA it recorded (an `auto` run from before bf16 became `auto`'s
 * choice is stale where it would now be bf16). Records from before precisions existed count as
 * `auto` resolved to fp32. `bf16Auto` overrides `BF16_AUTO` (tests).
 */
export function precisionMismatch(
  result: RunResult,
  request: PrecisionRequest,
  bf16Auto?: boolean,
): string | undefined {
  const got = result.backend?.precision ?? "fp32";
  const asked = result.backend?.precisionRequested ?? "auto";
  if (request === "auto") {
    if (asked !== "auto") return `precision ${asked} was requested, not auto`;
    const name = result.backend?.name ?? "", isa = result.backend?.isa;
    const now = resolvePrecision("auto", { backend: name, isa, bf16Auto });
    return now === got ? undefined : `auto gave ${got} on ${isa ?? name}; it now gives ${now}`;
  }
  return got === request ? undefined : `precision ${got} is not ${request}`;
}

/** What is stored for a run. */
export type StoredState =
  | { state: "valid"; result: RunResult }
  | { state: "missing" }
  | { state: "damaged"; reason: string }
  | { state: "stale"; reason: string };

/** Reads `spec.out` and says whether it holds this run's finished result. */
export async function storedState(
  spec: RunSpec,
  plan: MethodPlan = planOf(spec),
): Promise<StoredState> {
  try {
    await Deno.stat(spec.out);
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return { state: "missing" };
    throw err;
  }
  let result: RunResult;
  try {
    result = await readRunResult(spec.out);
  } catch (err) {
    return { state: "damaged", reason: oneLine(err) };
  }
  const why = planMismatch(result, plan, spec) ?? presetMismatch(result, plan) ??
    (spec.data ? dataMismatch(result, spec.data) : undefined);
  return why ? { state: "stale", reason: why } : { state: "valid", result };
}

function presetMismatch(result: RunResult, plan: MethodPlan): string | undefined {
  return result.preset === plan.preset
    ? undefined
    : `preset ${result.preset} is not ${plan.preset}`;
}

/** Why a stored result's data differs from `want`, or undefined when it was read from it. */
export function dataMismatch(result: RunResult, want: DataOrigin): string | undefined {
  const d = result.data as Partial<RunResult["data"]>;
  const root = typeof d.root === "string" ? resolve(d.root) : undefined;
  if (d.source !== want.source || root !== resolve(want.root)) {
    return `data from ${d.source} ${d.root} is not from ${want.source} ${want.root}`;
  }
  return undefined;
}
