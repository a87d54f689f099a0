/**
 * Every method by its CLI name: from a preset name (plus optional overrides) to a plan that
 * builds the detector and says which stored results count as the same run. `deno task run`,
 * the ablation and the comparison all go through here; adding a method is one entry in
 * {@linkcode METHODS}.
 *
 * ```ts
 * import { getMethod } from "geomad/detectors/registry.ts";
 * const plan = getMethod("geom").plan("smoke", { transforms: "flip-rot8" });
 * const { detector } = plan.create();
 * ```
 * @module
 */
import { isDeepStrictEqual } from "node:util";
import type { RunDetectorOptions } from "../experiments/run.ts";
import type { RunResult } from "../experiments/result.ts";
import { MODEL_NAMES } from "../models/build.ts";
import { getTransformSet } from "../transforms/registry.ts";
import { UsageError } from "../util/errors.ts";
import {
  BASELINE_PRESETS,
  type BaselineConfigs,
  type BaselineMethod,
  baselinePreset,
} from "./baseline_presets.ts";
import type { Images } from "../data/types.ts";
import type { Detector } from "./detector.ts";
import { AdganDetector } from "./adgan.ts";
import { CaeOcsvmDetector } from "./cae_ocsvm.ts";
import { DagmmDetector } from "./dagmm.ts";
import { DeepSvddDetector } from "./deep_svdd.ts";
import { DsebmDetector } from "./dsebm.ts";
import type { PrecisionRequest } from "../backend/precision.ts";
import { GeomDetector, type GeomScoreName, parseGeomScores } from "./geom.ts";
import { GEOM_PRESETS, type GeomConfig, geomPreset, resolveEpochs } from "./geom_presets.ts";
import { OcsvmDetector, type OcsvmDetectorOptions } from "./ocsvm.ts";
import { GoadDetector, type GoadScoreName, parseGoadScores } from "./goad.ts";
import { GOAD_PRESETS, type GoadConfig, goadPreset } from "./goad_presets.ts";
import { parseRotTransScores, RotTransDetector, type RotTransScoreName } from "./rot_trans.ts";
import { ROT_TRANS_PRESETS, type RotTransConfig, rotTransPreset } from "./rot_trans_presets.ts";

/** Names of the overrides a method may accept (CLI: --transforms, --epochs, ...). */
export const OVERRIDE_NAMES = [
  "transforms",
  "epochs",
  "model",
  "scores",
  "trainLimit",
  "testLimit",
] as const;
/** An override name. */
export type OverrideName = (typeof OVERRIDE_NAMES)[number];

/** Changes to a preset for one run (each method lists the ones it accepts). */
export interface MethodOverrides {
  /** Transform set (GEOM). */
  transforms?: string;
  /** Epochs (GEOM). */
  epochs?: number;
  /** Network (GEOM). */
  model?: string;
  /** Score variants to compute, the first one primary (GEOM; default all four). */
  scores?: string[];
  /** Normal training images used (seeded subset). */
  trainLimit?: number;
  /** Test images used (seeded, stratified subset). */
  testLimit?: number;
}

/** A built detector plus the hook a method with hindsight selection needs. */
export interface MethodInstance {
  detector: Detector;
  /** Passed to `runDetector` (e.g. the paper's OC-SVM selection by test AUROC). */
  afterFit?: RunDetectorOptions["afterFit"];
}

/** One method at one preset (plus overrides): everything a run and a resume check need. */
export interface MethodPlan {
  /** The method name results record (the detector's; may differ from the entry's). */
  method: string;
  preset: string;
  /** Normal training images to load (undefined = all). */
  trainLimit?: number;
  /** Test images to load (undefined = the whole test split). */
  testLimit?: number;
  /** The square image size the preset is built for (GEOM's catsvsdogs family: 64); folder
   * datasets are resized to it by default, other sizes are refused. Undefined: any size. */
  imageSize?: number;
  /**
   * Values a stored result's `hyperparameters` must hold (deep-equal, key by key) to count as
   * this run; data limits are checked separately against `result.data`.
   */
  expected: Record<string, unknown>;
  /** Builds a fresh, unfitted detector. */
  create(): MethodInstance;
}

/** A method as the CLIs see it. */
export interface MethodEntry {
  /** CLI and result name, e.g. `geom`, `raw-ocsvm`. */
  name: string;
  /** Column title in tables, e.g. `GEOM`. */
  title: string;
  /** One line for `--help`. */
  description: string;
  presets: readonly string[];
  /** The score variant tables report (GEOM: `dirichlet`; single-score methods: their name). */
  primaryScore: string;
  /** Overrides accepted besides the data limits. */
  overrides: readonly OverrideName[];
  /** The plan for `preset` plus `overrides`. Throws UsageError for a bad preset or override. */
  plan(preset: string, overrides?: MethodOverrides): MethodPlan;
}

/** What {@linkcode defineMethod} needs: a typed config per preset and how to build from it. */
interface MethodDefinition<C> {
  name: string;
  title: string;
  description: string;
  presets: readonly string[];
  primaryScore?: string;
  /** Overrides accepted besides `trainLimit` / `testLimit` (applied by `apply`). */
  overrides?: readonly OverrideName[];
  /** A fresh config of a preset (throws UsageError for an unknown one). */
  config(preset: string): C;
  /** Applies the overrides the method accepts; data limits are applied through `limits`. */
  apply?(config: C, overrides: MethodOverrides): void;
  /** Reads and writes the config's data limits. */
  limits: {
    get(config: C): { trainLimit?: number; testLimit?: number };
    set(config: C, l: { trainLimit?: number; testLimit?: number }): void;
  };
  /** Expected hyperparameters (default: the built detector's `hyperparameters`). */
  expected?(config: C): Record<string, unknown>;
  create(config: C): MethodInstance;
}

function positiveInt(method: string, key: string, value: number | undefined): void {
  if (value !== undefined && (!Number.isInteger(value) || value < 1)) {
    throw new UsageError(`Cannot plan ${method}: ${key} must be an integer >= 1, got ${value}`);
  }
}

/** JSON round trip: what a result file holds for these values. */
function asStored(x: Record<string, unknown>): Record<string, unknown> {
  return JSON.parse(JSON.stringify(x));
}

function defineMethod<C>(def: MethodDefinition<C>): MethodEntry {
  const overrides = def.overrides ?? [];
  return {
    name: def.name,
    title: def.title,
    description: def.description,
    presets: def.presets,
    primaryScore: def.primaryScore ?? def.name,
    overrides,
    plan(preset, o = {}) {
      for (const key of OVERRIDE_NAMES) {
        if (o[key] === undefined || key === "trainLimit" || key === "testLimit") continue;
        if (!overrides.includes(key)) {
          throw new UsageError(`Cannot plan ${def.name}: it takes no '${key}' override`);
        }
      }
      positiveInt(def.name, "epochs", o.epochs);
      positiveInt(def.name, "trainLimit", o.trainLimit);
      positiveInt(def.name, "testLimit", o.testLimit);
      const config = def.config(preset);
      def.apply?.(config, o);
      const limits = { ...def.limits.get(config) };
      if (o.trainLimit !== undefined) limits.trainLimit = o.trainLimit;
      if (o.testLimit !== undefined) limits.testLimit = o.testLimit;
      def.limits.set(config, limits);
      const create = () => def.create(structuredClone(config));
      // Construction is cheap (no network is built before fit): read the name results carry
      // (e.g. cae-ocsvm-fair for a fair-selection preset) and the hyperparameters.
      const { detector } = create();
      const expected = def.expected ? def.expected(config) : detector.hyperparameters;
      const method = detector.name;
      detector.dispose();
      const { imageSize } = config as { imageSize?: number };
      return {
        method,
        preset,
        ...limits,
        ...(imageSize !== undefined ? { imageSize } : {}),
        expected: asStored(expected),
        create,
      };
    },
  };
}

/** A detector that picks its hyperparameters by test labels (the paper's OC-SVM grids). */
interface TestSelecting {
  needsTestSelection: boolean;
  selectByTest(x: Images, isNormal: ArrayLike<number>): Promise<unknown>;
}

/** The `afterFit` hook of a detector with hindsight selection, or none. */
function withHindsight(detector: Detector): MethodInstance {
  const d = detector as Partial<TestSelecting>;
  if (d.needsTestSelection !== true || typeof d.selectByTest !== "function") return { detector };
  return {
    detector,
    afterFit: async (_, data) => {
      await d.selectByTest!(data.test, data.testLabels);
    },
  };
}

function presetCheck(method: string, presets: readonly string[], preset: string): void {
  if (!presets.includes(preset)) {
    throw new UsageError(
      `Cannot plan ${method}: unknown preset '${preset}' (choose from ${presets.join(", ")})`,
    );
  }
}

/** Data limits stored as `trainLimit` / `testLimit` fields of the config itself. */
const FIELD_LIMITS = {
  get: (c: { trainLimit?: number; testLimit?: number }) => ({
    trainLimit: c.trainLimit,
    testLimit: c.testLimit,
  }),
  set: (
    c: { trainLimit?: number; testLimit?: number },
    l: { trainLimit?: number; testLimit?: number },
  ) => {
    if (l.trainLimit === undefined) delete c.trainLimit;
    else c.trainLimit = l.trainLimit;
    if (l.testLimit === undefined) delete c.testLimit;
    else c.testLimit = l.testLimit;
  },
};

/** GEOM's preset config plus the score variants a run asks for (none: all four). */
type GeomPlanConfig = GeomConfig & { scores?: GeomScoreName[] };

const geom = defineMethod<GeomPlanConfig>({
  name: "geom",
  title: "GEOM",
  description: "Golan & El-Yaniv 2018: classify geometric transformations (Dirichlet score)",
  presets: GEOM_PRESETS,
  primaryScore: "dirichlet",
  overrides: ["transforms", "epochs", "model", "scores"],
  config: (preset) => geomPreset(preset),
  apply(c, o) {
    if (o.transforms !== undefined) {
      getTransformSet(o.transforms, { height: 32, width: 32 }); // validates the name
      c.transforms = o.transforms;
    }
    if (o.model !== undefined) {
      if (!/^wrn-\d+-\d+$/.test(o.model) && !(MODEL_NAMES as readonly string[]).includes(o.model)) {
        throw new UsageError(
          `Cannot plan geom: unknown model '${o.model}' (choose from ${MODEL_NAMES.join(", ")})`,
        );
      }
      c.model = o.model;
    }
    if (o.epochs !== undefined) c.epochs = o.epochs;
    if (o.scores !== undefined) c.scores = parseGeomScores(o.scores);
  },
  limits: FIELD_LIMITS,
  // What GeomDetector records after fit: epochs resolved for the set's size (and the score
  // variants, when a run names them).
  expected: ({ scores, ...c }) => ({
    ...c,
    epochs: resolveEpochs(c.epochs, getTransformSet(c.transforms, { height: 32, width: 32 }).size),
    ...(scores ? { scores } : {}),
  }),
  create: ({ scores, ...config }) => ({ detector: new GeomDetector({ config, scores }) }),
});

/** Checks a `model` override (a network `buildModel` knows). */
function checkModelName(method: string, model: string): void {
  if (!/^wrn-\d+-\d+$/.test(model) && !(MODEL_NAMES as readonly string[]).includes(model)) {
    throw new UsageError(
      `Cannot plan ${method}: unknown model '${model}' (choose from ${MODEL_NAMES.join(", ")})`,
    );
  }
}

// GEOM's family beyond GEOM (docs/protocol.md, "GOAD" and "Rotation + translation heads").
const goad = defineMethod<GoadConfig & { scores?: GoadScoreName[] }>({
  name: "goad",
  title: "GOAD",
  description: "Bergman & Hoshen 2020: transformation classifier + triplet-centre features",
  presets: GOAD_PRESETS,
  primaryScore: "goad",
  overrides: ["transforms", "epochs", "model", "scores"],
  config: (preset) => goadPreset(preset),
  apply(c, o) {
    if (o.transforms !== undefined) {
      getTransformSet(o.transforms, { height: 32, width: 32 }); // validates the name
      c.transforms = o.transforms;
    }
    if (o.model !== undefined) checkModelName("goad", o.model), c.model = o.model;
    if (o.epochs !== undefined) c.epochs = o.epochs;
    if (o.scores !== undefined) c.scores = parseGoadScores(o.scores);
  },
  limits: FIELD_LIMITS,
  create: ({ scores, ...config }) => ({ detector: new GoadDetector({ config, scores }) }),
});

const rotTrans = defineMethod<RotTransConfig & { scores?: RotTransScoreName[] }>({
  name: "rot-trans",
  title: "RotNet+Trans",
  description: "Hendrycks et al. 2019: rotation, row- and column-shift heads on one network",
  presets: ROT_TRANS_PRESETS,
  primaryScore: "heads",
  overrides: ["epochs", "model", "scores"],
  config: (preset) => rotTransPreset(preset),
  apply(c, o) {
    if (o.model !== undefined) checkModelName("rot-trans", o.model), c.model = o.model;
    if (o.epochs !== undefined) c.epochs = o.epochs;
    if (o.scores !== undefined) c.scores = parseRotTransScores(o.scores);
  },
  limits: FIELD_LIMITS,
  create: ({ scores, ...config }) => ({ detector: new RotTransDetector({ config, scores }) }),
});

/** RAW-OC-SVM data sizes per preset (the SVM itself has no training schedule). */
interface RawOcsvmConfig {
  selection: "paper" | "fair";
  nus?: number[];
  gammas?: number[];
  trainLimit?: number;
  testLimit?: number;
}

const RAW_OCSVM_PRESETS: Record<string, Omit<RawOcsvmConfig, "selection">> = {
  paper: {},
  // Same data subsets as GEOM's quick preset, so the two compare on equal terms.
  quick: { trainLimit: 1000, testLimit: 2000 },
  smoke: { trainLimit: 64, testLimit: 100, nus: [0.1, 0.5], gammas: [2 ** -7, 2 ** -3] },
};

function rawOcsvm(selection: "paper" | "fair") {
  const name = selection === "paper" ? "raw-ocsvm" : "raw-ocsvm-fair";
  return defineMethod<RawOcsvmConfig>({
    name,
    title: selection === "paper" ? "RAW-OC-SVM" : "RAW-OC-SVM (fair)",
    description: selection === "paper"
      ? "RBF one-class SVM on pixels; nu x gamma grid chosen by TEST AUROC (the paper's hindsight)"
      : "RBF one-class SVM on pixels; fixed nu 0.1, gamma 'scale' (no test labels)",
    presets: Object.keys(RAW_OCSVM_PRESETS),
    config(preset) {
      presetCheck(name, Object.keys(RAW_OCSVM_PRESETS), preset);
      const p = structuredClone(RAW_OCSVM_PRESETS[preset]!);
      if (selection === "fair") delete p.nus, delete p.gammas;
      return { selection, ...p };
    },
    limits: FIELD_LIMITS,
    create(c) {
      const options: OcsvmDetectorOptions = { selection: c.selection, name };
      if (c.nus) options.nus = c.nus;
      if (c.gammas) options.gammas = c.gammas;
      return withHindsight(new OcsvmDetector(options));
    },
  });
}

function baseline<M extends BaselineMethod>(
  name: M,
  title: string,
  description: string,
  build: (config: BaselineConfigs[M]) => Detector,
): MethodEntry {
  return defineMethod<BaselineConfigs[M]>({
    name,
    title,
    description,
    presets: BASELINE_PRESETS,
    config: (preset) => baselinePreset(name, preset),
    limits: FIELD_LIMITS,
    create: (config) => withHindsight(build(config)),
  });
}

/** Every registered method, in table order. */
export const METHODS: readonly MethodEntry[] = [
  geom,
  rawOcsvm("paper"),
  rawOcsvm("fair"),
  baseline(
    "cae-ocsvm",
    "CAE-OC-SVM",
    "conv autoencoder codes + RBF one-class SVM (paper preset: grid chosen by TEST AUROC)",
    (c) => new CaeOcsvmDetector(c),
  ),
  baseline(
    "dsebm",
    "DSEBM",
    "deep structured energy model (energy score)",
    (c) => new DsebmDetector(c),
  ),
  baseline(
    "dagmm",
    "DAGMM",
    "deep autoencoding Gaussian mixture model (energy score)",
    (c) => new DagmmDetector(c),
  ),
  baseline(
    "adgan",
    "ADGAN",
    "WGAN-GP; score = reconstruction error after a latent search",
    (c) => new AdganDetector(c),
  ),
  baseline(
    "deep-svdd",
    "Deep SVDD",
    "one-class Deep SVDD (the paper's E2E-OC-SVM column)",
    (c) => new DeepSvddDetector(c),
  ),
  goad,
  rotTrans,
];

/** Registered method names, in table order. */
export function methodNames(): string[] {
  return METHODS.map((m) => m.name);
}

/** The entry of `name`. Unknown name -> UsageError listing the methods. */
export function getMethod(name: string): MethodEntry {
  const m = METHODS.find((e) => e.name === name);
  if (!m) {
    throw new UsageError(`unknown method '${name}' (choose from ${methodNames().join(", ")})`);
  }
  return m;
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
  if (requested !== run.dataset) return `dataset ${requested} is not ${run.dataset}`;
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
  const hp = result.hyperparameters ?? {};
  for (const [key, want] of Object.entries(plan.expected)) {
    if (!isDeepStrictEqual(hp[key], want)) {
      return `${key} ${JSON.stringify(hp[key])} is not ${JSON.stringify(want)}`;
    }
  }
  return undefined;
}

/**
 * Whether a stored result answers a precision request: `fp32` and `bf16` need a run that
 * computed in that precision; `auto` takes a run that also asked for `auto` (the child resolved
 * it on this machine). Records from before precisions existed count as `auto` resolved to fp32.
 */
export function precisionMismatch(
  result: RunResult,
  request: PrecisionRequest,
): string | undefined {
  const got = result.backend?.precision ?? "fp32";
  const asked = result.backend?.precisionRequested ?? "auto";
  if (request === "auto") {
    return asked === "auto" ? undefined : `precision ${asked} was requested, not auto`;
  }
  return got === request ? undefined : `precision ${got} is not ${request}`;
}
