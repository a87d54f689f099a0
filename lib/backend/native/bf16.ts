/**
 * float32 -> bfloat16 conversion through oneDNN reorders (round to nearest even, like every
 * bf16 path of oneDNN and PyTorch), and a cache that converts each activation once: a training
 * step reads a convolution's input in the forward pass and again for the filter gradient, and its
 * output gradient for both backward passes.
 *
 * The cache is keyed by the float32 array itself and is only trusted for arrays whose contents
 * cannot change behind its back: the backend says so through `generation` (kernel outputs are
 * immutable until the buffer pool hands the same array out again, which bumps its generation).
 * It also holds bf16-primary results: a bf16 kernel writes into `adopt`'s buffer and the float32
 * array stays unwritten until a float32 reader calls `materialise` (the backend does so on every
 * storage read outside `NativeBackend.raw`).
 * @module
 */
import { alignedUint16 } from "./aligned.ts";
import { ARG, type Dnnl, DT_BF16, type Primitive } from "./dnnl.ts";

/** The cached flat reorder for arrays of `n` elements, f32 -> bf16 or bf16 -> f32. */
function flatReorder(d: Dnnl, n: number, toBf16 = true): Primitive {
  return d.cached(`bf16:flat:${toBf16 ? "to" : "from"}:${n}`, () => {
    const f32 = d.md([n]);
    const bf16 = d.md([n], undefined, DT_BF16);
    const [src, dst] = toBf16 ? [f32, bf16] : [bf16, f32];
    return d.reorder(
      Deno.UnsafePointer.of(src as Uint8Array<ArrayBuffer>),
      Deno.UnsafePointer.of(dst as Uint8Array<ArrayBuffer>),
      toBf16 ? "f32 to bf16" : "bf16 to f32",
      d.parallelFor(n),
    );
  });
}

/**
 * Converts `x` to bfloat16 (raw 16-bit patterns), into `out` when given, else into a new
 * 64-byte-aligned array (what oneDNN's AMX kernels read fastest).
 */
export function toBf16(d: Dnnl, x: Float32Array, out?: Uint16Array): Uint16Array {
  const y = out ?? alignedUint16(x.length);
  if (y.length !== x.length) {
    throw new RangeError(`Cannot convert to bf16: ${x.length} values into ${y.length}`);
  }
  if (x.length > 0) flatReorder(d, x.length).exec([[ARG.src, x], [ARG.dst, y]]);
  return y;
}

/**
 * Widens bfloat16 values to float32 through oneDNN (exact), into `out` when given: how a bf16
 * convolution's result reaches the float32 tensors around it.
 */
export function widenBf16(d: Dnnl, x: Uint16Array, out?: Float32Array): Float32Array {
  const y = out ?? new Float32Array(x.length);
  if (y.length !== x.length) {
    throw new RangeError(`Cannot widen bf16: ${x.length} values into ${y.length}`);
  }
  if (x.length > 0) flatReorder(d, x.length, false).exec([[ARG.src, x], [ARG.dst, y]]);
  return y;
}

/** Decodes bfloat16 bit patterns to float32 (exact: bf16 is float32's upper half). */
export function fromBf16(x: Uint16Array): Float32Array {
  const bits = new Uint32Array(x.length);
  for (let i = 0; i < x.length; i++) bits[i] = x[i]! << 16;
  return new Float32Array(bits.buffer);
}

/** Options for {@linkcode Bf16Cache}. */
export interface Bf16CacheOptions {
  /**
   * The generation of an array's contents, or undefined when the cache cannot know whether the
   * array changes (then it converts on every call).
   */
  generation: (a: Float32Array) => number | undefined;
}

/** The bf16 copy of one generation of a float32 array. */
interface Entry {
  gen: number;
  data: Uint16Array;
  /** The float32 values are exactly these bf16 values (a bf16 kernel produced them). */
  exact: boolean;
  /** The float32 array is not written yet: `materialise` widens `data` into it. */
  pending: boolean;
}

/**
 * Converts activations to bf16 once per generation of their float32 array, and holds the
 * bf16-primary results of bf16 kernels: such a kernel writes into {@linkcode Bf16Cache.adopt}'s
 * buffer and leaves the float32 array unwritten until something that reads float32 asks for it
 * ({@linkcode Bf16Cache.materialise}, exact: bf16 is float32's upper half). A bf16 consumer reads
 * the bf16 values directly, so a conv -> batch norm -> conv chain converts nothing.
 */
export class Bf16Cache {
  readonly #d: Dnnl;
  readonly #generation: (a: Float32Array) => number | undefined;
  readonly #entries = new WeakMap<Float32Array, Entry>();
  /**
   * Conversions done and saved, bf16 results adopted, and adopted results widened to float32
   * (by `materialise`, or by a kernel that widens one into its own output, as the float32 Add
   * does) (for tests and diagnostics).
   */
  readonly stats = { converted: 0, reused: 0, adopted: 0, widened: 0 };
  /**
   * Whether kernels may leave results bf16-primary (default true); false makes `adopt` decline,
   * so every bf16 result is widened at once (for measurements and bisecting).
   */
  primary = true;
  /**
   * Whether an Add of two bf16 operands rounds its sum to bf16 and leaves it bf16-primary, as
   * PyTorch's autocast keeps a residual stream bf16 (default true); false keeps such sums exact
   * in float32 (for measurements and bisecting).
   */
  residual = true;

  constructor(d: Dnnl, options: Bf16CacheOptions) {
    this.#d = d;
    this.#generation = options.generation;
  }

  /** The entry for `x`'s current contents, if any. */
  #current(x: Float32Array): Entry | undefined {
    const hit = this.#entries.get(x);
    if (!hit) return undefined;
    return hit.gen === this.#generation(x) ? hit : undefined;
  }

  /** The bf16 copy of `x` (shared: callers must not write to it). */
  convert(x: Float32Array): Uint16Array {
    const gen = this.#generation(x);
    if (gen === undefined) {
      this.stats.converted++;
      return toBf16(this.#d, x);
    }
    const hit = this.#entries.get(x);
    if (hit && hit.gen === gen) {
      this.stats.reused++;
      return hit.data;
    }
    // A recycled array keeps its bf16 buffer: same length, new contents.
    const data = toBf16(this.#d, x, hit?.data);
    this.#entries.set(x, { gen, data, exact: false, pending: false });
    this.stats.converted++;
    return data;
  }

  /**
   * The bf16 buffer a kernel is about to write `x`'s new contents into, in place of `x`
   * itself: `x` stays unwritten (pending) until {@linkcode materialise}. Undefined when the
   * cache cannot track `x` (no generation) or `primary` is off; then the kernel must write `x`
   * itself.
   */
  adopt(x: Float32Array): Uint16Array | undefined {
    const gen = this.#generation(x);
    if (gen === undefined || !this.primary) return undefined;
    const old = this.#entries.get(x);
    const data = old && old.gen !== gen ? old.data : alignedUint16(x.length);
    this.#entries.set(x, { gen, data, exact: true, pending: true });
    this.stats.adopted++;
    return data;
  }

  /**
   * The bf16 values `x` holds exactly (a bf16 kernel made them), whether or not `x` has been
   * written yet; undefined when `x` has no such copy (a rounded conversion does not count).
   */
  exact(x: Float32Array): Uint16Array | undefined {
    const e = this.#current(x);
    return e?.exact ? e.data : undefined;
  }

  /** Whether `x`'s float32 values are not written yet. */
  pending(x: Float32Array): boolean {
    return this.#current(x)?.pending === true;
  }

  /** Writes `x`'s float32 values from its bf16 copy if they are pending (else does nothing). */
  materialise(x: Float32Array): void {
    const e = this.#entries.get(x);
    if (!e?.pending || e.gen !== this.#generation(x)) return;
    widenBf16(this.#d, e.data, x);
    e.pending = false;
    this.stats.widened++;
  }
}
