/**
 * Compute backend selection and geomad's replacement kernels.
 * @module
 */
export * from "./select.ts";
