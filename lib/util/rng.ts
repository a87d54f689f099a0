/**
 * Seeded pseudo-random numbers (Mulberry32 for 32-bit state, plus helpers).
 * Every source of randomness in geomad comes through an `Rng` so runs are reproducible.
 * @module
 */

/** A seeded random number generator. */
export class Rng {
  #state: number;

  /** Creates a generator from an integer seed. */
  constructor(seed: number) {
    if (!Number.isFinite(seed)) {
      throw new RangeError(`Cannot create Rng: seed ${seed} is not finite`);
    }
    this.#state = (Math.floor(seed) ^ 0x9e3779b9) >>> 0;
  }

  /**
   * The generator's whole state (a 32-bit unsigned integer): saving it and setting it back
   * later (on this or a fresh generator) continues the exact same sequence, e.g. when a
   * training run resumes from a checkpoint.
   */
  get state(): number {
    return this.#state;
  }

  set state(value: number) {
    if (!Number.isInteger(value) || value < 0 || value > 0xffffffff) {
      throw new RangeError(`Cannot set Rng state: ${value} is not a 32-bit unsigned integer`);
    }
    this.#state = value;
  }

  /** Uniform float in [0, 1). */
  next(): number {
    let t = (this.#state = (this.#state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** Standard normal sample (Box-Muller). */
  normal(): number {
    let u = 0;
    while (u === 0) u = this.next();
    const v = this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  /** A 31-bit integer, e.g. to seed tfjs ops or a child generator. */
  seed(): number {
    return Math.floor(this.next() * 2147483647);
  }

  /** Shuffles `a` in place (Fisher-Yates) and returns it. */
  shuffle<T extends { length: number; [i: number]: unknown }>(a: T): T {
    for (let i = a.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const tmp = a[i];
      a[i] = a[j];
      a[j] = tmp;
    }
    return a;
  }

  /** A random permutation of 0..n-1. */
  permutation(n: number): Int32Array {
    const p = new Int32Array(n);
    for (let i = 0; i < n; i++) p[i] = i;
    return this.shuffle(p);
  }
}
