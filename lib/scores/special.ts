/**
 * Special functions in float64: digamma (psi), trigamma (psi'), and the inverse digamma used by
 * Minka's Dirichlet fixed point. Accurate to about 1e-15 relative away from psi's root.
 * @module
 */

/** Euler-Mascheroni constant gamma = -psi(1). */
export const EULER_GAMMA = 0.5772156649015329;

/** Below this, shift x up with the recurrences before using the asymptotic series. */
const ASYMPTOTIC_FROM = 10;

/**
 * Digamma psi(x) = d/dx log Gamma(x), for every real x except the poles 0, -1, -2, ... (NaN).
 * Upward recurrence psi(x) = psi(x + 1) - 1/x to x >= 10, then the asymptotic series through
 * the x^-14 term (truncation error < 1e-16); reflection for x < 0.
 */
export function digamma(x: number): number {
  if (Number.isNaN(x) || x === -Infinity) return NaN;
  if (x <= 0) {
    if (Number.isInteger(x)) return NaN;
    // psi(x) = psi(1 - x) - pi / tan(pi x)
    return digamma(1 - x) - Math.PI / Math.tan(Math.PI * x);
  }
  let acc = 0;
  while (x < ASYMPTOTIC_FROM) {
    acc -= 1 / x;
    x += 1;
  }
  const z = 1 / (x * x);
  const tail = z * (1 / 12 -
    z * (1 / 120 - z * (1 / 252 - z * (1 / 240 - z * (1 / 132 - z * (691 / 32760 - z / 12))))));
  return acc + Math.log(x) - 0.5 / x - tail;
}

/**
 * Trigamma psi'(x), for every real x except the poles 0, -1, -2, ... (NaN).
 * Recurrence psi'(x) = psi'(x + 1) + 1/x^2 to x >= 10, then the asymptotic series through
 * the x^-15 term; reflection for x < 0.
 */
export function trigamma(x: number): number {
  if (Number.isNaN(x) || x === -Infinity) return NaN;
  if (x <= 0) {
    if (Number.isInteger(x)) return NaN;
    // psi'(x) = pi^2 / sin^2(pi x) - psi'(1 - x)
    const s = Math.sin(Math.PI * x);
    return (Math.PI * Math.PI) / (s * s) - trigamma(1 - x);
  }
  let acc = 0;
  while (x < ASYMPTOTIC_FROM) {
    acc += 1 / (x * x);
    x += 1;
  }
  const r = 1 / x;
  const z = r * r;
  const series = r * z * (1 / 6 -
    z * (1 / 30 - z * (1 / 42 - z * (1 / 30 - z * (5 / 66 - z * (691 / 2730 - z * (7 / 6)))))));
  return acc + r + 0.5 * z + series;
}

/** Options for {@linkcode inverseDigamma}. */
export interface InverseDigammaOptions {
  /** Newton steps. Default 5 (Minka; the GEOM paper). */
  iterations?: number;
}

/**
 * Inverse digamma: x > 0 with psi(x) = y, by Newton's method from Minka's start
 * x0 = exp(y) + 0.5 if y >= -2.22, else -1 / (y - psi(1)); 5 steps by default, which reach
 * float64 precision for every finite y.
 */
export function inverseDigamma(y: number, options: InverseDigammaOptions = {}): number {
  const iterations = options.iterations ?? 5;
  let x = y >= -2.22 ? Math.exp(y) + 0.5 : -1 / (y + EULER_GAMMA);
  for (let i = 0; i < iterations; i++) x -= (digamma(x) - y) / trigamma(x);
  return x;
}
