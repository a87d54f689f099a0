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
 * libsvm's `Solver` for the one-class dual (all y = +1, C = 1), laid out as libsvm's class:
 * position-indexed state that shrinking permutes (`active[p]` = original index),
 * `swapIndex`, `reconstructGradient`, `selectWorkingSet` (WSS3), `beShrunk`, `doShrinking`,
 * the two-variable update and `calculateRho`.
 */
class OneClassSolver {
  readonly alpha: Float64Array;
  readonly status: Uint8Array;
  readonly active: Int32Array;
  readonly G: Float64Array;
  readonly Gbar: Float64Array;
  readonly QD: Float64Array;
  activeSize: number;
  unshrink = false;
  /** The second index of the last working set. */
  outJ = -1;

  constructor(readonly K: Float32Array, readonly l: number, nu: number, readonly eps: number) {
    this.alpha = initialAlpha(l, nu);
    this.status = new Uint8Array(l);
    this.active = new Int32Array(l);
    this.G = new Float64Array(l);
    this.Gbar = new Float64Array(l);
    this.QD = new Float64Array(l);
    const { alpha, status, active, G, Gbar, QD } = this;
    for (let i = 0; i < l; i++) {
      active[i] = i;
      QD[i] = K[i * l + i]!;
      status[i] = statusOf(alpha[i]!);
    }
    this.activeSize = l;
    // Initial gradient G = K alpha (p = 0), and G_bar = sum over upper-bound alphas of C K_i.
    for (let i = 0; i < l; i++) {
      if (status[i] === LOWER) continue;
      const row = i * l, ai = alpha[i]!;
      for (let j = 0; j < l; j++) G[j]! += ai * K[row + j]!;
      if (status[i] === UPPER) { for (let j = 0; j < l; j++) Gbar[j]! += K[row + j]!; }
    }
  }

  swapIndex(i: number, j: number): void {
    for (const a of [this.G, this.alpha, this.Gbar, this.QD, this.status, this.active]) {
      const t = a[i]!;
      a[i] = a[j]!;
      a[j] = t;
    }
  }

  reconstructGradient(): void {
    const { l, K, G, Gbar, alpha, status, active, activeSize } = this;
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

  /** Working pair by WSS3 (all y = +1): i, with j in `outJ`; -1 when optimal within eps. */
  selectWorkingSet(): number {
    const { l, K, G, QD, status, active, activeSize } = this;
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
    if (gmax + gmax2 < this.eps || gminIdx === -1) return -1;
    this.outJ = gminIdx;
    return gmaxIdx;
  }

  beShrunk(i: number, gmax1: number, gmax2: number): boolean {
    const { G, status } = this;
    if (status[i] === UPPER) return -G[i]! > gmax1;
    if (status[i] === LOWER) return G[i]! > gmax2;
    return false;
  }

  doShrinking(): void {
    const { G, status, l } = this;
    let gmax1 = -Infinity, gmax2 = -Infinity;
    for (let i = 0; i < this.activeSize; i++) {
      if (status[i] !== UPPER && -G[i]! >= gmax1) gmax1 = -G[i]!;
      if (status[i] !== LOWER && G[i]! >= gmax2) gmax2 = G[i]!;
    }
    if (!this.unshrink && gmax1 + gmax2 <= this.eps * 10) {
      this.unshrink = true;
      this.reconstructGradient();
      this.activeSize = l;
    }
    for (let i = 0; i < this.activeSize; i++) {
      if (!this.beShrunk(i, gmax1, gmax2)) continue;
      this.activeSize--;
      while (this.activeSize > i) {
        if (!this.beShrunk(this.activeSize, gmax1, gmax2)) {
          this.swapIndex(i, this.activeSize);
          break;
        }
        this.activeSize--;
      }
    }
  }

  /** Unshrinks: the full gradient, every index active. */
  unshrinkAll(): void {
    this.reconstructGradient();
    this.activeSize = this.l;
  }

  /** The analytic update of the pair (i, j) under sum(alpha) fixed, then G and G_bar. */
  updatePair(i: number, j: number): void {
    const { l, K, G, Gbar, QD, alpha, status, active, activeSize } = this;
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

  /** rho as libsvm's calculate_rho (y = +1): mean gradient over free alphas, else the midpoint. */
  calculateRho(): number {
    const { G, status } = this;
    let nrFree = 0, sumFree = 0, ub = Infinity, lb = -Infinity;
    for (let i = 0; i < this.activeSize; i++) {
      const g = G[i]!;
      if (status[i] === UPPER) lb = Math.max(lb, g);
      else if (status[i] === LOWER) ub = Math.min(ub, g);
      else {
        nrFree++;
        sumFree += g;
      }
    }
    // libsvm takes (ub + lb) / 2 even when one side is empty, which is infinite when every
    // alpha sits at its upper bound (nu = 1; scikit-learn then raises). geomad takes the finite
    // side instead: the tightest rho that satisfies the optimality conditions.
    return nrFree > 0
      ? sumFree / nrFree
      : ub === Infinity
      ? lb
      : lb === -Infinity
      ? ub
      : (ub + lb) / 2;
  }

  /** The solution in original index order. */
  solution(rho: number, iterations: number, converged: boolean): OneClassSolution {
    const { l, alpha, G, active } = this;
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
    return { alpha: outAlpha, rho, obj: v / 2, gradient: outG, iterations, converged, nSV, nBSV };
  }
}

function statusOf(a: number): number {
  return a >= 1 ? UPPER : a <= 0 ? LOWER : FREE;
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
  const s = new OneClassSolver(kernel, l, options.nu, eps);
  // libsvm's Solver::Solve main loop.
  let iter = 0;
  let converged = true;
  let counter = Math.min(l, 1000) + 1;
  while (true) {
    if (iter >= maxIter) {
      converged = false;
      if (s.activeSize < l) s.unshrinkAll();
      break;
    }
    if (--counter === 0) {
      counter = Math.min(l, 1000);
      if (shrinking) s.doShrinking();
    }
    let i = s.selectWorkingSet();
    if (i === -1) {
      s.unshrinkAll();
      i = s.selectWorkingSet();
      if (i === -1) break;
      counter = 1; // shrink at the next iteration
    }
    ++iter;
    s.updatePair(i, s.outJ);
  }
  return s.solution(s.calculateRho(), iter, converged);
}
