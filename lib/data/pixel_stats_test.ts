import assert from "node:assert/strict";
import { channelStats, channelStatsLine } from "./pixel_stats.ts";
import type { RawImageSet } from "./types.ts";

function set(images: number[], channels: number): RawImageSet {
  const n = images.length / channels;
  return {
    images: Uint8Array.from(images),
    labels: new Uint8Array(n),
    n,
    height: 1,
    width: 1,
    channels,
  };
}

Deno.test("channelStats separates the channels of NHWC pixels and scales by 255", () => {
  // Two RGB pixels: R = 0, 255; G = 51, 51; B = 255, 255.
  const stats = channelStats(set([0, 51, 255, 255, 51, 255], 3));
  assert.equal(stats.length, 3);
  assert.ok(Math.abs(stats[0]!.mean - 0.5) < 1e-12 && Math.abs(stats[0]!.std - 0.5) < 1e-12);
  assert.ok(Math.abs(stats[1]!.mean - 0.2) < 1e-12 && stats[1]!.std === 0);
  assert.deepEqual(stats[2], { mean: 1, std: 0 });
  assert.equal(channelStatsLine(stats), "mean 0.5000 0.2000 1.0000  std 0.5000 0.0000 0.0000");
});

Deno.test("channelStats of a grey set has one channel; an empty set gives NaN", () => {
  assert.deepEqual(channelStats(set([10, 20, 30, 40], 1)).map((s) => s.mean * 255), [25]);
  assert.ok(Number.isNaN(channelStats(set([], 3))[0]!.mean));
});
