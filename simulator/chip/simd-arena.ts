// Integer weights and an int32 accumulator in one WebAssembly memory, for the SIMD kernels (simd-kernels.ts).
// One arena per load (AccumulateCache): the rearranged weight copies of every conv and dense projection whose
// weights are integers, each at the narrowest of int8 / int16 / int32 that holds it (a quantized model's 8-bit
// weights take a quarter of an Int32Array copy's bytes), and the accumulator every projection shares.
//
// A memory that grows detaches its old views, so nothing holds a view across an allocation: `view` and
// `scratch` make them afresh from the current buffer (a pointer comparison when nothing grew).

import { type Kernels, simdKernels, type WasmMemory, type WeightWidth } from "./simd-kernels.js";
import { PAGE } from "./wasm-binary.js";

export type IntView = Int8Array | Int16Array | Int32Array;

/** A region of the arena: `n` elements of `width` bytes at byte address `ptr`. */
export interface IntRegion {
  ptr: number;
  n: number;
  width: WeightWidth;
}

/** Regions start on a cache line. */
const ALIGN = 64;
/** Partial sums bounded below this are exact in int32 (the accumulator's lanes). */
export const INT_EXACT = 2 ** 31;

/**
 * The narrowest width that holds every weight as an integer, or undefined if one is not an integer in int32
 * (a float model's weights: they stay in their float64 loop). −0 is stored as 0: it adds ±0 to a sum that
 * starts at +0, which never makes it −0, so the sums are the same.
 */
export function intWidthOf(w: ArrayLike<number>): WeightWidth | undefined {
  let lo = 0;
  let hi = 0;
  for (let i = 0; i < w.length; i++) {
    const x = w[i]!;
    if ((x | 0) !== x) return undefined;
    if (x < lo) lo = x;
    else if (x > hi) hi = x;
  }
  return lo >= -128 && hi <= 127 ? 1 : lo >= -32768 && hi <= 32767 ? 2 : 4;
}

/**
 * Whether a frame can be accumulated in int32 exactly: every value an integer and max|x| · `maxInL1` < 2^31,
 * which bounds every product and every partial sum of any destination (Fan.maxInL1).
 */
export function intFrame(
  idx: Int32Array,
  count: number,
  values: Float64Array,
  maxAbs: number,
  maxInL1: number,
) {
  if (!(maxAbs * maxInL1 < INT_EXACT)) return false;
  for (let e = 0; e < count; e++) {
    const x = values[idx[e]!]!;
    if ((x | 0) !== x) return false;
  }
  return true;
}

export class SimdArena {
  private top = ALIGN;
  private scratchRegion: IntRegion | undefined;
  private scratchWanted = 0;
  private scratchView: Int32Array | undefined;

  private constructor(
    private readonly memory: WasmMemory,
    readonly kernels: Kernels,
  ) {}

  /** An arena, or undefined where this runtime has no WebAssembly SIMD. */
  static create(): SimdArena | undefined {
    const made = simdKernels();
    return made ? new SimdArena(made.memory, made.kernels) : undefined;
  }

  /** `n` elements of `width` bytes, zero; undefined when the memory cannot grow that far (4 GiB in all). */
  alloc(n: number, width: WeightWidth): IntRegion | undefined {
    const ptr = this.top;
    const end = ptr + Math.ceil((n * width) / ALIGN) * ALIGN;
    const pages = Math.ceil(end / PAGE) - this.memory.buffer.byteLength / PAGE;
    if (pages > 0) {
      try {
        this.memory.grow(pages);
      } catch {
        return undefined; // past the 4 GiB of a 32-bit memory, or no memory left: the caller keeps a JS copy
      }
    }
    this.top = end;
    return { ptr, n, width };
  }

  /** A view of `r` over the memory as it is now. */
  view(r: IntRegion): IntView {
    const b = this.memory.buffer;
    return r.width === 1
      ? new Int8Array(b, r.ptr, r.n)
      : r.width === 2
        ? new Int16Array(b, r.ptr, r.n)
        : new Int32Array(b, r.ptr, r.n);
  }

  /** The shared accumulator will hold `n` destinations (called by each run that uses it, before it runs). */
  wantScratch(n: number): void {
    this.scratchWanted = Math.max(this.scratchWanted, n);
  }

  /**
   * The shared int32 accumulator (all zero between deliveries: each run that fills it reads it back to zero),
   * or undefined if the memory could not hold it. Made at its first use at the largest size asked for.
   */
  scratch(): { ptr: number; acc: Int32Array } | undefined {
    let r = this.scratchRegion;
    if (!r || r.n < this.scratchWanted) {
      r = this.alloc(this.scratchWanted, 4);
      if (!r) return undefined;
      this.scratchRegion = r;
    }
    let v = this.scratchView;
    if (!v || v.buffer !== this.memory.buffer) v = this.scratchView = this.view(r) as Int32Array;
    return { ptr: r.ptr, acc: v };
  }
}
