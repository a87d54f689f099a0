import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { Rng } from "../../util/rng.ts";
import {
  cholesky,
  estimateGmm,
  gaussianLogDensities,
  gmmEnergy,
  inverseDiagonalSum,
} from "./gmm.ts";
import { useCpu } from "../../backend/testing.ts";

function close(a: number, b: number, tol: number, what: string): void {
  assert.ok(Math.abs(a - b) <= tol * (1 + Math.abs(b)), `${what}: ${a} vs ${b}`);
}

/** A random symmetric positive-definite d x d matrix A A^T + d I (float64). */
function spd(d: number, rng: Rng): number[][] {
  const a = Array.from({ length: d }, () => Array.from({ length: d }, () => rng.normal()));
  return a.map((r, i) =>
    r.map((_, j) => a[i]!.reduce((s, v, k) => s + v * a[j]![k]!, 0) + (i === j ? d : 0))
  );
}

/** Log N(z; mu, S) in float64 by Gaussian elimination. */
function logDensity(z: number[], mu: number[], s: number[][]): number {
  const d = z.length;
  const m = s.map((r, i) => [...r, z[i]! - mu[i]!]);
  let logDet = 0;
  for (let i = 0; i < d; i++) {
    logDet += Math.log(m[i]![i]!);
    for (let j = i + 1; j < d; j++) {
      const f = m[j]![i]! / m[i]![i]!;
      for (let k = i; k <= d; k++) m[j]![k]! -= f * m[i]![k]!;
    }
  }
  const y = new Array<number>(d).fill(0);
  for (let i = d - 1; i >= 0; i--) {
    let v = m[i]![d]!;
    for (let k = i + 1; k < d; k++) v -= m[i]![k]! * y[k]!;
    y[i] = v / m[i]![i]!;
  }
  const maha = y.reduce((acc, v, i) => acc + v * (z[i]! - mu[i]!), 0);
  return -0.5 * (maha + logDet + d * Math.log(2 * Math.PI));
}

Deno.test("cholesky() factors SPD matrices: L L^T = A, L lower triangular", async () => {
  await useCpu();
  const rng = new Rng(1);
  const mats = [spd(7, rng), spd(7, rng)];
  const l = cholesky(tf.tensor3d(mats));
  const back = l.matMul(l.transpose([0, 2, 1])).arraySync() as number[][][];
  const la = l.arraySync() as number[][][];
  for (let k = 0; k < 2; k++) {
    for (let i = 0; i < 7; i++) {
      for (let j = 0; j < 7; j++) {
        close(back[k]![i]![j]!, mats[k]![i]![j]!, 1e-4, `A[${k}][${i}][${j}]`);
        if (j > i) assert.equal(la[k]![i]![j], 0);
      }
    }
  }
  tf.dispose(l);
});

Deno.test("gaussianLogDensities() matches float64 Gaussian log-densities", async () => {
  await useCpu();
  const rng = new Rng(2);
  const d = 4, n = 5;
  const s = [spd(d, rng), spd(d, rng)];
  const mu = [0, 1].map(() => Array.from({ length: d }, () => rng.normal()));
  const z = Array.from({ length: n }, () => Array.from({ length: d }, () => 2 * rng.normal()));
  const got = tf.tidy(() =>
    gaussianLogDensities(tf.tensor2d(z), tf.tensor2d(mu), cholesky(tf.tensor3d(s)))
  ).arraySync();
  for (let k = 0; k < 2; k++) {
    for (let i = 0; i < n; i++) close(got[k]![i]!, logDensity(z[i]!, mu[k]!, s[k]!), 1e-4, "log N");
  }
});

Deno.test("estimateGmm() with hard memberships gives per-cluster weights, means, covariances", async () => {
  await useCpu();
  const z = [[0, 0], [2, 0], [10, 10], [10, 14]];
  const gamma = [[1, 0], [1, 0], [0, 1], [0, 1]];
  const p = estimateGmm(tf.tensor2d(z), tf.tensor2d(gamma), 0.5);
  assert.deepEqual(Array.from(p.phi.dataSync()), [0.5, 0.5]);
  assert.deepEqual(p.mu.arraySync(), [[1, 0], [10, 12]]);
  assert.deepEqual(p.sigma.arraySync(), [[[1.5, 0], [0, 0.5]], [[0.5, 0], [0, 4.5]]]);
  close(inverseDiagonalSum(p.sigma).dataSync()[0]!, 1 / 1.5 + 2 + 2 + 1 / 4.5, 1e-6, "penalty");
  tf.dispose([p.phi, p.mu, p.sigma]);
});

Deno.test("gmmEnergy() is -log(sum phi N + K eps), finite with gradients for identical z", async () => {
  await useCpu();
  const rng = new Rng(3);
  const d = 3;
  const s = [spd(d, rng), spd(d, rng)];
  const mu = [[0, 0, 0], [3, 3, 3]];
  const phi = [0.3, 0.7];
  const z = [[0.5, -0.2, 0.1], [30, 30, 30]];
  const params = { phi: tf.tensor1d(phi), mu: tf.tensor2d(mu), sigma: tf.tensor3d(s) };
  const eps = 1e-7;
  const e = gmmEnergy(tf.tensor2d(z), params, eps).arraySync();
  z.forEach((zi, i) => {
    const dens = phi.reduce((acc, p, k) => acc + p * Math.exp(logDensity(zi, mu[k]!, s[k]!)), 0);
    close(e[i]!, -Math.log(dens + 2 * eps), 1e-4, `energy ${i}`);
  });
  // Far outlier: capped by eps, as the official code; without eps it keeps growing.
  close(e[1]!, -Math.log(2 * eps), 1e-4, "capped");
  const free = gmmEnergy(tf.tensor2d(z), params, 0).arraySync();
  assert.ok(free[1]! > 100 && Number.isFinite(free[1]!));
  // Degenerate: identical features -> covariance = jitter * I; energy and gradients finite.
  const same = tf.tensor2d(Array.from({ length: 6 }, () => [1, 2, 3]));
  const g = tf.grad((zz: tf.Tensor) => {
    const gm = estimateGmm(zz as tf.Tensor2D, tf.fill([6, 2], 0.5) as tf.Tensor2D, 1e-3);
    return gmmEnergy(zz as tf.Tensor2D, gm, 1e-7).mean().add(inverseDiagonalSum(gm.sigma));
  })(same);
  assert.ok(Array.from(g.dataSync()).every(Number.isFinite));
});
