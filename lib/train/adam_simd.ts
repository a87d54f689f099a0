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
 * The module is written out below (about 200 bytes, no build step): one function
 * `adam(g, m, v, w, bytes, beta1, 1 - beta1, beta2, 1 - beta2, 1 - beta1^t, 1 - beta2^t,
 * epsilon, -lr)` that updates m, v and w in place in its memory, 16 bytes per iteration.
 * The caller copies the four arrays in and the three results out; at 1.2 M weights that is
 * about 34 MB of copying, and still a fraction of the scalar loop's time (see README).
 * @module
 */

const I32 = 0x7f, F32 = 0x7d, V128 = 0x7b;

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

// parameters 0-3: byte offsets of g, m, v, w; 4: bytes; 5-12: the eight f32 constants
const G = 0, M = 1, V = 2, W = 3, BYTES = 4;
// locals: 13: i; 14-21: the constants splatted; 22: g; 23: new m; 24: new v
const I = 13, B1 = 14, C1 = 15, B2 = 16, C2 = 17, OA1 = 18, OA2 = 19, EPS = 20, NLR = 21;
const GJ = 22, MJ = 23, VJ = 24;
const at = (base: number) => [...get(base), ...get(I), I32_ADD];

function adamBody(): number[] {
  const code: number[] = [];
  for (let k = 0; k < 8; k++) code.push(...get(5 + k), ...SPLAT, ...set(B1 + k));
  code.push(
    ...[0x02, 0x40, 0x03, 0x40], // block, loop
    ...get(I),
    ...get(BYTES),
    I32_GE_U,
    ...[0x0d, 1], // br_if out of the block
    ...at(G),
    ...LOAD,
    ...set(GJ),
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
    ...at(W),
    ...LOAD,
    ...ADD,
    ...STORE,
    ...get(I),
    ...[0x41, 16], // i32.const 16
    I32_ADD,
    ...set(I),
    ...[0x0c, 0], // br to the loop
    ...[0x0b, 0x0b], // end loop, end block
  );
  const locals = [2, 1, I32, 11, V128];
  const body = [...locals, ...code, 0x0b];
  return [...leb(body.length), ...body];
}

/** The module's bytes. */
export function adamModuleBytes(): Uint8Array<ArrayBuffer> {
  const params = [I32, I32, I32, I32, I32, F32, F32, F32, F32, F32, F32, F32, F32];
  const name = (s: string) => [...leb(s.length), ...new TextEncoder().encode(s)];
  return new Uint8Array([
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...section(1, [1, 0x60, ...leb(params.length), ...params, 0]), // type: (13 params) -> ()
    ...section(3, [1, 0]), // function 0 has type 0
    ...section(5, [1, 0x00, 1]), // one memory, at least one 64 KiB page
    ...section(7, [2, ...name("adam"), 0x00, 0, ...name("mem"), 0x02, 0]),
    ...section(10, [1, ...adamBody()]),
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
) => void;

/** The compiled update with its memory; grows the memory to the largest weight seen. */
export class AdamSimd {
  readonly #fn: AdamFn;
  readonly #mem: WebAssembly.Memory;

  private constructor(instance: WebAssembly.Instance) {
    this.#fn = instance.exports.adam as unknown as AdamFn;
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
   * w) from gradient g, moments m, v and weights w.
   */
  update(
    g: Float32Array,
    m: Float32Array,
    v: Float32Array,
    w: Float32Array,
    out: { m: Float32Array; v: Float32Array; w: Float32Array },
    c: AdamConstants,
  ): void {
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
    this.#fn(
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
    );
    out.m.set(heap.subarray(at(1), at(1) + n));
    out.v.set(heap.subarray(at(2), at(2) + n));
    out.w.set(heap.subarray(at(3), at(3) + n));
  }
}
