/**
 * Seeded synthetic images for detector and model tests: a normal class (a bright disk) and a
 * clearly different anomaly class (vertical stripes).
 * @module
 */
import { Rng } from "../../util/rng.ts";
import type { Images } from "../types.ts";

/** Side of the synthetic test images. */
export const TEST_SIDE = 16;

/**
 * Seeded synthetic images in [-1, 1]: `normal` = a bright disk of random radius near the
 * centre on a dark background; `anomaly` = random vertical stripes. Both with N(0, 0.05) noise.
 */
export function syntheticImages(
  n: number,
  options: { kind: "normal" | "anomaly"; seed: number; side?: number },
): Images {
  const side = options.side ?? TEST_SIDE;
  const rng = new Rng(options.seed);
  const data = new Float32Array(n * side * side);
  for (let i = 0; i < n; i++) {
    const cx = side / 2 + (rng.next() - 0.5) * 2, cy = side / 2 + (rng.next() - 0.5) * 2;
    const r = side * (0.2 + 0.1 * rng.next());
    const period = 2 + rng.int(3);
    for (let y = 0; y < side; y++) {
      for (let x = 0; x < side; x++) {
        const v = options.kind === "normal"
          ? ((x - cx) ** 2 + (y - cy) ** 2 < r * r ? 0.8 : -0.8)
          : (Math.floor(x / period) % 2 === 0 ? 0.8 : -0.8);
        data[(i * side + y) * side + x] = Math.max(-1, Math.min(1, v + 0.05 * rng.normal()));
      }
    }
  }
  return { data, n, height: side, width: side, channels: 1 };
}

/** Normal and anomalous test images concatenated, with labels 1 = normal. */
export function syntheticTest(
  nEach: number,
  options: { seed: number; side?: number },
): { x: Images; labels: Uint8Array } {
  const { seed, side } = options;
  const a = syntheticImages(nEach, { kind: "normal", seed, side });
  const b = syntheticImages(nEach, { kind: "anomaly", seed: seed + 1, side });
  const data = new Float32Array(a.data.length + b.data.length);
  data.set(a.data);
  data.set(b.data, a.data.length);
  const labels = new Uint8Array(2 * nEach);
  labels.fill(1, 0, nEach);
  return { x: { ...a, data, n: 2 * nEach }, labels };
}
