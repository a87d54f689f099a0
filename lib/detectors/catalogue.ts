/**
 * The method catalogue: every method by its CLI name, with its presets beside it, from a preset
 * name (plus optional overrides, lib/detectors/overrides.ts) to a plan that builds the detector.
 * `deno task run`, the ablation and the comparison all go through here; adding a method is one
 * entry in {@linkcode METHODS} (see lib/experiments/toy_detector_test.ts, which adds one). Whether
 * a stored result is a plan's run is decided with the results code (lib/experiments/reuse.ts), from
 * the plan's `expected` hyperparameters, which are read off the detector the plan builds.
 *
 * ```ts
 * import { getMethod } from "geomad/detectors/catalogue.ts";
 * const plan = getMethod("geom").plan("smoke", { transforms: "flip-rot8" });
 * const detector = plan.create();
 * ```
 * @module
 */
import { MODEL_NAMES } from "../models/build.ts";
import { getTransformSet } from "../transforms/registry.ts";
import { UsageError } from "../util/errors.ts";
import {
  BASELINE_PRESETS,
  type BaselineConfigs,
  type BaselineMethod,
  baselinePreset,
} from "./baseline_presets.ts";
import type { Detector } from "./detector.ts";
import { AdganDetector } from "./adgan.ts";
import { CaeOcsvmDetector } from "./cae_ocsvm.ts";
import { DagmmDetector } from "./dagmm.ts";
import { DeepSvddDetector } from "./deep_svdd.ts";
import { DsebmDetector } from "./dsebm.ts";
import { GeomDetector, type GeomScoreName, parseGeomScores } from "./geom.ts";
import { GEOM_PRESETS, type GeomConfig, geomPreset } from "./geom_presets.ts";
import { GoadDetector, type GoadScoreName, parseGoadScores } from "./goad.ts";
import { GOAD_PRESETS, type GoadConfig, goadPreset } from "./goad_presets.ts";
import type { Gamma } from "../svm/kernel.ts";
import { OcsvmDetector, type OcsvmDetectorOptions, PAPER_GAMMAS, PAPER_NUS } from "./ocsvm.ts";
import { type MethodOverrides, OVERRIDE_NAMES, type OverrideName } from "./overrides.ts";
import { parseRotTransScores, RotTransDetector, type RotTransScoreName } from "./rot_trans.ts";
import { ROT_TRANS_PRESETS, type RotTransConfig, rotTransPreset } from "./rot_trans_presets.ts";

export { type MethodOverrides, OVERRIDE_NAMES, type OverrideName };

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
   * this run: the built detector's `hyperparameters` at every key the preset's config sets
   * (plus the overrides). Data limits are checked separately against `result.data`.
   */
  expected: Record<string, unknown>;
  /** Builds a fresh, unfitted detector (hindsight selection: see `selectsByTestLabels`). */
  create(): Detector;
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
  /**
   * The run checkpoints its training and scoring and resumes after a kill (`FitOptions.checkpoint`:
   * GEOM's family); the others start again.
   */
  resumable: boolean;
  /**
   * The method this one varies, training the same networks (e.g. `cae-ocsvm` for
   * `cae-ocsvm-fair`): `compare` leaves it out of its default list.
   */
  variantOf?: string;
  /** The plan for `preset` plus `overrides`. Throws UsageError for a bad preset or override. */
  plan(preset: string, overrides?: MethodOverrides): MethodPlan;
}

/** What {@linkcode defineMethod} needs: a typed config per preset and how to build from it. */
export interface MethodDefinition<C> {
  name: string;
  title: string;
  description: string;
  presets: readonly string[];
  primaryScore?: string;
  /** Overrides accepted besides `trainLimit` / `testLimit` (applied by `apply`). */
  overrides?: readonly OverrideName[];
  /** The detector uses `FitOptions.checkpoint` (default false). */
  resumable?: boolean;
  /** See {@linkcode MethodEntry.variantOf}. */
  variantOf?: string;
  /** A fresh config of a preset (throws UsageError for an unknown one). */
  config(preset: string): C;
  /** Applies the overrides the method accepts; data limits are applied through `limits`. */
  apply?(config: C, overrides: MethodOverrides): void;
  /** Reads and writes the config's data limits. */
  limits: {
    get(config: C): { trainLimit?: number; testLimit?: number };
    set(config: C, l: { trainLimit?: number; testLimit?: number }): void;
  };
  /** A fresh, unfitted detector of `config` (cheap: no network is built before fit). */
  create(config: C): Detector;
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

/**
 * What a stored result must hold to be the run of `config`: the detector's own
 * hyperparameters at each key the config sets (a value the detector derives, such as GEOM's
 * epochs for "paper", is read off the detector, never recomputed here).
 */
function expectedOf(config: object, detector: Detector): Record<string, unknown> {
  const hp = detector.hyperparameters;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(config)) if (key in hp) out[key] = hp[key];
  return asStored(out);
}

/** A catalogue entry from a typed definition (exported for tests and extensions). */
export function defineMethod<C extends object>(def: MethodDefinition<C>): MethodEntry {
  const overrides = def.overrides ?? [];
  return {
    name: def.name,
    title: def.title,
    description: def.description,
    presets: def.presets,
    primaryScore: def.primaryScore ?? def.name,
    overrides,
    resumable: def.resumable ?? false,
    ...(def.variantOf ? { variantOf: def.variantOf } : {}),
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
      const detector = create();
      const expected = expectedOf(config, detector);
      const method = detector.name;
      detector.dispose();
      const { imageSize } = config as { imageSize?: number };
      return {
        method,
        preset,
        ...limits,
        ...(imageSize !== undefined ? { imageSize } : {}),
        expected,
        create,
      };
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

/** Checks a `model` override (a network `buildModel` knows). */
function checkModelName(method: string, model: string): void {
  if (!/^wrn-\d+-\d+$/.test(model) && !(MODEL_NAMES as readonly string[]).includes(model)) {
    throw new UsageError(
      `Cannot plan ${method}: unknown model '${model}' (choose from ${MODEL_NAMES.join(", ")})`,
    );
  }
}

/** GEOM's preset config plus the score variants a run asks for (none: all four). */
type GeomPlanConfig = GeomConfig & { scores?: GeomScoreName[] };

const geom = defineMethod<GeomPlanConfig>({
  name: "geom",
  resumable: true,
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
    if (o.model !== undefined) checkModelName("geom", o.model), c.model = o.model;
    if (o.epochs !== undefined) c.epochs = o.epochs;
    if (o.scores !== undefined) c.scores = parseGeomScores(o.scores);
  },
  limits: FIELD_LIMITS,
  create: ({ scores, ...config }) => new GeomDetector({ config, scores }),
});

// GEOM's family beyond GEOM (docs/protocol.md, "GOAD" and "Rotation + translation heads").
const goad = defineMethod<GoadConfig & { scores?: GoadScoreName[] }>({
  name: "goad",
  resumable: true,
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
  create: ({ scores, ...config }) => new GoadDetector({ config, scores }),
});

const rotTrans = defineMethod<RotTransConfig & { scores?: RotTransScoreName[] }>({
  name: "rot-trans",
  resumable: true,
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
  create: ({ scores, ...config }) => new RotTransDetector({ config, scores }),
});

/** RAW-OC-SVM data sizes per preset (the SVM itself has no training schedule). */
interface RawOcsvmConfig {
  selection: "paper" | "fair";
  /** `paper`: the grid searched by test AUROC. */
  nus?: number[];
  gammas?: number[];
  /** `fair`: the one model. */
  nu?: number;
  gamma?: Gamma;
  trainLimit?: number;
  testLimit?: number;
}

/** The preset's data sizes and grid (`paper` selection); `fair` uses {@linkcode FAIR_OCSVM}. */
const RAW_OCSVM_PRESETS: Record<string, Omit<RawOcsvmConfig, "selection">> = {
  paper: { nus: [...PAPER_NUS], gammas: [...PAPER_GAMMAS] },
  // Same data subsets as GEOM's quick preset, so the two compare on equal terms.
  quick: { trainLimit: 1000, testLimit: 2000, nus: [...PAPER_NUS], gammas: [...PAPER_GAMMAS] },
  smoke: { trainLimit: 64, testLimit: 100, nus: [0.1, 0.5], gammas: [2 ** -7, 2 ** -3] },
};

/** The fair variant's fixed model (scikit-learn's defaults but nu). */
const FAIR_OCSVM = { nu: 0.1, gamma: "scale" } as const;

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
      const { nus, gammas, ...p } = structuredClone(RAW_OCSVM_PRESETS[preset]!);
      return selection === "fair"
        ? { selection, ...FAIR_OCSVM, ...p }
        : { selection, nus: nus!, gammas: gammas!, ...p };
    },
    limits: FIELD_LIMITS,
    create: ({ trainLimit: _t, testLimit: _l, ...c }): Detector =>
      new OcsvmDetector({ ...c, name } satisfies OcsvmDetectorOptions),
  });
}

/**
 * A baseline's catalogue entry; `variant` makes another method of the same presets (its name
 * `<baseline><suffix>`, its config adjusted), e.g. the fair-selection CAE-OC-SVM.
 */
function baseline<M extends BaselineMethod>(
  method: M,
  title: string,
  description: string,
  build: (config: BaselineConfigs[M]) => Detector,
  variant: { suffix: string; adjust: (config: BaselineConfigs[M]) => void } | undefined = undefined,
): MethodEntry {
  return defineMethod<BaselineConfigs[M]>({
    name: method + (variant?.suffix ?? ""),
    ...(variant ? { variantOf: method } : {}),
    title,
    description,
    presets: BASELINE_PRESETS,
    config: (preset) => {
      const config = baselinePreset(method, preset);
      variant?.adjust(config);
      return config;
    },
    limits: FIELD_LIMITS,
    create: build,
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
    "cae-ocsvm",
    "CAE-OC-SVM (fair)",
    "conv autoencoder codes + RBF one-class SVM; fixed nu 0.1, gamma 'scale' (no test labels)",
    (c) => new CaeOcsvmDetector(c),
    { suffix: "-fair", adjust: (c) => (c.selection = "fair") },
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
