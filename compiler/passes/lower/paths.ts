// lowerToNmir, step 3: every path of linear nodes that ends in one port of a boundary, found by walking edges
// upstream to the nearest boundaries (signal paths) and to every biased linear node on the way (constant paths).

import { SpikegridError } from "../../../common/errors.js";
import type { GraphNode, LookaheadPlan } from "../../graph/index.js";
import type { Schedule } from "../../graph/schedule.js";
import { type Bias, linearTaps, type Tap } from "./taps.js";

/** A linear node on a path and the input port the path enters it through. */
export interface Link {
  index: number;
  port: number;
}

export interface Path {
  /** Schedule index of the boundary that emits the signal, or of the linear node whose bias this is. */
  source: number;
  constant: boolean;
  /** Linear nodes after the source, in signal order. */
  chain: Link[];
  /** Steps added by the edges crossed: one per recurrent edge, plus the look-ahead alignment delays. */
  delay: number;
}

/** One map of a path with one tap chosen per linear node: a stateless chain plus a total delay. */
export interface TermStep {
  node: GraphNode;
  port: number;
  inShapes: number[][];
  outShape: number[];
  label: string;
}
export interface Term {
  delay: number;
  steps: TermStep[];
  inShape: number[];
  outShape: number[];
  label: string;
}

export interface PathContext {
  schedule: Schedule;
  isLinear: (index: number) => boolean;
  taps: (index: number) => { taps: Tap[]; bias?: Bias };
  /** Start steps, output steps and per-edge alignment delays (compiler/graph/lookahead.ts). */
  plan: LookaheadPlan;
  maxPaths: number;
}

/** The taps of every linear node, computed once per node. */
export function tapTable(schedule: Schedule, isLinear: (i: number) => boolean, dt: number) {
  const memo = new Map<number, { taps: Tap[]; bias?: Bias }>();
  return (i: number) => {
    let t = memo.get(i);
    if (!t) {
      if (!isLinear(i)) throw new Error(`internal: taps of non-linear node ${schedule.nodes[i]!.id}`);
      t = linearTaps(schedule.nodes[i]!, dt);
      memo.set(i, t);
    }
    return t;
  };
}

/** A chain as a shared-tail list (prepending is O(1)); turned into an array once per cell when a path needs it. */
interface ChainCell {
  link: Link;
  rest: ChainCell | undefined;
  array?: Link[];
}

function chainArray(cell: ChainCell | undefined): Link[] {
  if (!cell) return [];
  if (!cell.array) {
    const out: Link[] = [];
    for (let c: ChainCell | undefined = cell; c; c = c.rest) out.push(c.link);
    cell.array = out;
  }
  return cell.array;
}

/** Walking the sources of one port of `node` (the k-th next), or the ports of a linear node `s` (the q-th next). */
type WalkFrame =
  | { kind: "sources"; node: number; p: number; k: number; chain: ChainCell | undefined; delay: number }
  | { kind: "ports"; s: number; q: number; chain: ChainCell | undefined; delay: number };

/**
 * Every signal and constant path into port `port` of node `dst`, depth first in source order. An explicit
 * stack, not recursion: a chain of thousands of linear nodes must not overflow the call stack.
 */
export function pathsInto(pc: PathContext, dst: number, port: number): Path[] {
  const { nodes } = pc.schedule;
  const out: Path[] = [];
  const onPath: number[] = [];
  const onPathSet = new Set<number>();
  const stack: WalkFrame[] = [{ kind: "sources", node: dst, p: port, k: 0, chain: undefined, delay: 0 }];
  while (stack.length) {
    const f = stack[stack.length - 1]!;
    if (f.kind === "ports") {
      if (f.q < nodes[f.s]!.ports.length) {
        const q = f.q++;
        const chain = { link: { index: f.s, port: q }, rest: f.chain };
        stack.push({ kind: "sources", node: f.s, p: q, k: 0, chain, delay: f.delay });
      } else {
        stack.pop();
        onPath.pop();
        onPathSet.delete(f.s);
      }
      continue;
    }
    const sources = nodes[f.node]!.sources[f.p]!;
    if (f.k >= sources.length) {
      stack.pop();
      continue;
    }
    const k = f.k++;
    const s = sources[k]!;
    const d = f.delay + (s.recurrent ? 1 : 0) + pc.plan.delays[f.node]![f.p]![k]!;
    if (!pc.isLinear(s.src)) {
      out.push({ source: s.src, constant: false, chain: chainArray(f.chain), delay: d });
    } else {
      if (onPathSet.has(s.src)) {
        const loop = [...onPath.slice(onPath.indexOf(s.src)), s.src].map((i) => nodes[i]!.id);
        throw new SpikegridError(
          "UNSUPPORTED",
          `the loop ${loop.map((x) => `"${x}"`).join(" → ")} holds only linear nodes: it is an infinite-impulse filter with no population to keep its state`,
          { hint: "put an identity Activation (a graded population) or a neuron on the loop" },
        );
      }
      if (pc.taps(s.src).bias)
        out.push({ source: s.src, constant: true, chain: chainArray(f.chain), delay: d });
      onPath.push(s.src);
      onPathSet.add(s.src);
      stack.push({ kind: "ports", s: s.src, q: 0, chain: f.chain, delay: d });
    }
    if (out.length > pc.maxPaths) {
      throw new SpikegridError(
        "UNSUPPORTED",
        `more than ${pc.maxPaths} linear paths lead into port "${nodes[dst]!.ports[port]}" of "${nodes[dst]!.id}"`,
        {
          hint: "raise the compile option maxPaths (library only, no CLI flag), or insert a population where linear branches fan out and merge",
        },
      );
    }
  }
  return out;
}

/** A path's nodes as text: `lif1 → conv2 → pool3 → lif4`. */
export function pathLabel(pc: PathContext, path: Path, dst: number): string {
  const all = [path.source, ...path.chain.map((l) => l.index), dst];
  // a long chain is named by its ends: a message line must stay readable for thousands of nodes
  const shown = all.length > 12 ? [...all.slice(0, 5), -1, ...all.slice(-5)] : all;
  const ids = shown.map((i) => (i < 0 ? `… ${all.length - 10} more …` : pc.schedule.nodes[i]!.id));
  return `${path.constant ? "bias of " : ""}${ids.join(" → ")}`;
}

/** The path's terms: one per combination of taps, delays added (identity taps drop out of the chain). */
export function pathTerms(pc: PathContext, path: Path, dst: number, maxTerms = 256): Term[] {
  const { nodes } = pc.schedule;
  const label = pathLabel(pc, path, dst);
  const first = nodes[path.source]!;
  // a constant starts at its node's output frame 0 (zero padding before: the definition's frames < 0)
  const start = path.delay + (path.constant ? pc.plan.ahead[path.source]! : 0);
  // steps as shared-tail lists (last step first): appending is O(1), so a chain of thousands stays linear
  type Steps = { step: TermStep; before: Steps } | undefined;
  let partial: { delay: number; steps: Steps }[] = [{ delay: start, steps: undefined }];
  for (const link of path.chain) {
    const sn = nodes[link.index]!;
    const next: typeof partial = [];
    for (const tap of pc.taps(link.index).taps) {
      for (const p of partial) {
        const steps: Steps = tap.node
          ? {
              step: {
                node: tap.node,
                port: link.port,
                inShapes: sn.inShapes,
                outShape: sn.outShape,
                label: sn.id,
              },
              before: p.steps,
            }
          : p.steps;
        next.push({ delay: p.delay + tap.delay, steps });
      }
    }
    if (next.length > maxTerms) {
      throw new SpikegridError(
        "UNSUPPORTED",
        `the path ${label} expands into more than ${maxTerms} delayed taps`,
        {
          hint: "split long temporal convolutions or per-element delays with a population in between",
        },
      );
    }
    partial = next;
  }
  const inShape = first.outShape;
  const last = path.chain.length ? nodes[path.chain[path.chain.length - 1]!.index]!.outShape : inShape;
  const stepArray = (list: Steps): TermStep[] => {
    const out: TermStep[] = [];
    for (let c = list; c; c = c.before) out.push(c.step);
    return out.reverse();
  };
  return partial.map((p) => ({ delay: p.delay, steps: stepArray(p.steps), inShape, outShape: last, label }));
}
