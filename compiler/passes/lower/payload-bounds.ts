// Sound upper bounds of |payload| per source of a quantized module, from weights and parameters (not from
// data): lowerAttention sizes its product neurons and proves its accumulators cannot saturate with them. A
// head-selection relay of spikes is declared 16-bit but carries 0/1 times a gain; its bound is that gain.

import { destinationChannel } from "../../nmir/connectivity.js";
import { type NmirModule, sourceTable } from "../../nmir/index.js";
import { absRowSums } from "../quant-ranges.js";

/** Exponent of the largest power of two dividing x (62 for 0: it divides by anything). */
function twos(x: number): number {
  if (x === 0) return 62;
  let k = 0;
  for (let v = Math.abs(x); v % 2 === 0 && k < 62; v /= 2) k++;
  return k;
}

/** The smallest twos() over `xs` (Infinity for none, as Math.min()), in a loop: a spread of millions of weights overflows the stack. */
function minTwos(xs: ArrayLike<number>): number {
  let m = Number.POSITIVE_INFINITY;
  for (let i = 0; i < xs.length && m > 0; i++) m = Math.min(m, twos(xs[i]!));
  return m;
}

/**
 * Grain g of every source: each payload it can emit is a multiple of 2^g (0 for spikes and inputs). Through a
 * linear population: the grain of its input (weights' and sources' factors of two, scales) times outMul's,
 * less outShift when that divides exactly; 0 when it might saturate or clamp to an odd bound.
 */
export function payloadGrains(ir: NmirModule, bounds: ReadonlyMap<string, number>): Map<string, number> {
  const sources = sourceTable(ir);
  const g = new Map<string, number>([...sources.keys()].map((id) => [id, 0]));
  const into = new Map<string, typeof ir.projections>();
  for (const p of ir.projections) into.set(p.dst, [...(into.get(p.dst) ?? []), p]);
  // Populations in module order, twice, settle chains of relays (each pass only raises grains of linears).
  for (let pass = 0; pass < 2; pass++) {
    for (const pop of ir.populations) {
      const m = pop.model;
      if (m.kind !== "linear" || pop.output.kind !== "graded") continue;
      let gin = minTwos(m.bias);
      for (const p of into.get(pop.id) ?? []) {
        const exps = p.scale.kind === "perProjection" ? [p.scale.exp] : Array.from(p.scale.exps);
        const acc = minTwos(p.connectivity.weights) + g.get(p.src)!;
        const e = Math.min(...exps);
        gin = Math.min(gin, acc + e >= 0 ? acc + e : 0);
      }
      const gy = gin + minTwos(m.outMul) - m.outShift;
      const mightClamp =
        m.activation.kind === "clamp" || bounds.get(pop.id)! >= 2 ** (pop.output.bits - 1) - 1;
      g.set(pop.id, gy >= 0 && !mightClamp ? Math.min(gy, 62) : 0);
    }
  }
  return g;
}

/** max |payload| of every input, population and dynamic matmul (1 for spikes; the width's bound at worst). */
export function payloadBounds(ir: NmirModule): Map<string, number> {
  const sources = sourceTable(ir);
  const pops = new Map(ir.populations.map((p) => [p.id, p]));
  const dms = new Map(ir.dynamicMatmuls.map((d) => [d.id, d]));
  const into = new Map<string, typeof ir.projections>();
  for (const p of ir.projections) into.set(p.dst, [...(into.get(p.dst) ?? []), p]);
  const out = new Map<string, number>();
  const busy = new Set<string>();
  const widthBound = (id: string) => {
    const e = sources.get(id)!.event;
    return e.kind === "spike" ? 1 : 2 ** (e.bits - 1);
  };
  /** Largest |in| of any neuron of `id`'s port: Σ projections Σ|w|·2^exp·max|src|. */
  const portBound = (id: string, port: string): number => {
    let worst = 0;
    const sums: Float64Array[] = [];
    for (const p of into.get(id) ?? []) {
      if (p.port !== port) continue;
      const rows = absRowSums(p.connectivity);
      const x = bound(p.src);
      for (let j = 0; j < rows.length; j++) {
        const exp =
          p.scale.kind === "perProjection"
            ? p.scale.exp
            : p.scale.exps[destinationChannel(p.connectivity, j)]!;
        rows[j] = rows[j]! * 2 ** exp * x;
      }
      sums.push(rows);
    }
    if (sums.length === 0) return 0;
    for (let j = 0; j < sums[0]!.length; j++)
      worst = Math.max(
        worst,
        sums.reduce((s, r) => s + r[j]!, 0),
      );
    return worst;
  };
  const maxAbs = (p: ArrayLike<number>) => Math.max(0, ...Array.from(p, Math.abs));
  const bound = (id: string): number => {
    const known = out.get(id);
    if (known !== undefined) return known;
    const cap = widthBound(id);
    // A loop gives the width's bound (a spike's is 1).
    if (busy.has(id)) return cap;
    busy.add(id);
    let b = cap;
    const pop = pops.get(id);
    const dm = dms.get(id);
    if (pop?.model.kind === "linear") {
      const m = pop.model;
      let y = Math.floor(((portBound(id, "in") + maxAbs(m.bias)) * maxAbs(m.outMul)) / 2 ** m.outShift);
      if (m.activation.kind === "clamp")
        y = Math.min(y, Math.max(Math.abs(m.activation.lo), Math.abs(m.activation.hi)));
      b = Math.min(cap, y);
    } else if (pop?.model.kind === "product") {
      b = Math.min(cap, Math.floor((portBound(id, "a") * portBound(id, "b")) / 2 ** pop.model.shift));
    } else if (dm) {
      b = Math.min(cap, Math.floor((dm.k * bound(dm.a) * bound(dm.b)) / 2 ** dm.shift));
    }
    busy.delete(id);
    out.set(id, b);
    return b;
  };
  for (const id of sources.keys()) bound(id);
  return out;
}
