/**
 * Geometric + non-geometric product set: rotations x Gaussian noise levels.
 * @module
 */
import { defineSet, fmtParam, perImage } from "./define.ts";
import { rot4 } from "./geometric.ts";
import { addNoise } from "./noise.ts";
import type { ImageShape, TransformSet } from "./types.ts";

/** Default noise sigmas of the mix (index 0 = no noise). */
export const ROT4_NOISE_SIGMAS: readonly number[] = [0, 0.1, 0.2, 0.4];

/** Options for {@linkcode rot4NoiseSet}. */
export interface Rot4NoiseSetOptions extends ImageShape {
  /** Noise sigma per noise index; default {@linkcode ROT4_NOISE_SIGMAS}. */
  sigmas?: readonly number[];
  /** Clip the result to [-1, 1] (default true). */
  clip?: boolean;
}

/**
 * rot4 x noise: index = 4 * noiseIdx + k; image rotated by k*90 degrees counter-clockwise, then
 * Gaussian noise of sigma `sigmas[noiseIdx]` added (seeded, like {@linkcode noiseSet}).
 * Labels `rot=<deg> noise=<sigma>`. Needs square images.
 */
export function rot4NoiseSet(options: Rot4NoiseSetOptions): TransformSet {
  const { height, width, sigmas = ROT4_NOISE_SIGMAS, clip = true } = options;
  const rot = rot4({ height, width });
  const labels: string[] = [];
  const sigmaOf: number[] = [];
  for (const s of sigmas) {
    for (let k = 0; k < 4; k++) {
      labels.push(`rot=${90 * k} noise=${fmtParam(s)}`);
      sigmaOf.push(s);
    }
  }
  return defineSet({
    name: "rot4-noise",
    kind: "mixed",
    stochastic: true,
    labels,
    height,
    width,
    run: (x, t, o) => {
      const k = Int32Array.from(t, (v) => v % 4);
      return addNoise(rot.apply(x, k), perImage(sigmaOf, t), { seed: o.seed!, clip });
    },
  });
}
