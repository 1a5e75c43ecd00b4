// Graph views of an NMIR module: the table of event sources, the delay-0 dependency edges, cycle finding
// (for verify) and the layer-sync update order (for the reference interpreter and the chip simulator).

import { SpikegridError } from "../../common/errors.js";
import { type EventKind, type NmirModule, shapeSize } from "./types.js";

export interface SourceInfo {
  kind: "input" | "population" | "dynamicMatmul";
  id: string;
  shape: number[];
  size: number;
  event: EventKind;
}

/** Everything a projection, dynamic matmul or output may read from, by id (first definition wins). */
export function sourceTable(m: NmirModule): Map<string, SourceInfo> {
  const t = new Map<string, SourceInfo>();
  const add = (s: Omit<SourceInfo, "size">) => {
    if (!t.has(s.id)) t.set(s.id, { ...s, size: shapeSize(s.shape) });
  };
  for (const i of m.inputs) add({ kind: "input", id: i.id, shape: i.shape, event: i.event });
  for (const p of m.populations) add({ kind: "population", id: p.id, shape: p.shape, event: p.output });
  for (const d of m.dynamicMatmuls)
    add({ kind: "dynamicMatmul", id: d.id, shape: [d.m, d.n], event: d.output });
  return t;
}

/** A same-step dependency: `to` must update after `from` in layer-sync mode. */
export interface DepEdge {
  from: string;
  to: string;
  /** What creates the dependency, for messages: `projection "fc1"`, `dynamic matmul "qk" (a)`. */
  via: string;
}

/** The delay-0 projections and the dynamic-matmul operand reads. */
export function delayZeroEdges(m: NmirModule): DepEdge[] {
  const edges: DepEdge[] = [];
  for (const p of m.projections) {
    if (p.delay === 0) edges.push({ from: p.src, to: p.dst, via: `projection "${p.id}"` });
  }
  for (const d of m.dynamicMatmuls) {
    edges.push({ from: d.a, to: d.id, via: `dynamic matmul "${d.id}" (a)` });
    edges.push({ from: d.b, to: d.id, via: `dynamic matmul "${d.id}" (b)` });
  }
  return edges;
}

export interface Cycle {
  /** Node ids around the cycle; the first is repeated implicitly at the end. */
  nodes: string[];
  /** `via` of each edge: nodes[i] → nodes[i+1]. */
  via: string[];
}

/** One cycle per strongly connected component of the delay-0 graph (Tarjan), in a deterministic order. */
export function findDelayZeroCycles(m: NmirModule): Cycle[] {
  const edges = delayZeroEdges(m);
  const out = new Map<string, DepEdge[]>();
  for (const e of edges) {
    const list = out.get(e.from);
    if (list) list.push(e);
    else out.set(e.from, [e]);
  }
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const cycles: Cycle[] = [];
  let next = 0;

  // Iterative (an explicit frame stack): a chain of thousands of delay-0 layers must not overflow the JS stack.
  const visit = (root: string): void => {
    const frames: { v: string; next: number }[] = [];
    const enter = (v: string) => {
      index.set(v, next);
      low.set(v, next);
      next++;
      stack.push(v);
      onStack.add(v);
      frames.push({ v, next: 0 });
    };
    enter(root);
    while (frames.length > 0) {
      const f = frames[frames.length - 1]!;
      const succ = out.get(f.v) ?? [];
      if (f.next < succ.length) {
        const e = succ[f.next++]!;
        if (!index.has(e.to)) enter(e.to);
        else if (onStack.has(e.to)) low.set(f.v, Math.min(low.get(f.v)!, index.get(e.to)!));
        continue;
      }
      frames.pop();
      const parent = frames[frames.length - 1];
      if (parent) low.set(parent.v, Math.min(low.get(parent.v)!, low.get(f.v)!));
      if (low.get(f.v) !== index.get(f.v)) continue;
      const scc = new Set<string>();
      for (;;) {
        const w = stack.pop()!;
        onStack.delete(w);
        scc.add(w);
        if (w === f.v) break;
      }
      const cycle = cycleWithin(f.v, scc, out);
      if (cycle) cycles.push(cycle);
    }
  };

  const nodes = [...new Set(edges.flatMap((e) => [e.from, e.to]))];
  for (const v of nodes) if (!index.has(v)) visit(v);
  return cycles;
}

/** A shortest cycle through `root` inside its component (BFS); undefined for a lone node, no self-loop. */
function cycleWithin(root: string, scc: Set<string>, out: Map<string, DepEdge[]>): Cycle | undefined {
  const prev = new Map<string, DepEdge>();
  const queue = [root];
  for (let qi = 0; qi < queue.length; qi++) {
    const v = queue[qi]!;
    for (const e of out.get(v) ?? []) {
      if (!scc.has(e.to)) continue;
      if (e.to === root) {
        const path: DepEdge[] = [e];
        for (let w = v; w !== root; ) {
          const p = prev.get(w)!;
          path.unshift(p);
          w = p.from;
        }
        return { nodes: path.map((p) => p.from), via: path.map((p) => p.via) };
      }
      if (!prev.has(e.to)) {
        prev.set(e.to, e);
        queue.push(e.to);
      }
    }
  }
  return undefined;
}

/** "a → b → a (via projection "p", projection "q")". */
export function describeCycle(c: Cycle): string {
  return `${[...c.nodes, c.nodes[0]].join(" → ")} (via ${c.via.join(", ")})`;
}

/**
 * Ids of populations and dynamic matmuls in layer-sync update order: each after every same-step (delay-0)
 * source it reads; ties keep declaration order (populations, then dynamic matmuls). Throws NMIR_INVALID on a
 * delay-0 cycle.
 */
export function layerSyncOrder(m: NmirModule): string[] {
  const nodes = [...m.populations.map((p) => p.id), ...m.dynamicMatmuls.map((d) => d.id)];
  const rank = new Map(nodes.map((id, i) => [id, i]));
  const indeg = new Map(nodes.map((id) => [id, 0]));
  const succ = new Map<string, string[]>();
  for (const e of delayZeroEdges(m)) {
    if (!rank.has(e.from) || !rank.has(e.to)) continue; // inputs are always ready
    indeg.set(e.to, indeg.get(e.to)! + 1);
    const list = succ.get(e.from);
    if (list) list.push(e.to);
    else succ.set(e.from, [e.to]);
  }
  // Ready set as a min-heap of declaration ranks, so the order is deterministic and the sort O(n log n).
  const ready = new RankHeap();
  for (const id of nodes) if (indeg.get(id) === 0) ready.push(rank.get(id)!);
  const order: string[] = [];
  while (ready.size > 0) {
    const v = nodes[ready.pop()]!;
    order.push(v);
    for (const w of succ.get(v) ?? []) {
      const d = indeg.get(w)! - 1;
      indeg.set(w, d);
      if (d === 0) ready.push(rank.get(w)!);
    }
  }
  if (order.length < nodes.length) {
    const cycles = findDelayZeroCycles(m);
    throw new SpikegridError(
      "NMIR_INVALID",
      `module "${m.name}" has a delay-0 cycle; no layer-sync order exists`,
      {
        details: cycles.map((c) => ({ where: "delay-0 cycle", message: describeCycle(c) })),
        hint: "give one projection of each cycle a delay of at least 1 step",
      },
    );
  }
  return order;
}

/** A binary min-heap of non-negative integers. */
class RankHeap {
  private readonly a: number[] = [];
  get size(): number {
    return this.a.length;
  }
  push(x: number): void {
    const a = this.a;
    let i = a.push(x) - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (a[p]! <= x) break;
      a[i] = a[p]!;
      i = p;
    }
    a[i] = x;
  }
  pop(): number {
    const a = this.a;
    const top = a[0]!;
    const last = a.pop()!;
    if (a.length > 0) {
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= a.length) break;
        const c = l + 1 < a.length && a[l + 1]! < a[l]! ? l + 1 : l;
        if (a[c]! >= last) break;
        a[i] = a[c]!;
        i = c;
      }
      a[i] = last;
    }
    return top;
  }
}
