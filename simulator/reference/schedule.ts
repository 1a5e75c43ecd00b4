// Timestep semantics of the reference interpreter: which step each projection and dynamic matmul reads
// (layer-sync vs pipelined), the update order, and the ring buffers of past source outputs (frames).

import { layerSyncOrder } from "../../compiler/nmir/graph.js";
import type { NmirModule } from "../../compiler/nmir/types.js";

/**
 * `layer-sync`: populations and dynamic matmuls update in topological order of the delay-0 edges; a projection
 * reads its source's output of `delay` steps ago (0 = this step). `pipelined`: every projection reads
 * max(delay, 1) steps back and dynamic matmuls read their operands of the previous step, so nodes may update
 * in any order; a feed-forward chain's output lags by one step per layer.
 */
export type TimestepMode = "layer-sync" | "pipelined";

export const TIMESTEP_MODES: readonly TimestepMode[] = ["layer-sync", "pipelined"];

/** One step of one source's output: dense values plus the event list (indices of nonzero values). */
export interface Frame {
  /** Value of every neuron: 1/0 for spikes, the payload for graded events (0 = no event). */
  values: Float64Array;
  /** Indices of the events, ascending, in idx[0 .. count-1]. */
  idx: Int32Array;
  count: number;
  /** max |value| over the events (0 when none): bounds products for the exact-arithmetic choice. */
  maxAbs: number;
}

export function emptyFrame(n: number): Frame {
  return { values: new Float64Array(n), idx: new Int32Array(n), count: 0, maxAbs: 0 };
}

/** Rebuilds idx/count/maxAbs from `values` (used for inputs and dynamic matmul outputs). */
export function indexFrame(f: Frame): void {
  const { values, idx } = f;
  let count = 0;
  let maxAbs = 0;
  for (let i = 0; i < values.length; i++) {
    const x = values[i]!;
    if (x !== 0) {
      idx[count++] = i;
      const a = x < 0 ? -x : x;
      if (a > maxAbs) maxAbs = a;
    }
  }
  f.count = count;
  f.maxAbs = maxAbs;
}

/** The last `depth` frames of one source, as a ring indexed by step. */
export class SourceHistory {
  private readonly ring: Frame[];

  constructor(
    readonly size: number,
    readonly depth: number,
  ) {
    this.ring = Array.from({ length: depth }, () => emptyFrame(size));
  }

  /** The frame to fill for step t (overwrites step t - depth). */
  slot(t: number): Frame {
    const f = this.ring[t % this.depth]!;
    f.count = 0;
    f.maxAbs = 0;
    return f;
  }

  /** The output of step t, or undefined before step 0 (nothing was emitted then). */
  at(t: number): Frame | undefined {
    return t < 0 ? undefined : this.ring[t % this.depth];
  }

  clear(): void {
    for (const f of this.ring) {
      f.values.fill(0);
      f.count = 0;
      f.maxAbs = 0;
    }
  }
}

export interface Schedule {
  mode: TimestepMode;
  /** Population and dynamic-matmul ids in update order. */
  order: string[];
  /** Steps back each projection reads, by projection id. */
  projectionLag: Map<string, number>;
  /** Steps back dynamic matmuls read their operands. */
  matmulLag: number;
  /** Ring depth per source id: 1 + the largest lag any reader uses (outputs read lag 0). */
  depth: Map<string, number>;
}

export function planSchedule(ir: NmirModule, mode: TimestepMode): Schedule {
  const pipelined = mode === "pipelined";
  const order = pipelined
    ? [...ir.populations.map((p) => p.id), ...ir.dynamicMatmuls.map((d) => d.id)]
    : layerSyncOrder(ir);
  const projectionLag = new Map(
    ir.projections.map((p) => [p.id, pipelined ? Math.max(p.delay, 1) : p.delay]),
  );
  const matmulLag = pipelined ? 1 : 0;
  const depth = new Map<string, number>();
  const need = (id: string, lag: number) => depth.set(id, Math.max(depth.get(id) ?? 1, lag + 1));
  for (const i of ir.inputs) need(i.id, 0);
  for (const p of ir.populations) need(p.id, 0);
  for (const d of ir.dynamicMatmuls) need(d.id, 0);
  for (const p of ir.projections) need(p.src, projectionLag.get(p.id)!);
  for (const d of ir.dynamicMatmuls) {
    need(d.a, matmulLag);
    need(d.b, matmulLag);
  }
  return { mode, order, projectionLag, matmulLag, depth };
}
