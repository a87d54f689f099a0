/**
 * The one-class SVM dual solved by SMO exactly as libsvm's `Solver` does it (Fan, Chen & Lin,
 * JMLR 2005): second-order working-set selection (WSS3), the same update with bound clipping,
 * the same shrinking heuristic and gradient reconstruction, the same stopping rule
 * (max violation < eps) and the same rho.
 *
 * Problem (Schölkopf et al. 2001, libsvm's scaling):
 *   min 0.5 a'Ka  s.t.  0 <= a_i <= 1,  sum a_i = nu * l
 * with decision values f(x) = sum a_i K(x_i, x) - rho.
 *
 * The kernel is a full precomputed l x l float32 matrix (libsvm's cache holds float32 too);
 * shrinking permutes indices through an index array instead of swapping cache rows, so the
 * working sets, and the result, follow libsvm's order.
 * @module
 */

/** libsvm's TAU: the curvature used when a pair's curvature is not positive. */
const TAU = 1e-12;
const LOWER = 0, UPPER = 1, FREE = 2;

/** Options for {@linkcode solveOneClass}. */
export interface SolveOneClassOptions {
  /** Upper bound on the fraction of outliers and lower bound on the fraction of SVs, in (0, 1]. */
  nu: number;
  /** Stopping tolerance on the maximal violation (libsvm `-e`, scikit-learn `tol`). Default 1e-3. */
  eps?: number;
  /** libsvm's shrinking heuristic (scikit-learn's default is on). Default true. */
  shrinking?: boolean;
  /** Iteration cap; default libsvm's max(10^7, 100 l). Reaching it sets `converged: false`. */
  maxIter?: number;
}

/** The solution of the dual, in the original sample order. */
export interface OneClassSolution {
  /** Dual coefficients, 0 <= alpha_i <= 1, sum = nu * l. */
  alpha: Float64Array;
  /** The offset: f(x) = sum alpha_i K(x_i, x) - rho. */
  rho: number;
  /** Dual objective 0.5 a'Ka. */
  obj: number;
  /** Gradient K a at the solution (so training decision values are `gradient - rho`). */
  gradient: Float64Array;
  /** SMO iterations. */
  iterations: number;
  /** False when `maxIter` stopped the solver before the tolerance was met. */
  converged: boolean;
  /** Support vectors (alpha > 0) and bounded ones (alpha = 1). */
  nSV: number;
  nBSV: number;
}

/**
 * Checks the options of {@linkcode solveOneClass}.
 * @throws {RangeError} for nu outside (0, 1], eps not > 0, or a bad maxIter.
 */
export function checkOneClassOptions(options: SolveOneClassOptions): void {
  const { nu, eps = 1e-3, maxIter } = options;
  if (typeof nu !== "number" || !(nu > 0 && nu <= 1)) {
    throw new RangeError(`Cannot fit one-class SVM: nu must be in (0, 1], got ${nu}`);
  }
  if (typeof eps !== "number" || !(eps > 0) || !Number.isFinite(eps)) {
    throw new RangeError(`Cannot fit one-class SVM: tolerance must be > 0, got ${eps}`);
  }
  if (maxIter !== undefined && !(Number.isInteger(maxIter) && maxIter > 0)) {
    throw new RangeError(
      `Cannot fit one-class SVM: maxIter must be an integer > 0, got ${maxIter}`,
    );
  }
}

/**
 * libsvm's initial feasible alpha: the first floor(nu l) at 1, the next at nu l - floor(nu l),
 * the rest 0. (Recent scikit-learn sums nu l times instead, which can differ in the last bit;
 * Debian's scikit-learn 1.2 matches this one: see the fixture test.)
 */
export function initialAlpha(l: number, nu: number): Float64Array {
  const alpha = new Float64Array(l);
  const n = Math.trunc(nu * l);
  for (let i = 0; i < n; i++) alpha[i] = 1;
  if (n < l) alpha[n] = nu * l - n;
  return alpha;
}

/**
 * Solves the one-class SVM dual for the kernel matrix `kernel` (row-major, symmetric, l x l,
 * unit diagonal for RBF). Pure JavaScript, deterministic.
 *
 * Degenerate data (all kernel entries equal, e.g. identical samples): every gradient is equal,
 * the first check finds no violating pair and the solver returns the initial alpha at once
 * (0 iterations), with rho equal to that common gradient. With nu = 1 every alpha is 1 and
 * rho = max_i (K alpha)_i (libsvm would return an infinite rho; see the note at the end).
 * @throws {RangeError} on bad options or a kernel whose length is not l^2.
 */
export function solveOneClass(
  kernel: Float32Array,
  options: SolveOneClassOptions,
): OneClassSolution {
  checkOneClassOptions(options);
  const l = Math.round(Math.sqrt(kernel.length));
  if (l < 1 || l * l !== kernel.length) {
    throw new RangeError(
      `Cannot fit one-class SVM: kernel has ${kernel.length} values, not a square matrix`,
    );
  }
  const eps = options.eps ?? 1e-3;
  const shrinking = options.shrinking ?? true;
  const maxIter = options.maxIter ?? Math.max(10_000_000, 100 * l);
  const K = kernel;

  // Position-indexed state (libsvm swaps these when shrinking); active[p] = original index.
  const alpha = initialAlpha(l, options.nu);
  const status = new Uint8Array(l);
  const active = new Int32Array(l);
  const G = new Float64Array(l);
  const Gbar = new Float64Array(l);
  const QD = new Float64Array(l);
  for (let i = 0; i < l; i++) {
    active[i] = i;
    QD[i] = K[i * l + i]!;
    status[i] = statusOf(alpha[i]!);
  }
  let activeSize = l;
  let unshrink = false;

  function statusOf(a: number): number {
    return a >= 1 ? UPPER : a <= 0 ? LOWER : FREE;
  }

  // Initial gradient G = K alpha (p = 0), and G_bar = sum over upper-bound alphas of C K_i.
  for (let i = 0; i < l; i++) {
    if (status[i] === LOWER) continue;
    const row = i * l, ai = alpha[i]!;
    for (let j = 0; j < l; j++) G[j]! += ai * K[row + j]!;
    if (status[i] === UPPER) { for (let j = 0; j < l; j++) Gbar[j]! += K[row + j]!; }
  }

  function swapIndex(i: number, j: number): void {
    let t = G[i]!;
    G[i] = G[j]!;
    G[j] = t;
    t = alpha[i]!;
    alpha[i] = alpha[j]!;
    alpha[j] = t;
    t = Gbar[i]!;
    Gbar[i] = Gbar[j]!;
    Gbar[j] = t;
    t = QD[i]!;
    QD[i] = QD[j]!;
    QD[j] = t;
    t = status[i]!;
    status[i] = status[j]!;
    status[j] = t;
    t = active[i]!;
    active[i] = active[j]!;
    active[j] = t;
  }

  function reconstructGradient(): void {
    if (activeSize === l) return;
    for (let j = activeSize; j < l; j++) G[j] = Gbar[j]!;
    let nrFree = 0;
    for (let j = 0; j < activeSize; j++) if (status[j] === FREE) nrFree++;
    if (nrFree * l > 2 * activeSize * (l - activeSize)) {
      for (let i = activeSize; i < l; i++) {
        const row = active[i]! * l;
        let g = G[i]!;
        for (let j = 0; j < activeSize; j++) {
          if (status[j] === FREE) g += alpha[j]! * K[row + active[j]!]!;
        }
        G[i] = g;
      }
    } else {
      for (let i = 0; i < activeSize; i++) {
        if (status[i] !== FREE) continue;
        const row = active[i]! * l, ai = alpha[i]!;
        for (let j = activeSize; j < l; j++) G[j]! += ai * K[row + active[j]!]!;
      }
    }
  }

  // Working pair by WSS3 (all y = +1); returns -1 when optimal within eps.
  let outJ = -1;
  function selectWorkingSet(): number {
    let gmax = -Infinity, gmax2 = -Infinity, gmaxIdx = -1, gminIdx = -1;
    let objDiffMin = Infinity;
    for (let t = 0; t < activeSize; t++) {
      if (status[t] !== UPPER && -G[t]! >= gmax) {
        gmax = -G[t]!;
        gmaxIdx = t;
      }
    }
    const i = gmaxIdx;
    const rowI = i !== -1 ? active[i]! * l : 0;
    const qdi = i !== -1 ? QD[i]! : 0;
    for (let j = 0; j < activeSize; j++) {
      if (status[j] === LOWER) continue;
      const gj = G[j]!;
      const gradDiff = gmax + gj;
      if (gj >= gmax2) gmax2 = gj;
      if (gradDiff > 0) {
        const quad = qdi + QD[j]! - 2.0 * K[rowI + active[j]!]!;
        const objDiff = quad > 0 ? -(gradDiff * gradDiff) / quad : -(gradDiff * gradDiff) / TAU;
        if (objDiff <= objDiffMin) {
          gminIdx = j;
          objDiffMin = objDiff;
        }
      }
    }
    if (gmax + gmax2 < eps || gminIdx === -1) return -1;
    outJ = gminIdx;
    return gmaxIdx;
  }

  function beShrunk(i: number, gmax1: number, gmax2: number): boolean {
    if (status[i] === UPPER) return -G[i]! > gmax1;
    if (status[i] === LOWER) return G[i]! > gmax2;
    return false;
  }

  function doShrinking(): void {
    let gmax1 = -Infinity, gmax2 = -Infinity;
    for (let i = 0; i < activeSize; i++) {
      if (status[i] !== UPPER && -G[i]! >= gmax1) gmax1 = -G[i]!;
      if (status[i] !== LOWER && G[i]! >= gmax2) gmax2 = G[i]!;
    }
    if (!unshrink && gmax1 + gmax2 <= eps * 10) {
      unshrink = true;
      reconstructGradient();
      activeSize = l;
    }
    for (let i = 0; i < activeSize; i++) {
      if (!beShrunk(i, gmax1, gmax2)) continue;
      activeSize--;
      while (activeSize > i) {
        if (!beShrunk(activeSize, gmax1, gmax2)) {
          swapIndex(i, activeSize);
          break;
        }
        activeSize--;
      }
    }
  }

  let iter = 0;
  let converged = true;
  let counter = Math.min(l, 1000) + 1;
  while (true) {
    if (iter >= maxIter) {
      converged = false;
      if (activeSize < l) {
        reconstructGradient();
        activeSize = l;
      }
      break;
    }
    if (--counter === 0) {
      counter = Math.min(l, 1000);
      if (shrinking) doShrinking();
    }
    let i = selectWorkingSet();
    if (i === -1) {
      reconstructGradient();
      activeSize = l;
      i = selectWorkingSet();
      if (i === -1) break;
      counter = 1; // shrink at the next iteration
    }
    const j = outJ;
    ++iter;

    const rowI = active[i]! * l, rowJ = active[j]! * l;
    const oldAi = alpha[i]!, oldAj = alpha[j]!;
    let quad = QD[i]! + QD[j]! - 2 * K[rowI + active[j]!]!;
    if (quad <= 0) quad = TAU;
    const delta = (G[i]! - G[j]!) / quad;
    const sum = oldAi + oldAj;
    let ai = oldAi - delta, aj = oldAj + delta;
    if (sum > 1) {
      if (ai > 1) {
        ai = 1;
        aj = sum - 1;
      }
    } else if (aj < 0) {
      aj = 0;
      ai = sum;
    }
    if (sum > 1) {
      if (aj > 1) {
        aj = 1;
        ai = sum - 1;
      }
    } else if (ai < 0) {
      ai = 0;
      aj = sum;
    }
    alpha[i] = ai;
    alpha[j] = aj;

    const dai = ai - oldAi, daj = aj - oldAj;
    for (let k = 0; k < activeSize; k++) {
      const ok = active[k]!;
      G[k]! += K[rowI + ok]! * dai + K[rowJ + ok]! * daj;
    }

    const ui = status[i] === UPPER, uj = status[j] === UPPER;
    status[i] = statusOf(ai);
    status[j] = statusOf(aj);
    if (ui !== (status[i] === UPPER)) {
      const s = ui ? -1 : 1;
      for (let k = 0; k < l; k++) Gbar[k]! += s * K[rowI + active[k]!]!;
    }
    if (uj !== (status[j] === UPPER)) {
      const s = uj ? -1 : 1;
      for (let k = 0; k < l; k++) Gbar[k]! += s * K[rowJ + active[k]!]!;
    }
  }

  // rho as libsvm's calculate_rho (y = +1): mean gradient over free alphas, else the midpoint.
  let nrFree = 0, sumFree = 0, ub = Infinity, lb = -Infinity;
  for (let i = 0; i < activeSize; i++) {
    const g = G[i]!;
    if (status[i] === UPPER) lb = Math.max(lb, g);
    else if (status[i] === LOWER) ub = Math.min(ub, g);
    else {
      nrFree++;
      sumFree += g;
    }
  }
  // libsvm takes (ub + lb) / 2 even when one side is empty, which is infinite when every alpha
  // sits at its upper bound (nu = 1; scikit-learn then raises). geomad takes the finite side
  // instead: the tightest rho that satisfies the optimality conditions.
  const rho = nrFree > 0
    ? sumFree / nrFree
    : ub === Infinity
    ? lb
    : lb === -Infinity
    ? ub
    : (ub + lb) / 2;

  let v = 0;
  for (let i = 0; i < l; i++) v += alpha[i]! * G[i]!;
  const outAlpha = new Float64Array(l), outG = new Float64Array(l);
  let nSV = 0, nBSV = 0;
  for (let p = 0; p < l; p++) {
    const o = active[p]!;
    outAlpha[o] = alpha[p]!;
    outG[o] = G[p]!;
    if (alpha[p]! > 0) {
      nSV++;
      if (alpha[p]! >= 1) nBSV++;
    }
  }
  return {
    alpha: outAlpha,
    rho,
    obj: v / 2,
    gradient: outG,
    iterations: iter,
    converged,
    nSV,
    nBSV,
  };
}
