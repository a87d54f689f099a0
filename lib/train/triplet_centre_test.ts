import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { initBackend } from "../backend/select.ts";
import { Rng } from "../util/rng.ts";
import { goadLoss, tripletCentreLoss } from "./triplet_centre.ts";

await initBackend("cpu");

Deno.test("tripletCentreLoss matches a hand-computed case", () => {
  // 2 images x 2 transformations, 1-d features, image-major rows:
  // image 0: t0 = 0, t1 = 2; image 1: t0 = 1, t1 = 4. Centres c0 = 0.5, c1 = 3.
  // pos / neg per row: (0.25, 9), (1, 2.25), (0.25, 4), (1, 12.25).
  // margin 2: relu(pos + 2 - neg) = 0, 0.75, 0, 0 -> mean 0.1875.
  const z = tf.tensor2d([[0], [2], [1], [4]]);
  assert.ok(Math.abs(tripletCentreLoss(z, 2, 2).dataSync()[0]! - 0.1875) < 1e-6);
  // margin 1: every term is negative -> 0.
  assert.equal(tripletCentreLoss(z, 2, 1).dataSync()[0], 0);
  // margin 5: 0 + 3.75 + 1.25 + 0 -> 5 / 4.
  assert.ok(Math.abs(tripletCentreLoss(z, 2, 5).dataSync()[0]! - 1.25) < 1e-6);
  z.dispose();
});

/** The loss written as plain loops, for random cases. */
function reference(z: number[][], T: number, m: number): number {
  const b = z.length / T, d = z[0]!.length;
  const c = Array.from({ length: T }, (_, t) =>
    Array.from({ length: d }, (_, k) => {
      let s = 0;
      for (let i = 0; i < b; i++) s += z[i * T + t]![k]!;
      return s / b;
    }));
  const dist = (u: number[], v: number[]) => u.reduce((s, x, k) => s + (x - v[k]!) ** 2, 0);
  let sum = 0;
  for (let i = 0; i < b; i++) {
    for (let t = 0; t < T; t++) {
      const row = z[i * T + t]!;
      let neg = Infinity;
      for (let j = 0; j < T; j++) if (j !== t) neg = Math.min(neg, dist(row, c[j]!));
      sum += Math.max(0, dist(row, c[t]!) + m - neg);
    }
  }
  return sum / (b * T);
}

Deno.test("tripletCentreLoss equals the loop reference and its gradient finite differences", () => {
  const rng = new Rng(5);
  const T = 3, b = 4, d = 2, m = 1.5;
  const z = Array.from({ length: b * T }, () => [rng.next() * 2 - 1, rng.next() * 2 - 1]);
  const zt = tf.tensor2d(z);
  const got = tripletCentreLoss(zt, T, m).dataSync()[0]!;
  assert.ok(Math.abs(got - reference(z, T, m)) < 1e-5, `${got} vs ${reference(z, T, m)}`);
  const g = tf.grad((x: tf.Tensor) => tripletCentreLoss(x, T, m))(zt).arraySync() as number[][];
  const h = 1e-4;
  for (let r = 0; r < b * T; r++) {
    for (let k = 0; k < d; k++) {
      const up = z.map((row) => [...row]), down = z.map((row) => [...row]);
      up[r]![k]! += h;
      down[r]![k]! -= h;
      const fd = (reference(up, T, m) - reference(down, T, m)) / (2 * h);
      assert.ok(Math.abs(fd - g[r]![k]!) < 1e-3, `d/dz[${r}][${k}]: ${g[r]![k]} vs ${fd}`);
    }
  }
  zt.dispose();
});

Deno.test("tripletCentreLoss refuses rows that are not whole images", () => {
  const z = tf.zeros([5, 2]);
  assert.throws(() => tripletCentreLoss(z, 2, 1), /whole images/);
  z.dispose();
});

Deno.test("goadLoss = CE + lambda x triplet-centre + penalty x mean(z^2)", () => {
  const z = tf.tensor2d([[0], [2], [1], [4]]);
  const probs = tf.tensor2d([[0.8, 0.2], [0.4, 0.6], [0.5, 0.5], [0.1, 0.9]]);
  const labels = tf.tensor1d([0, 1, 0, 1], "int32");
  const loss = goadLoss({ nTransforms: 2, margin: 2, lambda: 0.1, featurePenalty: 10 });
  const got = loss([z, probs], labels).dataSync()[0]!;
  const ce = -(Math.log(0.8) + Math.log(0.6) + Math.log(0.5) + Math.log(0.9)) / 4;
  const want = ce + 0.1 * 0.1875 + 10 * (0 + 4 + 1 + 16) / 4;
  assert.ok(Math.abs(got - want) < 1e-5, `${got} vs ${want}`);
  assert.throws(() => goadLoss({ nTransforms: 2, margin: -1, lambda: 0.1, featurePenalty: 10 }));
  tf.dispose([z, probs, labels]);
});
