// The look-ahead alignment delays of the streaming runner: every node read through an edge delay keeps its last
// outputs in a ring, as many as its slowest reader looks back (compiler/graph/lookahead.ts).

import type { LookaheadPlan } from "../../compiler/graph/index.js";
import type { ScheduledNode } from "../../compiler/graph/schedule.js";
import type { Kernel } from "./kernels/index.js";

export interface DelayLines {
  /** Node `src`'s output of `delay` steps before step t; undefined before step 0 (it contributes 0). */
  past(src: number, delay: number, t: number): Float64Array | undefined;
  /** Stores node i's output of step t (after it ran, or stayed at reset). */
  store(i: number, t: number): void;
  reset(): void;
}

export function delayLines(
  nodes: readonly ScheduledNode[],
  kernels: readonly Kernel[],
  plan: LookaheadPlan,
): DelayLines {
  const lag = new Int32Array(nodes.length);
  nodes.forEach((sn, i) => {
    sn.sources.forEach((srcs, p) => {
      srcs.forEach((s, k) => {
        lag[s.src] = Math.max(lag[s.src]!, plan.delays[i]![p]![k]!);
      });
    });
  });
  const slots: Float64Array[][] = kernels.map((k, i) => {
    const n = k.out.length;
    const count = lag[i]! > 0 ? lag[i]! + 1 : 0;
    const ring = new Float64Array(count * n);
    return Array.from({ length: count }, (_, j) => ring.subarray(j * n, (j + 1) * n));
  });
  return {
    past: (src, delay, t) => {
      if (delay === 0) return kernels[src]!.out;
      return t >= delay ? slots[src]![(t - delay) % slots[src]!.length] : undefined;
    },
    store(i, t) {
      const ring = slots[i]!;
      if (ring.length) ring[t % ring.length]!.set(kernels[i]!.out);
    },
    reset() {
      for (const ring of slots) for (const slot of ring) slot.fill(0);
    },
  };
}
