/**
 * Per-channel pixel statistics of a raw image set: the check that a dataset was read right
 * (channel order, scaling, a decoder's colour handling) against the figures published for it.
 * @module
 */
import type { RawImageSet } from "./types.ts";

/** Mean and standard deviation of one channel, as fractions of 255. */
export interface ChannelStats {
  mean: number;
  std: number;
}

/**
 * The mean and (population) standard deviation of each channel over every pixel of `set`, in
 * units of 255 (so CIFAR-10's training split gives R, G, B means near 0.49, 0.48, 0.45).
 * An empty set gives NaN.
 */
export function channelStats(set: RawImageSet): ChannelStats[] {
  const c = set.channels, px = set.images;
  const sum = new Float64Array(c), sq = new Float64Array(c);
  for (let i = 0; i < px.length; i += c) {
    for (let k = 0; k < c; k++) {
      const v = px[i + k]!;
      sum[k] = sum[k]! + v;
      sq[k] = sq[k]! + v * v;
    }
  }
  const count = px.length / c;
  return Array.from(sum, (s, k) => {
    const mean = s / count;
    return { mean: mean / 255, std: Math.sqrt(Math.max(0, sq[k]! / count - mean * mean)) / 255 };
  });
}

/** `channelStats` as one line: `mean 0.4913 0.4821 0.4465  std 0.2452 0.2428 0.2606`. */
export function channelStatsLine(stats: ChannelStats[]): string {
  const f = (v: number) => v.toFixed(4);
  return `mean ${stats.map((s) => f(s.mean)).join(" ")}  std ${
    stats.map((s) => f(s.std)).join(" ")
  }`;
}
