/**
 * Small shared utilities: seeded RNG, progress bar, atomic writes, CLI plumbing, errors.
 * @module
 */
export * from "./rng.ts";
export * from "./progress.ts";
export * from "./atomic.ts";
export * from "./errors.ts";
export * from "./cli.ts";
