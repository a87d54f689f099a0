/**
 * DAGMM's Gaussian mixture (Zong et al., ICLR 2018), as differentiable tfjs ops: mixture
 * parameters estimated from soft memberships, and the sample energy
 * E(z) = -log(sum_k (phi_k N(z; mu_k, Sigma_k) + eps)) computed stably through a Cholesky
 * factor (log-determinant and Mahalanobis distance by forward substitution, log-sum-exp over
 * components). tfjs has no Cholesky or matrix inverse, so both are written out over the (small)
 * feature dimension; gradients flow through every step.
 * @module
 */
import * as tf from "@tensorflow/tfjs";

/** Mixture parameters: phi [K], mu [K, D], sigma [K, D, D] (a type alias: `tf.tidy` can return it). */
export type GmmParams = {
  phi: tf.Tensor1D;
  mu: tf.Tensor2D;
  sigma: tf.Tensor3D;
};

/**
 * Estimates mixture parameters from features `z` [N, D] and memberships `gamma` [N, K]:
 * phi_k = mean_i gamma_ik, mu_k = sum_i gamma_ik z_i / sum_i gamma_ik, Sigma_k the
 * gamma-weighted covariance plus `jitter` on the diagonal (covariance regularisation; the
 * official code adds ~1e-3).
 */
export function estimateGmm(z: tf.Tensor2D, gamma: tf.Tensor2D, jitter: number): GmmParams {
  return tf.tidy(() => {
    const [n, d] = z.shape;
    const k = gamma.shape[1];
    const gsum = gamma.sum(0); // [K]
    const phi = gsum.div(n) as tf.Tensor1D;
    const mu = gamma.transpose().matMul(z).div(gsum.expandDims(1)) as tf.Tensor2D; // [K, D]
    const diff = z.expandDims(0).sub(mu.expandDims(1)); // [K, N, D]
    const weighted = diff.mul(gamma.transpose().expandDims(2)); // [K, N, D]
    const cov = weighted.transpose([0, 2, 1]).matMul(diff).div(gsum.reshape([k, 1, 1]));
    const sigma = cov.add(tf.eye(d).mul(jitter).expandDims(0)) as tf.Tensor3D;
    return { phi, mu, sigma };
  });
}

/**
 * Lower Cholesky factors of a batch of symmetric positive-definite matrices [K, D, D],
 * column by column. Pivots are floored at `floor` so round-off on a nearly singular matrix
 * cannot produce NaN.
 */
export function cholesky(a: tf.Tensor3D, floor = 1e-12): tf.Tensor3D {
  return tf.tidy(() => {
    const [k, d] = a.shape;
    const cols: tf.Tensor2D[] = []; // column j: [K, D], zero above row j
    for (let j = 0; j < d; j++) {
      let v = a.slice([0, 0, j], [k, d, 1]).reshape([k, d]) as tf.Tensor2D;
      if (j > 0) {
        const l = tf.stack(cols, 2); // [K, D, j]
        const rowJ = l.slice([0, j, 0], [k, 1, j]); // [K, 1, j]
        v = v.sub(l.mul(rowJ).sum(2));
      }
      const pivot = tf.maximum(v.slice([0, j], [k, 1]), floor).sqrt(); // [K, 1]
      const below = tf.tensor1d(Array.from({ length: d }, (_, i) => (i > j ? 1 : 0)));
      const onDiag = tf.oneHot(tf.tensor1d([j], "int32"), d).reshape([d]);
      cols.push(v.div(pivot).mul(below).add(pivot.mul(onDiag)) as tf.Tensor2D);
    }
    return tf.stack(cols, 2) as tf.Tensor3D;
  });
}

/**
 * Log-densities log N(z_i; mu_k, Sigma_k) for every component and sample: [K, N].
 */
export function gaussianLogDensities(z: tf.Tensor2D, mu: tf.Tensor2D, l: tf.Tensor3D): tf.Tensor2D {
  return tf.tidy(() => {
    const [k, d] = mu.shape;
    const r = z.expandDims(0).sub(mu.expandDims(1)); // [K, N, D]
    // Forward substitution L y = r, all components and samples at once.
    const ys: tf.Tensor[] = [];
    let maha: tf.Tensor = tf.zeros([k, z.shape[0]]);
    for (let i = 0; i < d; i++) {
      let num = r.slice([0, 0, i], [-1, -1, 1]).squeeze([2]); // [K, N]
      if (i > 0) {
        const y = tf.stack(ys, 2); // [K, N, i]
        const li = l.slice([0, i, 0], [k, 1, i]); // [K, 1, i]
        num = num.sub(y.mul(li).sum(2));
      }
      const yi = num.div(l.slice([0, i, i], [k, 1, 1]).reshape([k, 1]));
      ys.push(yi);
      maha = maha.add(yi.square());
    }
    const diag = tf.stack(
      Array.from({ length: d }, (_, i) => l.slice([0, i, i], [k, 1, 1]).reshape([k])),
      1,
    ); // [K, D]
    const logDet = diag.log().sum(1).mul(2); // [K]
    const norm = logDet.add(d * Math.log(2 * Math.PI)).mul(0.5).reshape([k, 1]);
    return maha.mul(-0.5).sub(norm) as tf.Tensor2D;
  });
}

/**
 * Sample energies [N]: -log(sum_k (phi_k N(z; mu_k, Sigma_k) + eps)) (the official code's
 * form, with Keras's epsilon per component), by log-sum-exp. `eps` 0 drops the floor.
 */
export function gmmEnergy(z: tf.Tensor2D, params: GmmParams, eps: number): tf.Tensor1D {
  return tf.tidy(() => {
    const k = params.phi.shape[0];
    const l = cholesky(params.sigma);
    const logPhi = tf.maximum(params.phi, 1e-30).log().reshape([k, 1]);
    let terms: tf.Tensor = gaussianLogDensities(z, params.mu, l).add(logPhi); // [K, N]
    if (eps > 0) {
      terms = terms.concat(tf.fill([1, z.shape[0]], Math.log(k * eps)), 0);
    }
    return tf.logSumExp(terms, 0).neg() as tf.Tensor1D;
  });
}

/** DAGMM's covariance penalty sum_k sum_d 1 / Sigma_k[d, d]. */
export function inverseDiagonalSum(sigma: tf.Tensor3D): tf.Scalar {
  return tf.tidy(() => {
    const d = sigma.shape[1];
    const eye = tf.eye(d).expandDims(0);
    return sigma.mul(eye).sum(2).reciprocal().sum() as tf.Scalar;
  });
}
