/**
 * Adam's per-weight update in WebAssembly SIMD: four float32 lanes per instruction instead of a
 * JavaScript loop of double-precision operations each rounded with `Math.fround`.
 *
 * Why it gives the same bits: every step of tfjs's update is one IEEE float32 operation (add,
 * multiply, divide, square root). WebAssembly's `f32x4` operations are exactly those, correctly
 * rounded, with subnormals kept (no flush to zero), and the JavaScript loop computes each one in
 * double precision and rounds it once to float32, which gives the same correctly rounded value.
 * The operations below are in the JavaScript loop's order (`fused_adam.ts`); tests compare the
 * two bit for bit.
 *
 * The module is written out below (about 500 bytes, no build step): a function
 * `adam(g, m, v, w, bytes, beta1, 1 - beta1, beta2, 1 - beta2, 1 - beta1^t, 1 - beta2^t,
 * epsilon, -lr)` that updates m, v and w in place in its memory, 16 bytes per iteration, and
 * `adamL2(..., factor)`, which first adds the gradient of the weight's L2 term
 * factor * sum(w * w) to g as tfjs's autograd forms it (t = factor * w; g + (t + t)) and returns
 * the term's value for the loss: its float32 elements factor * (w * w) summed in float64, lane
 * by lane ({@linkcode penaltySum} gives the same bits in JavaScript).
 * The caller copies the four arrays in and the three results out; at 1.2 M weights that is
 * about 29 MB of copying, and still a fraction of the scalar loop's time (docs/performance.md).
 * @module
 */

const I32 = 0x7f, F32 = 0x7d, F64 = 0x7c, V128 = 0x7b;

/** Unsigned LEB128. */
function leb(n: number): number[] {
  const out: number[] = [];
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n !== 0) byte |= 0x80;
    out.push(byte);
  } while (n !== 0);
  return out;
}

/** A section: id, byte length, contents. */
function section(id: number, body: number[]): number[] {
  return [id, ...leb(body.length), ...body];
}

/** A SIMD instruction (prefix 0xfd, LEB opcode). */
const simd = (op: number, ...imm: number[]) => [0xfd, ...leb(op), ...imm];
const get = (i: number) => [0x20, i],
  set = (i: number) => [0x21, i],
  tee = (i: number) => [0x22, i];
const I32_ADD = 0x6a, I32_GE_U = 0x4f;
/** v128.load / v128.store with 16-byte alignment, offset 0. */
const LOAD = simd(0x00, 4, 0), STORE = simd(0x0b, 4, 0);
const SPLAT = simd(0x13), SQRT = simd(0xe3), ADD = simd(0xe4), MUL = simd(0xe6), DIV = simd(0xe7);
/** f64x2.promote_low_f32x4, f64x2.add, f64x2.extract_lane, f64.add. */
const PROMOTE_LOW = simd(0x5f), F64_ADD = simd(0xf0), F64_ADD_SCALAR = 0xa0;
const lane = (k: number) => simd(0x21, k);
/** i8x16.shuffle of (a, a) that moves lanes 2 and 3 of an f32x4 to lanes 0 and 1. */
const HIGH_HALF = simd(0x0d, ...[8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3, 4, 5, 6, 7]);

// parameters 0-3: byte offsets of g, m, v, w; 4: bytes; 5-12: the eight f32 constants;
// with L2 also 13: the L2 factor
const G = 0, M = 1, V = 2, W = 3, BYTES = 4, L2 = 13;
// locals after the parameters: i; the constants splatted; g; new m; new v; and with L2: w, the
// factor splatted, factor * w, the term's elements, and its float64 sums of lanes 0-1 and 2-3
const locals = (l2: boolean) => {
  const i = l2 ? 14 : 13;
  return {
    I: i,
    B1: i + 1,
    C1: i + 2,
    B2: i + 3,
    C2: i + 4,
    OA1: i + 5,
    OA2: i + 6,
    EPS: i + 7,
    NLR: i + 8,
    GJ: i + 9,
    MJ: i + 10,
    VJ: i + 11,
    WJ: i + 12,
    L2S: i + 13,
    T: i + 14,
    P: i + 15,
    LO: i + 16,
    HI: i + 17,
  };
};

/**
 * The update's body. With `l2`, before the update: t = factor * w, g = g + (t + t) (the gradient
 * of factor * sum(w * w) as tfjs's autograd forms it, added to the loss's gradient), and the
 * term's elements factor * (w * w) are added up in float64 (lanes 0 and 1 in one f64x2, lanes 2
 * and 3 in another); the function returns ((lane0 + lane1) + lane2) + lane3.
 */
function adamBody(l2: boolean): number[] {
  const { I, B1, C1, B2, C2, OA1, OA2, EPS, NLR, GJ, MJ, VJ, WJ, L2S, T, P, LO, HI } = locals(l2);
  const at = (base: number) => [...get(base), ...get(I), I32_ADD];
  const code: number[] = [];
  for (let k = 0; k < 8; k++) code.push(...get(5 + k), ...SPLAT, ...set(B1 + k));
  if (l2) code.push(...get(L2), ...SPLAT, ...set(L2S));
  code.push(
    ...[0x02, 0x40, 0x03, 0x40], // block, loop
    ...get(I),
    ...get(BYTES),
    I32_GE_U,
    ...[0x0d, 1], // br_if out of the block
    ...at(G),
    ...LOAD,
    ...set(GJ),
  );
  if (l2) {
    code.push(
      ...at(W),
      ...LOAD,
      ...set(WJ),
      // t = factor * w; g = g + (t + t)
      ...get(L2S),
      ...get(WJ),
      ...MUL,
      ...set(T),
      ...get(GJ),
      ...get(T),
      ...get(T),
      ...ADD,
      ...ADD,
      ...set(GJ),
      // the term's elements p = factor * (w * w), summed in float64 by lane pairs
      ...get(L2S),
      ...get(WJ),
      ...get(WJ),
      ...MUL,
      ...MUL,
      ...tee(P),
      ...PROMOTE_LOW,
      ...get(LO),
      ...F64_ADD,
      ...set(LO),
      ...get(P),
      ...get(P),
      ...HIGH_HALF,
      ...PROMOTE_LOW,
      ...get(HI),
      ...F64_ADD,
      ...set(HI),
    );
  }
  code.push(
    // m' = m * beta1 + g * (1 - beta1)
    ...at(M),
    ...at(M),
    ...LOAD,
    ...get(B1),
    ...MUL,
    ...get(GJ),
    ...get(C1),
    ...MUL,
    ...ADD,
    ...tee(MJ),
    ...STORE,
    // v' = v * beta2 + (g * g) * (1 - beta2)
    ...at(V),
    ...at(V),
    ...LOAD,
    ...get(B2),
    ...MUL,
    ...get(GJ),
    ...get(GJ),
    ...MUL,
    ...get(C2),
    ...MUL,
    ...ADD,
    ...tee(VJ),
    ...STORE,
    // w' = ((m' / (1 - beta1^t)) / (sqrt(v' / (1 - beta2^t)) + eps)) * -lr + w
    ...at(W),
    ...get(MJ),
    ...get(OA1),
    ...DIV,
    ...get(VJ),
    ...get(OA2),
    ...DIV,
    ...SQRT,
    ...get(EPS),
    ...ADD,
    ...DIV,
    ...get(NLR),
    ...MUL,
    ...(l2 ? get(WJ) : [...at(W), ...LOAD]),
    ...ADD,
    ...STORE,
    ...get(I),
    ...[0x41, 16], // i32.const 16
    I32_ADD,
    ...set(I),
    ...[0x0c, 0], // br to the loop
    ...[0x0b, 0x0b], // end loop, end block
  );
  if (l2) {
    code.push(
      ...get(LO),
      ...lane(0),
      ...get(LO),
      ...lane(1),
      F64_ADD_SCALAR,
      ...get(HI),
      ...lane(0),
      F64_ADD_SCALAR,
      ...get(HI),
      ...lane(1),
      F64_ADD_SCALAR,
    );
  }
  const decls = [2, 1, I32, l2 ? 17 : 11, V128];
  const body = [...decls, ...code, 0x0b];
  return [...leb(body.length), ...body];
}

/** The module's bytes: functions `adam` and `adamL2` and their memory `mem`. */
export function adamModuleBytes(): Uint8Array<ArrayBuffer> {
  const params = [I32, I32, I32, I32, I32, F32, F32, F32, F32, F32, F32, F32, F32];
  const paramsL2 = [...params, F32];
  const name = (s: string) => [...leb(s.length), ...new TextEncoder().encode(s)];
  return new Uint8Array([
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    // types: 0 (13 params) -> (), 1 (14 params) -> (f64)
    ...section(1, [
      2,
      0x60,
      ...leb(params.length),
      ...params,
      0,
      0x60,
      ...leb(paramsL2.length),
      ...paramsL2,
      1,
      F64,
    ]),
    ...section(3, [2, 0, 1]), // function 0 has type 0, function 1 type 1
    ...section(5, [1, 0x00, 1]), // one memory, at least one 64 KiB page
    ...section(7, [
      3,
      ...name("adam"),
      0x00,
      0,
      ...name("adamL2"),
      0x00,
      1,
      ...name("mem"),
      0x02,
      0,
    ]),
    ...section(10, [2, ...adamBody(false), ...adamBody(true)]),
  ]);
}

/** Adam's constants for one step, each already a float32 value. */
export interface AdamConstants {
  beta1: number;
  oneMinusBeta1: number;
  beta2: number;
  oneMinusBeta2: number;
  /** 1 - beta1^t. */
  oneMinusAcc1: number;
  /** 1 - beta2^t. */
  oneMinusAcc2: number;
  epsilon: number;
  negLr: number;
}

type AdamFn = (
  g: number,
  m: number,
  v: number,
  w: number,
  bytes: number,
  ...c: number[]
) => number | undefined;

/**
 * The L2 term of a weight inside the update: `factor` (a float32 value) times the sum of the
 * weight's squares. Its gradient is added to the loss's gradient before the update, and the
 * update returns the term's value ({@linkcode penaltySum}).
 */
export interface WeightDecayArgs {
  factor: number;
}

/**
 * The value of the L2 term factor * sum(w * w) as the update computes it: each element
 * factor * (w * w) rounded to float32 (tfjs-layers' `mul(l2, square(x))`), the elements summed in
 * float64 in four running sums by index mod 4, and those added as ((s0 + s1) + s2) + s3, then
 * rounded to float32. The WebAssembly update gives the same bits.
 */
export function penaltySum(w: Float32Array, factor: number): number {
  const f = Math.fround, s = [0, 0, 0, 0];
  for (let j = 0; j < w.length; j++) s[j & 3]! += f(factor * f(w[j]! * w[j]!));
  return f(s[0]! + s[1]! + s[2]! + s[3]!);
}

/** The compiled update with its memory; grows the memory to the largest weight seen. */
export class AdamSimd {
  readonly #fn: AdamFn;
  readonly #fnL2: AdamFn;
  readonly #mem: WebAssembly.Memory;

  private constructor(instance: WebAssembly.Instance) {
    this.#fn = instance.exports.adam as unknown as AdamFn;
    this.#fnL2 = instance.exports.adamL2 as unknown as AdamFn;
    this.#mem = instance.exports.mem as WebAssembly.Memory;
  }

  /** The SIMD update, or undefined where this WebAssembly engine has no SIMD. */
  static create(): AdamSimd | undefined {
    const bytes = adamModuleBytes();
    if (typeof WebAssembly === "undefined" || !WebAssembly.validate(bytes)) return undefined;
    return new AdamSimd(new WebAssembly.Instance(new WebAssembly.Module(bytes)));
  }

  /**
   * Writes Adam's new first and second moments and weights into m1, v1, w1 (each the length of
   * w) from gradient g, moments m, v and weights w; with `l2`, adds the gradient of the weight's
   * L2 term to g first (g itself is not changed) and returns the term's value
   * ({@linkcode penaltySum}), else NaN.
   */
  update(
    g: Float32Array,
    m: Float32Array,
    v: Float32Array,
    w: Float32Array,
    out: { m: Float32Array; v: Float32Array; w: Float32Array },
    c: AdamConstants,
    l2?: WeightDecayArgs,
  ): number {
    const n = w.length;
    const stride = Math.ceil(n / 4) * 16; // each array 16-byte aligned, padded to whole lanes
    const need = 4 * stride;
    const have = this.#mem.buffer.byteLength;
    if (need > have) this.#mem.grow(Math.ceil((need - have) / 65536));
    const heap = new Float32Array(this.#mem.buffer);
    const at = (k: number) => (k * stride) / 4;
    heap.set(g, at(0));
    heap.set(m, at(1));
    heap.set(v, at(2));
    heap.set(w, at(3));
    heap.fill(0, at(3) + n, at(4)); // the last lanes' padding adds nothing to the term's sum
    const args = [
      0,
      stride,
      2 * stride,
      3 * stride,
      stride,
      c.beta1,
      c.oneMinusBeta1,
      c.beta2,
      c.oneMinusBeta2,
      c.oneMinusAcc1,
      c.oneMinusAcc2,
      c.epsilon,
      c.negLr,
    ] as const;
    let sum = NaN;
    if (l2) sum = Math.fround(this.#fnL2(...args, l2.factor)!);
    else this.#fn(...args);
    out.m.set(heap.subarray(at(1), at(1) + n));
    out.v.set(heap.subarray(at(2), at(2) + n));
    out.w.set(heap.subarray(at(3), at(3) + n));
    return sum;
  }
}
