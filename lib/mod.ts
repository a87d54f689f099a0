/**
 * geomad: anomaly detection with geometric transformations (GEOM) and its baselines.
 *
 * The public entry point that notebooks and tasks import as `geomad`.
 * @module
 */
export * from "./util/mod.ts";
export * from "./backend/mod.ts";
export * from "./data/mod.ts";
export * from "./detectors/mod.ts";
export * from "./metrics/mod.ts";
export * from "./scores/mod.ts";
export * from "./transforms/mod.ts";
export * from "./plots/mod.ts";
export * from "./display/mod.ts";
export * from "./report/mod.ts";
export * from "./svm/mod.ts";
export * from "./models/mod.ts";
export * from "./train/mod.ts";
export * from "./experiments/mod.ts";
export { NATIVE_BACKEND, nativeBackendInfo, registerNativeBackend } from "./backend/native/mod.ts";
